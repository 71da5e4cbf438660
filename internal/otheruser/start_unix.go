//go:build unix

package otheruser

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Proc is the test binary running as the other user.
type Proc struct {
	lines chan string
	stdin io.WriteCloser
}

// Listen starts a listener of the other user on addr ("127.0.0.1:0") and
// returns it with the address it listens on. It skips the test unless it
// runs as root.
func Listen(t *testing.T, addr string) (*Proc, string) {
	p := start(t, "listen", addr, 0)
	line := p.Next(t, 10*time.Second)
	got, ok := strings.CutPrefix(line, "listening ")
	if !ok {
		t.Fatalf("the other user's listener said %q", line)
	}
	return p, got
}

// Connect opens n idle connections to addr as the other user, and holds
// them until the test ends.
func Connect(t *testing.T, addr string, n int) *Proc {
	p := start(t, "connect", addr, n)
	if line := p.Next(t, 20*time.Second); line != "connected "+strconv.Itoa(n) {
		t.Fatalf("the other user's client said %q", line)
	}
	return p
}

// Post sends a token request to addr as the other user, and returns how
// many bytes of answer came.
func Post(t *testing.T, addr string) string {
	return start(t, "post", addr, 0).Next(t, 10*time.Second)
}

// Next is the process's next line of output; the test fails when none
// comes within d.
func (p *Proc) Next(t *testing.T, d time.Duration) string {
	t.Helper()
	line, ok := p.Within(d)
	if !ok {
		t.Fatalf("the other user's process said nothing within %v", d)
	}
	return line
}

// Within is the process's next line of output, if one comes within d.
func (p *Proc) Within(d time.Duration) (string, bool) {
	select {
	case line, ok := <-p.lines:
		return line, ok
	case <-time.After(d):
		return "", false
	}
}

func start(t *testing.T, mode, addr string, n int) *Proc {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("SKIPPED: needs root, to run a process as another uid")
	}
	// The test binary lives in a directory only root may enter: copy it
	// where the other user can run it.
	dir, err := os.MkdirTemp("", "cch-otheruser")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "otheruser")
	if err := copyExe(os.Args[0], exe); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Dir = dir
	cmd.Env = []string{envMode + "=" + mode, envAddr + "=" + addr, envN + "=" + strconv.Itoa(n)}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: UID, Gid: UID}}
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &Proc{lines: make(chan string, 1024), stdin: stdin}
	go func() {
		defer close(p.lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return p
}

func copyExe(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

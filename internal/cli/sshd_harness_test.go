//go:build linux

package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A real sshd (Debian's openssh-server) on 127.0.0.1 with a throwaway host
// key and config, and a throwaway local account to log in to: the remote
// host of TestForwardOverSSH. It needs root (sshd's privilege separation,
// useradd); scripts/test deps installs openssh-server.

// requireSSH skips (fails under CI) unless sshd, ssh, ssh-keygen, useradd
// and userdel are installed and the test runs as root.
func requireSSH(t *testing.T) {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("SKIPPED: needs root, for sshd and a throwaway account")
	}
	for _, tool := range []string{"/usr/sbin/sshd", "ssh", "ssh-keygen", "useradd", "userdel"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing (scripts/test deps installs openssh-server)", tool)
			}
			t.Skipf("SKIPPED: %s is missing (scripts/test deps installs openssh-server)", tool)
		}
	}
}

// remoteAccount is a throwaway account with a home of its own and nothing
// in it: no keychain, no config. It is deleted when the test ends.
type remoteAccount struct {
	name, home string
	uid        int
}

func newRemoteAccount(t *testing.T, parent string) *remoteAccount {
	t.Helper()
	b := make([]byte, 4)
	rand.Read(b)
	a := &remoteAccount{name: "cchr" + hex.EncodeToString(b), home: filepath.Join(parent, "home")}
	// "*" as the password: no password, but not a locked account, which
	// sshd refuses without PAM.
	if out, err := exec.Command("useradd", "-M", "-d", a.home, "-s", "/bin/sh", "-p", "*", a.name).CombinedOutput(); err != nil {
		t.Fatalf("useradd: %v: %s", err, out)
	}
	t.Cleanup(func() {
		for _, pid := range a.processes(t) { // what the test made run there
			if p, err := os.FindProcess(pid); err == nil {
				p.Kill()
			}
		}
		time.Sleep(100 * time.Millisecond)
		if out, err := exec.Command("userdel", a.name).CombinedOutput(); err != nil {
			t.Errorf("userdel %s: %v: %s", a.name, err, out)
		}
	})
	out, err := exec.Command("id", "-u", a.name).Output()
	if err != nil {
		t.Fatal(err)
	}
	// The cleanup kills the account's processes: never uid 0's.
	if a.uid, err = strconv.Atoi(strings.TrimSpace(string(out))); err != nil || a.uid <= 0 {
		t.Fatalf("uid of %s: %q, %v", a.name, out, err)
	}
	gid, err := exec.Command("id", "-g", a.name).Output()
	if err != nil {
		t.Fatal(err)
	}
	g, err := strconv.Atoi(strings.TrimSpace(string(gid)))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(a.home, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(a.home, a.uid, g); err != nil {
		t.Fatal(err)
	}
	return a
}

// processes are the ids of the account's running processes, but sshd's
// own (a session that is ending).
func (a *remoteAccount) processes(t *testing.T) []int {
	if a.uid <= 0 { // not known yet: never list (and kill) root's
		return nil
	}
	out, _ := exec.Command("ps", "-o", "pid=,stat=,comm=", "-u", strconv.Itoa(a.uid)).Output()
	var pids []int
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && !strings.HasPrefix(f[1], "Z") && f[2] != "sshd" {
			if pid, err := strconv.Atoi(f[0]); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// sshServer is a running sshd and the client key that logs in to it.
type sshServer struct {
	dir, key string
	port     int
}

func startSSHD(t *testing.T, user string) *sshServer {
	t.Helper()
	dir, err := os.MkdirTemp("", "cchs")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755) // sshd reads authorized_keys as the user
	s := &sshServer{dir: dir, key: filepath.Join(dir, "clientkey")}
	for _, k := range []string{"hostkey", "clientkey"} {
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dir, k)).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v: %s", err, out)
		}
	}
	pub, err := os.ReadFile(s.key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), pub, 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	conf := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
AuthorizedKeysFile %s
PidFile none
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowUsers %s
AllowStreamLocalForwarding yes
StreamLocalBindUnlink yes
`, s.port, filepath.Join(dir, "hostkey"), filepath.Join(dir, "authorized_keys"), user)
	if err := os.WriteFile(filepath.Join(dir, "sshd_config"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil { // privilege separation's directory
		t.Fatal(err)
	}
	cmd := exec.Command("/usr/sbin/sshd", "-D", "-e", "-f", filepath.Join(dir, "sshd_config"))
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("sshd log:\n%s", log.String())
		}
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err == nil {
			c.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd does not listen: %v\n%s", err, log.String())
		}
	}
}

// run runs command as user on the server, with forward (ssh -R's
// REMOTE:LOCAL, "" for none), and returns its output and exit status.
func (s *sshServer) run(t *testing.T, user, forward, command string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := s.command(ctx, user, forward, command)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("ssh %s: %v", command, err)
	}
	return out.String(), errb.String(), code
}

// command is the ssh client for run, for the caller to start.
func (s *sshServer) command(ctx context.Context, user, forward, command string) *exec.Cmd {
	args := []string{"-F", "/dev/null", "-i", s.key, "-p", strconv.Itoa(s.port),
		"-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "LogLevel=ERROR", "-o", "ExitOnForwardFailure=yes"}
	if forward != "" {
		args = append(args, "-R", forward)
	}
	args = append(args, user+"@127.0.0.1", command)
	return exec.CommandContext(ctx, "ssh", args...)
}

//go:build linux

package cli

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

// TestAgentRefusesOtherUsers runs clients as another uid (nobody) against a
// running agent: the real binary does not use another user's agent
// directory, and a process that reaches the socket anyway (its modes
// loosened by hand) is refused by the agent's SO_PEERCRED check. Neither
// gets a token, and the agent serves no request for them.
func TestAgentRefusesOtherUsers(t *testing.T) {
	requireBinaryTests(t)
	if os.Getuid() != 0 {
		t.Skip("SKIPPED: needs root, to run a process as another uid")
	}
	t.Parallel()
	const nobody = 65534
	s := newSandbox(t, buildBinary(t))
	ts := tokenserver.New(t)
	if r := s.run("s3cr3t\n", nil, "login", "--client-id", "cid", "--oauth-url", ts.URL, "--client-secret-stdin", "--no-verify"); r.code != 0 {
		t.Fatalf("login: %d %s", r.code, r.stderr)
	}
	if r := s.run("", nil, "token", "--format", "raw"); r.code != 0 || !strings.HasPrefix(r.stdout, "tok-") {
		t.Fatalf("token: %d %q %s", r.code, r.stdout, r.stderr)
	}
	dir := agentwire.Dir(func(k string) (string, bool) { return s.runtime, k == "XDG_RUNTIME_DIR" })
	served := func() int64 {
		st, err := agent.Status(dir)
		if err != nil {
			t.Fatalf("agent status: %v", err)
		}
		return st.Served
	}
	before := served()

	// Binaries a foreign uid can run: the helper, and this test binary.
	pub, err := os.MkdirTemp("", "cchu")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(pub) })
	os.Chmod(pub, 0o755)
	helperExe, testExe := filepath.Join(pub, name), filepath.Join(pub, "rawdial")
	copyFile(t, s.exe, helperExe)
	copyFile(t, os.Args[0], testExe)
	asNobody := func(cmd *exec.Cmd) (string, int) {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		cmd.Dir = pub
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("%s: %v", cmd.Path, err)
		}
		return string(out), code
	}

	// 1. The helper as nobody, pointed at root's runtime directory: it does
	// not reach (or use) the agent, and prints no token.
	cmd := exec.Command(helperExe, "--timeout", "3s", "token", "--format", "raw")
	cmd.Env = s.environ([]string{"HOME=" + pub})
	out, code := asNobody(cmd)
	if code == 0 || strings.Contains(out, "tok-") {
		t.Errorf("helper as nobody: exit %d, output %q; want a failure without a token", code, out)
	}

	// 2. The socket opened to everyone by hand: a foreign process connects,
	// and the agent refuses it.
	for path, mode := range map[string]os.FileMode{s.runtime: 0o711, dir: 0o711, agentwire.SocketPath(dir): 0o666} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}
	cmd = exec.Command(testExe)
	cmd.Env = append(s.environ(nil), envRawDial+"="+agentwire.SocketPath(dir))
	out, _ = asNobody(cmd)
	if !strings.Contains(out, `unserved="refused: this agent serves uid 0 only"`) || strings.Contains(out, "tok-") {
		t.Errorf("a foreign process on the agent socket got %q; want a refusal without a token", out)
	}
	// The real client as nobody still refuses a directory that is not its own.
	cmd = exec.Command(helperExe, "--timeout", "3s", "token", "--format", "raw")
	cmd.Env = s.environ([]string{"HOME=" + pub})
	if out, code := asNobody(cmd); code == 0 || strings.Contains(out, "tok-") {
		t.Errorf("helper as nobody, socket open: exit %d, output %q; want a failure without a token", code, out)
	}
	for path, mode := range map[string]os.FileMode{s.runtime: 0o700, dir: 0o700, agentwire.SocketPath(dir): 0o600} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}
	if after := served(); after != before {
		t.Errorf("the agent served %d request(s) for another uid", after-before)
	}
	if n := len(ts.Requests()); n != 1 {
		t.Errorf("%d token requests; want 1", n)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

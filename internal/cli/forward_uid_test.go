//go:build linux

package cli

import (
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

// TestForwardUIDs is a dev container whose user's uid differs from the
// laptop user's: the forward socket reaches it through the filesystem (a
// link to the socket's inode in a directory it can read, as docker's bind
// mount gives it), and the helper there names it with
// CAMUNDA_CREDENTIAL_HELPER_AGENT_SOCKET. The uid listed in [agent]
// forward_uids gets a token; one not listed is refused in one line and
// gets none; the agent counts only what it served.
func TestForwardUIDs(t *testing.T) {
	requireBinaryTests(t)
	if os.Getuid() != 0 {
		t.Skip("SKIPPED: needs root, to run processes as other uids")
	}
	t.Parallel()
	const listed, unlisted = 65534, 65533
	s := newSandbox(t, buildBinary(t))
	ts := tokenserver.New(t)
	if err := os.MkdirAll(filepath.Dir(s.configPath()), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.configPath(), []byte("[agent]\nforward_uids = [65534]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := s.run("s3cr3t\n", nil, "login", "--forward", "--client-id", "cid", "--oauth-url", ts.URL, "--client-secret-stdin", "--no-verify"); r.code != 0 {
		t.Fatalf("login: %d %s", r.code, r.stderr)
	}
	if r := s.run("", nil, "token", "--format", "raw"); r.code != 0 || r.stdout != "tok-1\n" {
		t.Fatalf("token: %d %q %s", r.code, r.stdout, r.stderr)
	}
	dir := agentwire.Dir(func(k string) (string, bool) { return s.runtime, k == "XDG_RUNTIME_DIR" })
	fwd := agentwire.ForwardSocketPath(dir)
	if fi, err := os.Stat(fwd); err != nil || fi.Mode().Perm() != 0o666 {
		t.Fatalf("forward socket %s: %v, %v; want mode 0666 (forward_uids lists a uid)", fwd, fi, err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("agent directory: %v, %v; want 0700", fi, err)
	}

	// The "container": a directory the other uids can read, the socket
	// linked into it, the helper binary, and a home with nothing in it.
	pub, err := os.MkdirTemp("", "cchf")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(pub) })
	os.Chmod(pub, 0o755)
	sock := filepath.Join(pub, "run.sock")
	if err := os.Link(fwd, sock); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(pub, name)
	copyFile(t, s.exe, exe)
	as := func(uid int, args ...string) (stdout, stderr string, code int) {
		t.Helper()
		home := filepath.Join(pub, "home"+strings.Repeat("x", uid%7))
		os.MkdirAll(home, 0o777)
		cmd := exec.Command(exe, args...)
		cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + home, agentwire.EnvSocket + "=" + sock}
		cmd.Dir = pub
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid)}}
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return out.String(), errb.String(), code
	}
	if out, errs, code := as(listed, "token", "--format", "raw"); code != 0 || out != "tok-1\n" {
		t.Errorf("uid %d (in forward_uids): exit %d, %q, %q; want the token", listed, code, out, errs)
	}
	out, errs, code := as(unlisted, "token", "--format", "raw")
	if code == 0 || strings.Contains(out, "tok-") || !strings.Contains(errs, "uid 65533 is not allowed on this forward socket") || strings.Count(errs, "\n") != 1 {
		t.Errorf("uid %d (not listed): exit %d, %q, %q; want one line refusing it and no token", unlisted, code, out, errs)
	}
	st, err := agent.Status(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Forwarded != 1 {
		t.Errorf("the agent counts %d forwarded requests; want 1", st.Forwarded)
	}
	if n := len(ts.Requests()); n != 1 {
		t.Errorf("%d token requests; want 1", n)
	}
}

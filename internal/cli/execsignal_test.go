//go:build !windows

package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

// TestExecForwardsSignals sends SIGTERM, SIGINT and SIGHUP to the helper
// (not to its child) while `exec` runs a shell that traps them: the child
// gets the signal, and its exit status is the helper's.
func TestExecForwardsSignals(t *testing.T) {
	requireBinaryTests(t)
	t.Parallel()
	s := newSandbox(t, buildBinary(t))
	ts := tokenserver.New(t)
	if r := s.run(tokenserver.ClientSecret, nil, "login", "--client-id", tokenserver.ClientID, "--oauth-url", ts.URL, "--client-secret-stdin"); r.code != 0 {
		t.Fatalf("login: exit %d: %s", r.code, r.stderr)
	}
	for _, tt := range []struct {
		sig  syscall.Signal
		name string
		exit int
	}{
		{syscall.SIGTERM, "TERM", 7},
		{syscall.SIGINT, "INT", 8},
		{syscall.SIGHUP, "HUP", 9},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ready := filepath.Join(t.TempDir(), "ready")
			script := `trap 'echo "got ` + tt.name + ` with $CAMUNDA_OAUTH_TOKEN"; exit ` + strconv.Itoa(tt.exit) + `' ` + tt.name + `
: > "$1"
while :; do sleep 0.02; done`
			cmd := s.command("", nil, "exec", "--", "sh", "-c", script, "sh", ready)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			// Its own process group, so that only the helper gets the signal.
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Whatever happens, the shell does not outlive the test.
			pgid := cmd.Process.Pid
			t.Cleanup(func() { syscall.Kill(-pgid, syscall.SIGKILL) })
			waited := make(chan error, 1)
			deadline := time.Now().Add(10 * time.Second)
			for {
				if _, err := os.Stat(ready); err == nil {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("the child did not start; stderr: %s", errb.String())
				}
				time.Sleep(10 * time.Millisecond)
			}
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			go func() { waited <- cmd.Wait() }()
			var err error
			select {
			case err = <-waited:
			case <-time.After(5 * time.Second):
				syscall.Kill(-pgid, syscall.SIGKILL)
				t.Fatalf("still running 5s after SIG%s: the signal was not forwarded", tt.name)
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tt.exit {
				t.Fatalf("exit: %v; want status %d (stdout %q, stderr %q)", err, tt.exit, out.String(), errb.String())
			}
			if got := strings.TrimSpace(out.String()); got != "got "+tt.name+" with tok-1" {
				t.Errorf("stdout = %q; want the child's trap output", got)
			}
			if errb.Len() != 0 {
				t.Errorf("stderr = %q; want nothing", errb.String())
			}
		})
	}
}

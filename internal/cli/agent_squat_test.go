//go:build linux

package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

// TestAgentDirNotSquatted: with XDG_RUNTIME_DIR unset, another user who
// creates camunda-credential-helper-UID in the shared temporary directory
// first (as nobody could in /tmp) does not keep the agent off: the agent
// lives in a private directory under the user's cache directory.
func TestAgentDirNotSquatted(t *testing.T) {
	requireBinaryTests(t)
	if os.Getuid() != 0 {
		t.Skip("SKIPPED: needs root, to create a directory owned by another uid")
	}
	t.Parallel()
	const nobody = 65534
	s := newSandbox(t, buildBinary(t))
	squat := filepath.Join(s.tmp, "camunda-credential-helper-"+strconv.Itoa(os.Getuid()))
	if err := os.Mkdir(squat, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(squat, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	noRuntime := []string{"XDG_RUNTIME_DIR="}
	dir := agentwire.Dir(func(k string) (string, bool) {
		v, ok := map[string]string{"HOME": s.home, "XDG_CACHE_HOME": s.cache}[k]
		return v, ok
	})
	t.Cleanup(func() { _, _ = agent.Stop(dir) })
	if want := filepath.Join(s.cache, name, "agent"); dir != want {
		t.Errorf("agent directory without XDG_RUNTIME_DIR = %s; want %s", dir, want)
	}

	ts := tokenserver.New(t)
	if r := s.run("s3cr3t\n", noRuntime, "login", "--client-id", "cid", "--oauth-url", ts.URL, "--client-secret-stdin", "--no-verify"); r.code != 0 {
		t.Fatalf("login: %d %s", r.code, r.stderr)
	}
	for i := 0; i < 2; i++ {
		if r := s.run("", noRuntime, "token", "--format", "raw"); r.code != 0 || !strings.HasPrefix(r.stdout, "tok-") {
			t.Fatalf("token: %d %q %s", r.code, r.stdout, r.stderr)
		}
	}
	st, err := agent.Status(dir)
	if err != nil {
		t.Fatalf("no agent runs in %s beside the squatted %s: %v", dir, squat, err)
	}
	if st.Served < 2 {
		t.Errorf("agent served %d requests; want the 2 token calls", st.Served)
	}
	if err := agentwire.CheckDir(dir); err != nil {
		t.Errorf("agent directory: %v", err)
	}
	r := s.run("", noRuntime, "agent", "status")
	if !strings.Contains(r.stdout, filepath.Join(dir, "agent.sock")) {
		t.Errorf("agent status = %q; want it to name %s", r.stdout, dir)
	}
}

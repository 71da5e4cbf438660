package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

// TestAgentRetiresOnUpgrade: an agent started by one release serves a call
// of another by the direct path and exits; the next call starts an agent
// of the new release. (Two builds with different -X main.Version.)
func TestAgentRetiresOnUpgrade(t *testing.T) {
	requireBinaryTests(t)
	t.Parallel()
	build := func(version string) string {
		exe := filepath.Join(t.TempDir(), name)
		cmd := exec.Command("go", "build", "-ldflags", "-X main.Version="+version, "-o", exe, "../..")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		return exe
	}
	v1, v2 := build("v1.0.0"), build("v2.0.0")
	s := newSandbox(t, v1)
	ts := tokenserver.New(t)
	dir := agentwire.Dir(func(k string) (string, bool) { return s.runtime, k == "XDG_RUNTIME_DIR" })
	version := func() string {
		st, err := agent.Status(dir)
		if err != nil {
			return ""
		}
		return st.Version
	}
	if r := s.run("s3cr3t\n", nil, "login", "--client-id", "cid", "--oauth-url", ts.URL, "--client-secret-stdin", "--no-verify"); r.code != 0 {
		t.Fatalf("login: %d %s", r.code, r.stderr)
	}
	token := func(want string) {
		t.Helper()
		r := s.run("", nil, "token", "--format", "raw")
		if r.code != 0 || r.stdout != want+"\n" || r.stderr != "" {
			t.Fatalf("token: exit %d, stdout %q, stderr %q; want %q", r.code, r.stdout, r.stderr, want)
		}
	}
	token("tok-1")
	if v := version(); v != "v1.0.0" {
		t.Fatalf("agent version %q after a v1 call; want v1.0.0", v)
	}
	s.exe = v2
	token("tok-2") // the direct path: the v1 agent does not serve v2
	for i := 0; version() == "v1.0.0" && i < 200; i++ {
		exec.Command("sleep", "0.02").Run()
	}
	token("tok-2") // starts a v2 agent, which takes up the direct path's cached token
	if v := version(); v != "v2.0.0" {
		t.Errorf("agent version %q after v2 calls; want v2.0.0", v)
	}
	token("tok-2")
	if n := len(ts.Requests()); n != 2 {
		t.Errorf("%d token requests; want 2", n)
	}
	if r := s.run("", nil, "agent", "status"); !strings.Contains(r.stdout, "version v2.0.0") {
		t.Errorf("agent status: %q", r.stdout)
	}
}

// TestFastClientShim: with camunda-credential-helper-fast installed next to
// the full binary, setup points the tools (and the shims it installs) at
// it; a git shim then answers through the full binary when no agent runs
// (starting one), and through the agent afterwards.
func TestFastClientShim(t *testing.T) {
	requireBinaryTests(t)
	t.Parallel()
	bin := t.TempDir()
	for pkg, out := range map[string]string{"../..": name, "../../cmd/camunda-credential-helper-fast": name + "-fast"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(bin, out), pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, b)
		}
	}
	fast := filepath.Join(bin, name+"-fast")
	s := newSandbox(t, filepath.Join(bin, name))
	ts := tokenserver.New(t)
	if r := s.run("s3cr3t\n", nil, "login", "--client-id", "cid", "--oauth-url", ts.URL, "--client-secret-stdin", "--no-verify", "--host", "git.example"); r.code != 0 {
		t.Fatalf("login: %d %s", r.code, r.stderr)
	}
	if r := s.run("", nil, "setup", "git"); r.code != 0 || !strings.Contains(r.stdout, fast) {
		t.Errorf("setup git: exit %d, %q; want the fast client's path %s", r.code, r.stdout, fast)
	}
	shims := t.TempDir()
	if r := s.run("", nil, "setup", "git", "--install", shims); r.code != 0 {
		t.Fatalf("setup git --install: %d %s", r.code, r.stderr)
	}
	shim := filepath.Join(shims, "git-credential-camunda")
	if target, err := os.Readlink(shim); err != nil || target != fast {
		t.Fatalf("shim %s -> %q (%v); want %s", shim, target, err, fast)
	}
	dir := agentwire.Dir(func(k string) (string, bool) { return s.runtime, k == "XDG_RUNTIME_DIR" })
	for i, wantServed := range []int64{1, 2} {
		s.exe = shim
		r := s.run("protocol=https\nhost=git.example\n\n", nil, "get")
		if r.code != 0 || !strings.Contains(r.stdout, "password=tok-1\n") || r.stderr != "" {
			t.Fatalf("shim get #%d: exit %d, stdout %q, stderr %q", i+1, r.code, r.stdout, r.stderr)
		}
		st, err := agent.Status(dir)
		if err != nil || st.Served != wantServed {
			t.Fatalf("after shim get #%d: agent %+v, %v; want %d served", i+1, st, err, wantServed)
		}
	}
	if n := len(ts.Requests()); n != 1 {
		t.Errorf("%d token requests; want 1", n)
	}
}

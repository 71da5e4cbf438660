package cli

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
)

// stubAgent answers every token request on the agent socket of dir with
// the same token, and counts the requests.
func stubAgent(t *testing.T, dir string) *atomic.Int64 {
	t.Helper()
	sock := agentwire.SocketPath(filepath.Join(dir, "camunda-credential-helper"))
	if err := os.MkdirAll(filepath.Dir(sock), 0o700); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var n atomic.Int64
	rep := &agentwire.Reply{AccessToken: "tok-front-door", Expiry: time.Now().Add(time.Hour),
		RefreshAt: time.Now().Add(50 * time.Minute), Profile: "default", Username: "cid"}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			var req agentwire.Request
			if agentwire.Read(c, &req) == nil && req.Op == agentwire.OpToken {
				n.Add(1)
				_ = agentwire.Write(c, rep)
			}
			c.Close()
		}
	}()
	return &n
}

// TestMainHitSkipsCommandLine holds that a cached call of the full binary
// is answered before the command line is built: kong's model of it, built
// by reflection, allocates thousands of objects and is most of a call's
// start-up, which the fast front never pays. The bound is an order of
// magnitude below what building the command line alone allocates.
func TestMainHitSkipsCommandLine(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", dir)
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config")) // no config: the command line would fail
	for _, k := range []string{agentwire.EnvAgent, agentwire.EnvSocket, "CAMUNDA_CREDENTIAL_HELPER_DEBUG",
		"CAMUNDA_CONSOLE_CLIENT_ID", "CAMUNDA_CONSOLE_CLIENT_SECRET", "CAMUNDA_PROFILE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	requests := stubAgent(t, dir)

	out, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	stdout, args := os.Stdout, os.Args
	os.Stdout, os.Args = out, []string{"camunda-credential-helper", "token", "--format", "raw"}
	defer func() { os.Stdout, os.Args = stdout, args }()

	code := -1
	allocs := testing.AllocsPerRun(20, func() { code = Main("") })
	os.Stdout = stdout
	if code != 0 {
		t.Fatalf("exit %d, want 0", code)
	}
	b, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Repeat("tok-front-door\n", 21); string(b) != want {
		t.Fatalf("stdout %q, want the token once per call", b)
	}
	if n := requests.Load(); n != 21 {
		t.Errorf("%d requests to the agent, want 21", n)
	}
	// Building the command line alone: what a call without the front door pays.
	built := testing.AllocsPerRun(5, func() {
		if _, err := newParser(&cli{}, "", env{lookup: os.LookupEnv, stdout: out, stderr: out}, func(int) {}); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > built/10 {
		t.Errorf("a cached call allocates %.0f objects, building the command line %.0f: the hit path builds it", allocs, built)
	}
	t.Logf("a cached call: %.0f allocations; building the command line: %.0f", allocs, built)
}

package cli

// Helpers for the Go tests that run the BUILT binary (go build, not the test
// binary re-executed) in a sandbox of their own: fresh HOME, XDG config and
// cache dirs and TMPDIR, a keychain service name of their own in the private
// Secret Service of scripts/with-keyring, and nothing else of the caller's
// environment.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// requireBinaryTests gates the tests that run the built binary against the
// real keychain: Linux only (the private Secret Service exists only there),
// and only inside scripts/with-keyring, like TestScript.
func requireBinaryTests(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("SKIPPED: runs the built binary against the private Secret Service of scripts/with-keyring (Linux only)")
	}
	if testing.Short() {
		t.Skip("SKIPPED in -short mode: builds and runs the binary")
	}
	requireTestKeyring(t)
}

// buildBinary builds the command into t.TempDir() and returns its path.
func buildBinary(t *testing.T) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("go", "build", "-o", exe, "../..")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return exe
}

// sandbox is a throwaway user account for the binary.
type sandbox struct {
	t                        *testing.T
	exe                      string
	root                     string
	home, config, cache, tmp string
	service                  string
	runtime                  string   // XDG_RUNTIME_DIR: the sandbox's own token agent
	env                      []string // added to every run
}

func newSandbox(t *testing.T, exe string) *sandbox {
	t.Helper()
	root := t.TempDir()
	b := make([]byte, 4)
	rand.Read(b)
	s := &sandbox{t: t, exe: exe, root: root,
		home: filepath.Join(root, "home"), config: filepath.Join(root, "config"),
		cache: filepath.Join(root, "cache"), tmp: filepath.Join(root, "tmp"),
		service: "cch-test-" + strings.ReplaceAll(t.Name(), "/", "-") + "-" + hex.EncodeToString(b),
		runtime: agentRuntimeDir(t, t.Cleanup),
	}
	for _, d := range []string{s.home, s.config, s.cache, s.tmp} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { clearService(t, s.service) })
	return s
}

// dirs are the directories the binary may write to.
func (s *sandbox) dirs() []string { return []string{s.home, s.config, s.cache, s.tmp, s.runtime} }

// configPath is the default config file inside the sandbox.
func (s *sandbox) configPath() string {
	return filepath.Join(s.config, name, "config.toml")
}

func (s *sandbox) environ(extra []string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + s.home,
		"XDG_CONFIG_HOME=" + s.config,
		"XDG_CACHE_HOME=" + s.cache,
		"TMPDIR=" + s.tmp,
		"LANG=C",
		"CAMUNDA_CREDENTIAL_HELPER_SERVICE=" + s.service,
	}
	if v, ok := os.LookupEnv("DBUS_SESSION_BUS_ADDRESS"); ok {
		env = append(env, "DBUS_SESSION_BUS_ADDRESS="+v)
	}
	env = append(env, "XDG_RUNTIME_DIR="+s.runtime)
	env = append(env, s.env...)
	return append(env, extra...)
}

// result is what one run of the binary produced.
type result struct {
	stdout, stderr string
	code           int
	took           time.Duration
}

// run runs the binary with args, stdin and extra environment variables, and
// fails the test if it does not end within 20 seconds.
func (s *sandbox) run(stdin string, env []string, args ...string) result {
	s.t.Helper()
	cmd := s.command(stdin, env, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		s.t.Fatalf("%s %q: %v", name, args, err)
	}
	return r
}

// command prepares a run of the binary; the caller starts it.
func (s *sandbox) command(stdin string, env []string, args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	s.t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, s.exe, args...)
	cmd.Env = s.environ(env)
	cmd.Dir = s.root
	cmd.Stdin = strings.NewReader(stdin)
	// A child that outlives the binary (exec) must not keep Wait waiting
	// on the output pipes.
	cmd.WaitDelay = 2 * time.Second
	return cmd
}

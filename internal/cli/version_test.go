package cli

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReleaseVersion: a release build sets the version with -ldflags, and
// --version and docker's version action report it.
func TestReleaseVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	exe := filepath.Join(t.TempDir(), name)
	build := exec.Command("go", "build", "-ldflags", "-X main.Version=v9.8.7", "-o", exe, "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"--version"}, {"docker", "version"}} {
		out, err := exec.Command(exe, args...).Output()
		if err != nil {
			t.Fatalf("%s %v: %v", name, args, err)
		}
		if !strings.Contains(string(out), "v9.8.7") {
			t.Errorf("%s %v = %q; want it to report v9.8.7", name, args, out)
		}
	}
}

//go:build unix

package cli

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// TestServeOutput: serve's variables (the per-run secret among them) go
// to a new 0600 file with --output, which neither an existing file nor a
// symlink can stand for; and not to a stdout that is a file others can
// read (serve > .env.local under umask 022), which is refused naming
// --output.
func TestServeOutput(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()

	out := filepath.Join(dir, ".env.local")
	w, err := (&serveCmd{Output: out}).output(env{stdout: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if err := writeVars(w, io.Discard, "A=1\n"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("--output file: %v, %v; want mode 0600", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(out); string(b) != "A=1\n" {
		t.Errorf("--output file holds %q", b)
	}

	target := filepath.Join(dir, "elsewhere")
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{out, link} {
		_, err := (&serveCmd{Output: path}).output(env{stdout: io.Discard})
		if credential.KindOf(err) != credential.KindUsage || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("--output %s: %v; want a refusal", filepath.Base(path), err)
		}
	}
	if _, err := os.Lstat(target); err == nil {
		t.Errorf("the symlink's target was created")
	}

	for mode, ok := range map[os.FileMode]bool{0o644: false, 0o640: false, 0o600: true} {
		f, err := os.OpenFile(filepath.Join(dir, "stdout-"+mode.String()), os.O_CREATE|os.O_WRONLY, mode)
		if err != nil {
			t.Fatal(err)
		}
		_ = f.Chmod(mode)
		_, err = (&serveCmd{}).output(env{stdout: f})
		f.Close()
		if ok != (err == nil) {
			t.Errorf("stdout a file of mode %v: %v; want ok %v", mode, err, ok)
		}
		if err != nil && !strings.Contains(err.Error(), "--output") {
			t.Errorf("stdout a file of mode %v: %v; want the refusal to name --output", mode, err)
		}
	}
}

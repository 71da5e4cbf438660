package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An earlier shim of ours (a link, or on Windows a copy of the binary) is
// replaced; anything else under that name stays.
func TestRemoveOldShim(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "camunda-credential-helper")
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(exe, "the binary")
	copyOf := filepath.Join(dir, "copy")
	write(copyOf, "the binary")
	other := filepath.Join(dir, "other")
	write(other, "someone else's program")
	if err := removeOldShim(copyOf, exe); err != nil {
		t.Errorf("a copy of the binary: %v; want it replaced", err)
	}
	if _, err := os.Stat(copyOf); !os.IsNotExist(err) {
		t.Error("the copy is still there")
	}
	if err := removeOldShim(other, exe); err == nil || !strings.Contains(err.Error(), "not replacing it") {
		t.Errorf("another program: %v; want it refused", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another program was removed: %v", err)
	}
	if err := removeOldShim(filepath.Join(dir, "missing"), exe); err != nil {
		t.Errorf("nothing there: %v; want nil", err)
	}
}

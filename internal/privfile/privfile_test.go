package privfile

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// WriteAtomic replaces the file whole, with mode 0600 whatever the umask
// and whatever mode the old file had, and leaves no temporary file behind.
func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cache.tok")
	if err := os.WriteFile(path, []byte("an older, longer content"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "new" {
		t.Fatalf("content = %q, %v; want exactly the new bytes", b, err)
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("mode = %v, %v; want 0600", fi.Mode().Perm(), err)
		}
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(des) != 1 {
		var names []string
		for _, de := range des {
			names = append(names, de.Name())
		}
		t.Errorf("the directory holds %s; want only the file", strings.Join(names, ", "))
	}
}

// A write that cannot happen leaves the old file as it was, and nothing
// else.
func TestWriteAtomicFailureKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "missing", "cache.tok")
	if err := WriteAtomic(path, []byte("x")); err == nil {
		t.Fatal("WriteAtomic into a missing directory succeeded")
	}
	// Renaming over a directory fails after the temporary file is
	// written: the temporary file goes too.
	target := filepath.Join(dir, "target")
	if err := os.Mkdir(target, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "keep"), []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(target, []byte("x")); err == nil {
		t.Fatal("WriteAtomic over a non-empty directory succeeded")
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(des) != 1 || des[0].Name() != "target" {
		t.Errorf("after a failed write the directory holds %v; want only target", des)
	}
	if b, err := os.ReadFile(filepath.Join(target, "keep")); err != nil || string(b) != "old" {
		t.Errorf("the old content is %q, %v", b, err)
	}
}

//go:build unix

package privfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestLooseBits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		mode, mask, want fs.FileMode
	}{
		{0o600, 0o022, 0},
		{0o644, 0o022, 0},
		{0o664, 0o022, 0o020},
		{0o666, 0o022, 0o022},
		{0o604, 0o077, 0o004},
	} {
		if err := os.Chmod(path, tt.mode); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := LooseBits(fi, tt.mask); got != tt.want {
			t.Errorf("LooseBits(%04o, %04o) = %04o; want %04o", tt.mode, tt.mask, got, tt.want)
		}
	}
}

// A file of the caller's is not foreign, nor one of root's (whom the
// caller trusts anyway); one of another user's is, with that user's uid.
// Giving a file away needs root, as in CI.
func TestForeignOwner(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if uid, foreign := ForeignOwner(fi); foreign || uid != os.Getuid() {
		t.Errorf("own file: ForeignOwner = %d, %v; want %d, false", uid, foreign, os.Getuid())
	}
	if os.Getuid() != 0 {
		t.Skip("needs root to give a file to another user")
	}
	if err := os.Chown(path, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if fi, err = os.Stat(path); err != nil {
		t.Fatal(err)
	}
	if uid, foreign := ForeignOwner(fi); !foreign || uid != 65534 {
		t.Errorf("file of uid 65534: ForeignOwner = %d, %v; want 65534, true", uid, foreign)
	}
}

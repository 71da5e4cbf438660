// Package privfile handles files only their owner may read or change: it
// writes them atomically with mode 0600, and tells whether others could
// change one (Unix mode bits and owner; nothing on Windows, where Go makes
// the mode bits up and ACLs decide).
package privfile

import (
	"os"
	"path/filepath"
)

// CreateNew creates path, which must not exist yet (not even as a
// symlink), for writing, with mode 0600.
func CreateNew(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|noFollow, 0o600)
}

// WriteAtomic writes b to path through a 0600 temporary file in the same
// directory, synced and renamed over path.
func WriteAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

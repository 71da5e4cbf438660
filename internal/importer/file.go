package importer

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// maxSource bounds a file read: these are settings files of kilobytes.
const maxSource = 16 << 20

// ReadSource reads a tool's file, refusing one larger than 16 MiB.
func ReadSource(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSource+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxSource {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, maxSource)
	}
	return b, nil
}

// Replace writes b over path atomically (a temporary file in the same
// directory, synced and renamed), keeping the file's mode and, where the
// system has them, its owner and group: the file stays the tool's.
func Replace(path string, b []byte) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after the rename
	_, err = f.Write(b)
	if err == nil {
		err = f.Chmod(fi.Mode().Perm())
	}
	if err == nil {
		err = keepOwner(f, fi)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

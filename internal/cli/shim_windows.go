package cli

import (
	"io"
	"os"
)

// placeShim makes link a hard link of exe, or a copy where that fails
// (another volume): Windows needs a privilege for symlinks, and docker and
// git find only names ending in .exe.
func placeShim(exe, link string) error {
	if os.Link(exe, link) == nil {
		return nil
	}
	in, err := os.Open(exe)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(link, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(link)
		return err
	}
	return out.Close()
}

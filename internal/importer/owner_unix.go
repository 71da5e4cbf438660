//go:build unix

package importer

import (
	"os"
	"syscall"
)

// keepOwner gives f the owner and group of fi when they are not this
// process's (root rewriting a user's file); a file of one's own needs nothing.
func keepOwner(f *os.File, fi os.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || (int(st.Uid) == os.Getuid() && int(st.Gid) == os.Getgid()) {
		return nil
	}
	return f.Chown(int(st.Uid), int(st.Gid))
}

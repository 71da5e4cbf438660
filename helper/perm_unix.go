//go:build unix

package helper

import (
	"io/fs"
	"os"
	"syscall"
)

// looseBits returns the bits of mask set in fi's permissions. On Unix the
// mode bits are the access control that matters.
func looseBits(fi fs.FileInfo, mask fs.FileMode) fs.FileMode {
	return fi.Mode().Perm() & mask
}

// foreignOwner returns the uid owning fi when it is neither the caller nor
// root, whom the caller has to trust anyway.
func foreignOwner(fi fs.FileInfo) (uid int, foreign bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	uid = int(st.Uid)
	return uid, uid != 0 && uid != os.Getuid()
}

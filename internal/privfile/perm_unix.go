//go:build unix

package privfile

import (
	"io/fs"
	"os"
	"syscall"
)

const noFollow = syscall.O_NOFOLLOW

// LooseBits returns the bits of mask set in fi's permissions. On Unix the
// mode bits are the access control that matters.
func LooseBits(fi fs.FileInfo, mask fs.FileMode) fs.FileMode {
	return fi.Mode().Perm() & mask
}

// ForeignOwner returns the uid owning fi when it is neither the caller nor
// root, whom the caller has to trust anyway.
func ForeignOwner(fi fs.FileInfo) (uid int, foreign bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	uid = int(st.Uid)
	return uid, uid != 0 && uid != os.Getuid()
}

//go:build !unix

package privfile

import "io/fs"

const noFollow = 0 // O_EXCL (CREATE_NEW) alone fails on any existing name, a symlink included

// LooseBits reports nothing: on Windows Go makes the mode bits up (0666 for
// a writable file, 0777 for a directory) and ACLs decide who may write.
func LooseBits(fs.FileInfo, fs.FileMode) fs.FileMode { return 0 }

// ForeignOwner reports nothing: Windows has no uid to compare.
func ForeignOwner(fs.FileInfo) (int, bool) { return 0, false }

//go:build !unix

package helper

import "io/fs"

// looseBits reports nothing: on Windows Go makes the mode bits up (0666 for
// a writable file, 0777 for a directory) and ACLs decide who may write.
func looseBits(fs.FileInfo, fs.FileMode) fs.FileMode { return 0 }

// foreignOwner reports nothing: Windows has no uid to compare.
func foreignOwner(fs.FileInfo) (int, bool) { return 0, false }

//go:build !windows

package cli

import "os"

// placeShim links link to exe: the binary's name then selects the tool.
func placeShim(exe, link string) error { return os.Symlink(exe, link) }

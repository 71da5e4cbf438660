//go:build !linux

package cli

import (
	"fmt"
	"os"
)

// noKeyctl: only Linux has a kernel keyring to refuse (the scripts that use
// it are [linux] only).
func noKeyctl() {
	fmt.Fprintln(os.Stderr, "nokeyctl: Linux only")
	os.Exit(125)
}

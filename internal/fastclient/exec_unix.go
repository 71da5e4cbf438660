//go:build unix

package fastclient

import (
	"os"
	"syscall"
)

// exeSuffix ends executable names.
const exeSuffix = ""

// execFull replaces this process with the full binary; it returns only if
// that fails, and the caller then runs it as a child.
func execFull(path string, args []string) {
	_ = syscall.Exec(path, args, os.Environ())
}

// exitStatus is the child's exit status, or 128+N when signal N killed it.
func exitStatus(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

//go:build !unix

package fastclient

import "os"

// exeSuffix ends executable names.
const exeSuffix = ".exe"

// execFull does nothing where exec(2) is not available: the caller runs the
// full binary as a child.
func execFull(string, []string) {}

func exitStatus(ps *os.ProcessState) int { return ps.ExitCode() }

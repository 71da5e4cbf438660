//go:build !unix

package fastclient

import "os/exec"

// execFull does nothing where exec(2) is not available: the caller runs the
// full binary as a child.
func execFull(string, []string) {}

func exitStatus(ee *exec.ExitError) int { return ee.ExitCode() }

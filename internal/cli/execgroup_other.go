//go:build !linux

package cli

// adoptOrphans: only Linux lets a process adopt its command's orphans; the
// endpoint closes when the command exits.
func adoptOrphans() bool { return false }

func waitGroup() {}

//go:build linux

package agent

import "golang.org/x/sys/unix"

// GuardMemory keeps the agent's memory, which holds tokens, away from the
// user's other processes and out of core files, as gpg-agent does: a
// process that is not dumpable cannot be ptrace-attached or have its
// /proc/PID/mem read by them (its /proc files belong to root), and dumps no
// core; the core size limit of 0 holds even if something sets it dumpable
// again. Call it once, at the start of "agent run".
func GuardMemory() error {
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return err
	}
	return noCoreFiles()
}

// memoryGuard is what the kernel says of the guard, for agent status.
func memoryGuard() string {
	s := "dumpable"
	if d, err := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0); err == nil && d == 0 {
		s = "not dumpable"
	}
	return s + ", " + coreFiles()
}

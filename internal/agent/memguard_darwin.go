//go:build darwin

package agent

// GuardMemory keeps the agent's memory, which holds tokens, out of core
// files (macOS has no dumpable flag to clear). Call it once, at the start
// of "agent run".
func GuardMemory() error { return noCoreFiles() }

// memoryGuard is what the kernel says of the guard, for agent status.
func memoryGuard() string { return coreFiles() }

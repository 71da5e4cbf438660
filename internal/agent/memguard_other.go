//go:build !linux && !darwin

package agent

// GuardMemory does nothing where there is no agent.
func GuardMemory() error { return nil }

func memoryGuard() string { return "" }

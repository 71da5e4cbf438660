//go:build linux || darwin

package agent

import "golang.org/x/sys/unix"

// noCoreFiles sets the core file size limit, soft and hard, to 0: a crash
// of the agent must not write its tokens to disk.
func noCoreFiles() error {
	return unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: 0})
}

func coreFiles() string {
	var r unix.Rlimit
	switch {
	case unix.Getrlimit(unix.RLIMIT_CORE, &r) != nil:
		return "core file limit unknown"
	case r.Cur == 0 && r.Max == 0:
		return "no core files"
	}
	return "core files allowed"
}

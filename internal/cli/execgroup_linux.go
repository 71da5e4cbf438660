package cli

import (
	"os"
	"os/signal"
	"time"

	"golang.org/x/sys/unix"
)

// adoptOrphans makes this process the parent of the command's orphaned
// descendants (a child subreaper), so that waitGroup can wait for them.
func adoptOrphans() bool {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == nil
}

// waitGroup waits until no child of this process is left in its process
// group, which the command shares, reaping each as it exits. The agent,
// started in a session of its own, is not among them.
func waitGroup() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, forwardedSignals...)
	defer signal.Stop(sigs)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	pgrp := unix.Getpgrp()
	for {
		var info unix.Siginfo
		err := unix.Waitid(unix.P_PGID, pgrp, &info, unix.WEXITED|unix.WNOHANG, nil)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil: // ECHILD: none left
			return
		case info.Signo != 0: // one was reaped: look again at once
			continue
		}
		select {
		case <-sigs:
			return
		case <-tick.C:
		}
	}
}

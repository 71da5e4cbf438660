package agentwire

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// Supported reports whether this OS has the agent.
const Supported = true

// socket is a Unix stream socket, non-blocking and closed on exec. macOS
// has no SOCK_CLOEXEC: ForkLock keeps a concurrent fork from inheriting
// it in between, as package net does.
func socket() (int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return -1, err
	}
	unix.CloseOnExec(fd)
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// PeerUID returns the uid of the process at the other end of socket fd
// (LOCAL_PEERCRED, which getpeereid(3) reads).
func PeerUID(fd int) (int, error) {
	cred, err := unix.GetsockoptXucred(fd, unix.SOL_LOCAL, unix.LOCAL_PEERCRED)
	if err != nil {
		return -1, err
	}
	return int(cred.Uid), nil
}

package agentwire

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// Supported reports whether this OS has the agent.
const Supported = true

// PeerUID returns the uid of the process at the other end of c
// (LOCAL_PEERCRED, which getpeereid(3) reads).
func PeerUID(raw syscall.RawConn) (int, error) {
	var cred *unix.Xucred
	var serr error
	if err := raw.Control(func(fd uintptr) { cred, serr = unix.GetsockoptXucred(int(fd), unix.SOL_LOCAL, unix.LOCAL_PEERCRED) }); err != nil {
		return -1, err
	}
	if serr != nil {
		return -1, serr
	}
	return int(cred.Uid), nil
}

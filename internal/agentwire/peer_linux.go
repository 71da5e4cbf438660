package agentwire

import "golang.org/x/sys/unix"

// Supported reports whether this OS has the agent.
const Supported = true

// socket is a Unix stream socket, non-blocking and closed on exec.
func socket() (int, error) {
	return unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
}

// PeerUID returns the uid of the process at the other end of socket fd (SO_PEERCRED).
func PeerUID(fd int) (int, error) {
	cred, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil {
		return -1, err
	}
	return int(cred.Uid), nil
}

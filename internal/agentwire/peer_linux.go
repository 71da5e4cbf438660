package agentwire

import "golang.org/x/sys/unix"

// Supported reports whether this OS has the agent.
const Supported = true

// PeerUID returns the uid of the process at the other end of socket fd (SO_PEERCRED).
func PeerUID(fd int) (int, error) {
	cred, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil {
		return -1, err
	}
	return int(cred.Uid), nil
}

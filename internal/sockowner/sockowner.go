// Package sockowner tells which local user is at the other end of a
// loopback TCP connection: the owner of the listener a dialled connection
// reached (ListenerUID), or of the client an accepted connection came from
// (PeerUID). Every local user can bind and reach 127.0.0.1, so a secret or
// a token sent over plain http to loopback is only as safe as that answer.
//
// On Linux the kernel is asked through NETLINK_SOCK_DIAG (inet_diag, as
// ss(8) does): an exact lookup of the connection's other half by its four
// addresses, so the answer is about the socket this connection reached,
// not about whoever holds the port a moment earlier or later. Elsewhere
// (macOS, Windows) the owner cannot be learned: both functions return
// ErrUnsupported, and callers decide what that means.
package sockowner

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
)

// Supported reports whether this system can tell who owns a socket.
const Supported = supported

// ErrUnsupported means this system cannot tell who owns a socket.
var ErrUnsupported = errors.New("the owner of a loopback socket cannot be learned on this system")

// ErrUnknown means the kernel holds no live socket for the connection's
// other half (it closed, or is not a socket of a process).
var ErrUnknown = errors.New("no live socket at the other end of the connection")

// ListenerUID is the uid owning the listener that c, a TCP connection this
// process dialled, reached.
func ListenerUID(c net.Conn) (uint32, error) {
	local, remote, err := ends(c)
	if err != nil {
		return 0, err
	}
	return listenerUID(local, remote)
}

// PeerUID is the uid owning the client socket that c, a TCP connection this
// process accepted, came from.
func PeerUID(c net.Conn) (uint32, error) {
	local, remote, err := ends(c)
	if err != nil {
		return 0, err
	}
	return peerUID(local, remote)
}

func ends(c net.Conn) (local, remote netip.AddrPort, err error) {
	l, ok1 := c.LocalAddr().(*net.TCPAddr)
	r, ok2 := c.RemoteAddr().(*net.TCPAddr)
	if !ok1 || !ok2 {
		return local, remote, fmt.Errorf("not a TCP connection: %s", c.LocalAddr().Network())
	}
	return l.AddrPort(), r.AddrPort(), nil
}

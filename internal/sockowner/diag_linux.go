//go:build linux

package sockowner

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"
)

const supported = true

// The kernel's TCP states, as inet_diag reports them.
const (
	tcpSynRecv  = 3
	tcpTimeWait = 6
	tcpListen   = 10
)

const (
	sockDiagByFamily = 20         // SOCK_DIAG_BY_FAMILY
	diagReqLen       = 56         // struct inet_diag_req_v2
	diagMsgLen       = 72         // struct inet_diag_msg
	noCookie         = ^uint32(0) // INET_DIAG_NOCOOKIE: look the socket up by its addresses only
)

// sock is what inet_diag says of one socket.
type sock struct {
	state uint8
	uid   uint32
	inode uint32 // 0 when no process holds it (a request, time-wait or not yet accepted socket)
}

func listenerUID(local, remote netip.AddrPort) (uint32, error) {
	// The listener's half of this connection carries the uid of the
	// listener it was accepted on.
	s, err := lookup(remote, local)
	if err != nil && !errors.Is(err, ErrUnknown) {
		return 0, err
	}
	if err == nil && s.state != tcpSynRecv && s.state != tcpTimeWait && (s.uid != 0 || s.inode != 0) {
		return s.uid, nil
	}
	// The kernel reports uid 0 for a half still in the handshake and for a
	// time-wait one, and a child not yet accepted has no inode: ask for
	// the listener that holds it. (A listener that closed takes its
	// pending children with it: this connection is then reset.)
	l, err := lookup(remote, netip.AddrPortFrom(unspecified(remote.Addr()), 0))
	if err != nil {
		return 0, err
	}
	if l.state != tcpListen {
		return 0, ErrUnknown
	}
	return l.uid, nil
}

func peerUID(local, remote netip.AddrPort) (uint32, error) {
	s, err := lookup(remote, local)
	if err != nil {
		return 0, err
	}
	if s.inode == 0 {
		// Closed by its process (nobody can read an answer), or not a
		// process's socket at all: no owner to trust.
		return 0, ErrUnknown
	}
	return s.uid, nil
}

func unspecified(a netip.Addr) netip.Addr {
	if a.Unmap().Is4() {
		return netip.IPv4Unspecified()
	}
	return netip.IPv6Unspecified()
}

// lookup asks the kernel for the TCP socket whose own address is self and
// whose peer is peer (a zero peer: the listener on self). ErrUnknown when
// there is none. Where inet_diag fails or finds nothing (a kernel without
// tcp_diag answers "not found" too) /proc/net/tcp is read instead.
func lookup(self, peer netip.AddrPort) (sock, error) {
	s, err := diagLookup(self, peer)
	if err == nil {
		return s, nil
	}
	return procLookup(self, peer)
}

func diagLookup(self, peer netip.AddrPort) (sock, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return sock{}, fmt.Errorf("inet_diag: %w", err)
	}
	defer unix.Close(fd)
	// A kernel without inet_diag for TCP answers with an error; one that
	// does not answer at all must not hang the caller.
	_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{Sec: 2})
	if err := unix.Sendto(fd, request(self, peer), 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return sock{}, fmt.Errorf("inet_diag: %w", err)
	}
	buf := make([]byte, 4096)
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return sock{}, fmt.Errorf("inet_diag: %w", err)
		}
		return parse(buf[:n])
	}
}

func request(self, peer netip.AddrPort) []byte {
	ne := binary.NativeEndian
	family := byte(unix.AF_INET)
	if !self.Addr().Unmap().Is4() {
		family = unix.AF_INET6
	}
	b := make([]byte, unix.NLMSG_HDRLEN+diagReqLen)
	ne.PutUint32(b[0:], uint32(len(b)))
	ne.PutUint16(b[4:], sockDiagByFamily)
	ne.PutUint16(b[6:], unix.NLM_F_REQUEST)
	ne.PutUint32(b[8:], 1) // sequence; the port id 0 is the kernel
	r := b[unix.NLMSG_HDRLEN:]
	r[0], r[1] = family, unix.IPPROTO_TCP
	ne.PutUint32(r[4:], ^uint32(0)) // every state
	id := r[8:]                     // struct inet_diag_sockid, ports and addresses in network order
	binary.BigEndian.PutUint16(id[0:], self.Port())
	binary.BigEndian.PutUint16(id[2:], peer.Port())
	putAddr(id[4:20], self.Addr(), family)
	putAddr(id[20:36], peer.Addr(), family)
	ne.PutUint32(id[40:], noCookie)
	ne.PutUint32(id[44:], noCookie)
	return b
}

func putAddr(b []byte, a netip.Addr, family byte) {
	if family == unix.AF_INET {
		v4 := a.Unmap().As4()
		copy(b, v4[:])
		return
	}
	v6 := a.As16()
	copy(b, v6[:])
}

func parse(b []byte) (sock, error) {
	ne := binary.NativeEndian
	if len(b) < unix.NLMSG_HDRLEN+4 {
		return sock{}, errors.New("inet_diag: short answer")
	}
	switch typ, body := ne.Uint16(b[4:]), b[unix.NLMSG_HDRLEN:]; typ {
	case unix.NLMSG_ERROR:
		errno := unix.Errno(-int32(ne.Uint32(body)))
		if errno == unix.ENOENT {
			return sock{}, ErrUnknown
		}
		return sock{}, fmt.Errorf("inet_diag: %w", errno)
	case sockDiagByFamily:
		if len(body) < diagMsgLen {
			return sock{}, errors.New("inet_diag: short answer")
		}
		return sock{state: body[1], uid: ne.Uint32(body[64:]), inode: ne.Uint32(body[68:])}, nil
	default:
		return sock{}, fmt.Errorf("inet_diag: unexpected answer of type %d", typ)
	}
}

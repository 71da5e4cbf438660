//go:build linux

package sockowner

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// procLookup is lookup from /proc/net/tcp and /proc/net/tcp6, for kernels
// and sandboxes that offer no inet_diag for TCP. It reads the whole table,
// so it is only the fallback. ErrUnsupported when neither file can be read.
func procLookup(self, peer netip.AddrPort) (sock, error) {
	readable := false
	var listener *sock
	for _, name := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		readable = true
		s, l, found := scanProc(bufio.NewScanner(f), self, peer)
		f.Close()
		if found {
			return s, nil
		}
		if l != nil && listener == nil {
			listener = l
		}
	}
	switch {
	case !readable:
		return sock{}, fmt.Errorf("%w: neither inet_diag nor /proc/net/tcp is available", ErrUnsupported)
	case listener != nil:
		return *listener, nil
	}
	return sock{}, ErrUnknown
}

// scanProc finds the entry whose own address is self and whose peer is
// peer; for a zero peer, the listener on self (else one on self's port
// and the unspecified address, returned as l).
func scanProc(sc *bufio.Scanner, self, peer netip.AddrPort) (s sock, l *sock, found bool) {
	self, peer = unmap(self), unmap(peer)
	sc.Scan() // the header
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 10 {
			continue
		}
		local, err1 := procAddr(f[1])
		remote, err2 := procAddr(f[2])
		state, err3 := strconv.ParseUint(f[3], 16, 8)
		uid, err4 := strconv.ParseUint(f[7], 10, 32)
		inode, err5 := strconv.ParseUint(f[9], 10, 32)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil || err5 != nil || local.Port() != self.Port() {
			continue
		}
		e := sock{state: uint8(state), uid: uint32(uid), inode: uint32(inode)}
		switch {
		case peer.Port() != 0 && remote == peer && local == self:
			return e, nil, true
		case peer.Port() == 0 && e.state == tcpListen && local == self:
			return e, nil, true
		case peer.Port() == 0 && e.state == tcpListen && local.Addr().IsUnspecified() && l == nil:
			l = &e
		}
	}
	return sock{}, l, false
}

func unmap(a netip.AddrPort) netip.AddrPort { return netip.AddrPortFrom(a.Addr().Unmap(), a.Port()) }

// procAddr reads "0100007F:1F90": the address as the kernel's 32-bit
// words in this machine's byte order, then the port.
func procAddr(s string) (netip.AddrPort, error) {
	h, p, ok := strings.Cut(s, ":")
	port, err := strconv.ParseUint(p, 16, 16)
	if !ok || err != nil {
		return netip.AddrPort{}, fmt.Errorf("bad address %q", s)
	}
	b, err := hex.DecodeString(h)
	if err != nil || (len(b) != 4 && len(b) != 16) {
		return netip.AddrPort{}, fmt.Errorf("bad address %q", s)
	}
	for i := 0; i < len(b); i += 4 {
		binary.BigEndian.PutUint32(b[i:], binary.NativeEndian.Uint32(b[i:]))
	}
	a, _ := netip.AddrFromSlice(b)
	return netip.AddrPortFrom(a.Unmap(), uint16(port)), nil
}

package sockowner

import (
	"net"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/otheruser"
)

func TestMain(m *testing.M) {
	otheruser.Main()
	os.Exit(m.Run())
}

// dialLoopback listens on addr and dials the listener; both are closed
// when the test ends. nil when addr cannot be listened on (no IPv6).
func dialLoopback(t *testing.T, addr string) (net.Listener, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Logf("%s: %v", addr, err)
		return nil, nil
	}
	t.Cleanup(func() { ln.Close() })
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return ln, c
}

// accept is the server half of a connection dialLoopback made.
func accept(t *testing.T, ln net.Listener) net.Conn {
	t.Helper()
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestOwnConnection: both halves of a connection within this process are
// this uid's, over IPv4 and IPv6, before and after the listener accepts.
func TestOwnConnection(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		ln, c := dialLoopback(t, addr)
		if ln == nil {
			continue
		}
		if uid, err := ListenerUID(c); err != nil || uid != uint32(os.Getuid()) {
			t.Errorf("%s: ListenerUID before accept = %d, %v; want %d", addr, uid, err, os.Getuid())
		}
		s := accept(t, ln)
		if uid, err := ListenerUID(c); err != nil || uid != uint32(os.Getuid()) {
			t.Errorf("%s: ListenerUID = %d, %v; want %d", addr, uid, err, os.Getuid())
		}
		if uid, err := PeerUID(s); err != nil || uid != uint32(os.Getuid()) {
			t.Errorf("%s: PeerUID = %d, %v; want %d", addr, uid, err, os.Getuid())
		}
	}
}

// TestOtherUser: a listener and a client of another uid are told apart
// from this process's own.
func TestOtherUser(t *testing.T) {
	_, addr := otheruser.Listen(t, "127.0.0.1:0")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if uid, err := ListenerUID(c); err != nil || uid != otheruser.UID {
		t.Errorf("ListenerUID = %d, %v; want %d", uid, err, otheruser.UID)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	otheruser.Connect(t, ln.Addr().String(), 1)
	_ = ln.(*net.TCPListener).SetDeadline(time.Now().Add(5 * time.Second))
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if uid, err := PeerUID(s); err != nil || uid != otheruser.UID {
		t.Errorf("PeerUID = %d, %v; want %d", uid, err, otheruser.UID)
	}
}

// TestClosedPeer: a client that closed has no owner to trust.
func TestClosedPeer(t *testing.T) {
	ln, c := dialLoopback(t, "127.0.0.1:0")
	if ln == nil {
		t.Fatal("no IPv4 loopback")
	}
	s := accept(t, ln)
	c.Close()
	time.Sleep(50 * time.Millisecond)
	if uid, err := PeerUID(s); err == nil {
		t.Errorf("PeerUID of a closed client = %d; want an error", uid)
	}
}

// TestProcFallback: /proc/net/tcp{,6} tells the same owners as inet_diag,
// for a connection's both halves and for the listener.
func TestProcFallback(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		ln, c := dialLoopback(t, addr)
		if ln == nil {
			continue
		}
		accept(t, ln) // the accepted half must exist
		local, remote, _ := ends(c)
		for name, q := range map[string][2]netip.AddrPort{
			"client": {local, remote}, "accepted": {remote, local}, "listener": {remote, netip.AddrPortFrom(unspecified(remote.Addr()), 0)},
		} {
			want, err1 := diagLookup(q[0], q[1])
			got, err2 := procLookup(q[0], q[1])
			if err1 != nil || err2 != nil || got != want {
				t.Errorf("%s %s: /proc %+v, %v; inet_diag %+v, %v", addr, name, got, err2, want, err1)
			}
		}
	}
	_, other := otheruser.Listen(t, "127.0.0.1:0")
	c, err := net.Dial("tcp", other)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, remote, _ := ends(c)
	if s, err := procLookup(remote, netip.AddrPortFrom(netip.IPv4Unspecified(), 0)); err != nil || s.uid != otheruser.UID || s.state != tcpListen {
		t.Errorf("the other user's listener in /proc: %+v, %v", s, err)
	}
}

package helper

import (
	"context"
	"encoding/binary"
	"net"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/loopdial"
)

// TestLocalhostNeverResolved: a token URL naming localhost or a name under
// .localhost connects to loopback whatever a resolver says. Here the
// resolver answers 127.0.0.2, where a second listener waits on the same
// port (as a LAN host would): it must get no connection, and the resolver
// no question.
func TestLocalhostNeverResolved(t *testing.T) {
	real := listen(t, "127.0.0.1:0")
	port := real.Addr().(*net.TCPAddr).Port
	rogue := listen(t, "127.0.0.2:"+strconv.Itoa(port))
	var realConns, rogueConns atomic.Int32
	go accept(real, &realConns)
	go accept(rogue, &rogueConns)
	queries := fakeResolver(t, net.IPv4(127, 0, 0, 2))

	client, err := NewHTTPClient("", loopdial.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	client.Timeout = 2 * time.Second
	for _, host := range []string{"idp.localhost", "localhost", "LocalHost."} {
		before := realConns.Load()
		resp, err := client.Get("https://" + net.JoinHostPort(host, strconv.Itoa(port)) + "/oauth/token")
		if err == nil {
			resp.Body.Close()
		}
		waitFor(func() bool { return realConns.Load() > before || rogueConns.Load() > 0 })
		if realConns.Load() != before+1 || rogueConns.Load() != 0 {
			t.Errorf("%s: connections to 127.0.0.1: %d, to the resolver's 127.0.0.2: %d; want 1 and 0", host, realConns.Load()-before, rogueConns.Load())
		}
	}
	if n := queries.Load(); n != 0 {
		t.Errorf("the resolver was asked %d question(s); want none", n)
	}
}

func listen(t *testing.T, addr string) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// accept counts the connections ln gets and closes them.
func accept(ln net.Listener, n *atomic.Int32) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		n.Add(1)
		c.Close()
	}
}

func waitFor(cond func() bool) {
	for deadline := time.Now().Add(2 * time.Second); !cond() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
}

// fakeResolver makes the process's resolver a DNS server that answers
// every A question with ip, and counts the questions.
func fakeResolver(t *testing.T, ip net.IP) *atomic.Int32 {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int32
	go func() {
		buf := make([]byte, 512)
		for {
			k, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			n.Add(1)
			if ans := dnsAnswer(buf[:k], ip); ans != nil {
				_, _ = pc.WriteTo(ans, from)
			}
		}
	}()
	old := net.DefaultResolver
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "udp", pc.LocalAddr().String())
	}}
	t.Cleanup(func() { net.DefaultResolver = old; pc.Close() })
	return &n
}

// dnsAnswer answers a DNS query with one A record for ip (no record for
// other types).
func dnsAnswer(q []byte, ip net.IP) []byte {
	if len(q) < 12 {
		return nil
	}
	end := 12
	for end < len(q) && q[end] != 0 {
		end += int(q[end]) + 1
	}
	end += 5 // the root label, QTYPE, QCLASS
	if end > len(q) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[end-4:])
	a := append([]byte{}, q[:end]...)
	binary.BigEndian.PutUint16(a[2:], 0x8180) // a response, recursion available, no error
	binary.BigEndian.PutUint16(a[6:], 0)      // answers
	binary.BigEndian.PutUint16(a[8:], 0)
	binary.BigEndian.PutUint16(a[10:], 0)
	if qtype == 1 {
		binary.BigEndian.PutUint16(a[6:], 1)
		a = append(a, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4)
		a = append(a, ip.To4()...)
	}
	return a
}

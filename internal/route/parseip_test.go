package route

import (
	"net"
	"testing"
)

// TestParseIPAsNet: parseIP (net/netip, so that the fast front need not
// link package net) reads addresses as net.ParseIP does: which strings are
// addresses, how they print, and which are loopback.
func TestParseIPAsNet(t *testing.T) {
	for _, s := range []string{
		"127.0.0.1", "127.1.2.3", "10.0.0.1", "0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "01.2.3.4",
		"::1", "::", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:7f00:1", "2001:db8::1",
		"2001:DB8::1", "fe80::1%eth0", "fe80::1", "1::2::3", "[::1]", "localhost", "", " 127.0.0.1", "1.2.3.4.",
	} {
		ip, ok := parseIP(s)
		want := net.ParseIP(s)
		if ok != (want != nil) {
			t.Errorf("parseIP(%q) ok = %v; net.ParseIP = %v", s, ok, want)
			continue
		}
		if !ok {
			continue
		}
		if ip.String() != want.String() || ip.IsLoopback() != want.IsLoopback() {
			t.Errorf("parseIP(%q) = %s (loopback %v); net.ParseIP = %s (loopback %v)", s, ip, ip.IsLoopback(), want, want.IsLoopback())
		}
	}
}

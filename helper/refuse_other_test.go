//go:build !unix

package helper

import (
	"net"
	"testing"
)

// refusingAddr returns a loopback address that (very likely) refuses
// connections: the port of a listener that was just closed.
func refusingAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	return ln.Addr().String()
}

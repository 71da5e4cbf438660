//go:build linux || darwin

package agentwire

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestDialedConnBlocks: a dialled connection is a blocking socket whose
// deadline the kernel keeps, so that a call starts neither the runtime's
// poller nor a timer; a deadline already past fails the next read at once.
func TestDialedConnBlocks(t *testing.T) {
	dir := shortDir(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	serve(t, dir, func(c net.Conn) { <-release }) // never answers
	c, err := Dial(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fc, ok := c.(*fdConn)
	if !ok {
		t.Fatalf("Dial() = %T; want a blocking socket (*fdConn)", c)
	}
	flags, err := unix.FcntlInt(uintptr(fc.fd), unix.F_GETFL, 0)
	if err != nil {
		t.Fatal(err)
	}
	if flags&unix.O_NONBLOCK != 0 {
		t.Error("the dialled socket is non-blocking")
	}
	if err := c.SetDeadline(time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var b [1]byte
	if _, err := c.Read(b[:]); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("Read() past the deadline = %v; want os.ErrDeadlineExceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Read() past the deadline took %v", d)
	}
}

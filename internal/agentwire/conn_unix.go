//go:build linux || darwin

package agentwire

import (
	"io"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// fdConn is a connected socket used with blocking system calls, its
// deadline kept by the kernel (SO_RCVTIMEO, SO_SNDTIMEO). One request and
// one reply need neither the runtime's poller nor its timers, whose set-up
// every cached call would otherwise pay, and the call stays on its thread
// while it waits (docs/benchmarks.md). Nothing closes it to interrupt a
// read: every caller bounds a call by its deadline (Call).
type fdConn struct{ fd int }

// blocking makes fd, connected without blocking, a blocking fdConn; it
// closes fd when it cannot.
func blocking(fd int) (Conn, error) {
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, os.NewSyscallError("fcntl", err)
	}
	return &fdConn{fd: fd}, nil
}

func (c *fdConn) Read(p []byte) (int, error) {
	for {
		n, err := unix.Read(c.fd, p)
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN: // SO_RCVTIMEO ran out
			return 0, os.ErrDeadlineExceeded
		case err != nil:
			return 0, os.NewSyscallError("read", err)
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

func (c *fdConn) Write(p []byte) (int, error) {
	written := 0
	for written < len(p) {
		n, err := unix.Write(c.fd, p[written:])
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN: // SO_SNDTIMEO ran out
			return written, os.ErrDeadlineExceeded
		case err != nil:
			return written, os.NewSyscallError("write", err)
		}
		written += n
	}
	return written, nil
}

func (c *fdConn) Close() error { return unix.Close(c.fd) }

// SetDeadline bounds every later read and write by the time left until t
// (no bound for the zero time). A deadline already past fails the next
// read or write at once, as a net.Conn's does.
func (c *fdConn) SetDeadline(t time.Time) error {
	var tv unix.Timeval
	if !t.IsZero() {
		tv = unix.NsecToTimeval(max(time.Until(t), time.Microsecond).Nanoseconds())
	}
	for _, opt := range []int{unix.SO_RCVTIMEO, unix.SO_SNDTIMEO} {
		if err := unix.SetsockoptTimeval(c.fd, unix.SOL_SOCKET, opt, &tv); err != nil {
			return os.NewSyscallError("setsockopt", err)
		}
	}
	return nil
}

//go:build linux || darwin

package agentwire

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// dialUnix connects a stream socket to path and checks that the process
// at the other end runs as this user. It connects without blocking (a full
// backlog fails at once); the call then blocks, bounded by its deadline
// (conn_unix.go).
func dialUnix(path string) (Conn, error) {
	fd, err := connectUnix(path)
	if err != nil {
		return nil, err
	}
	uid, err := PeerUID(fd)
	if err == nil && uid != os.Getuid() {
		err = fmt.Errorf("the agent socket is served by uid %d, not by this user", uid)
	}
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return blocking(fd)
}

// dialForwarded connects to a forwarded agent's socket: whoever serves it
// (sshd, the agent of a bind mount's other side) is not this user.
func dialForwarded(path string) (Conn, error) {
	fd, err := connectUnix(path)
	if err != nil {
		return nil, err
	}
	return blocking(fd)
}

// connectUnix is a stream socket connected to path without blocking.
func connectUnix(path string) (int, error) {
	fd, err := socket()
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	if err := connect(fd, path); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("dial %s: %w", path, os.NewSyscallError("connect", err))
	}
	return fd, nil
}

// connect is connect(2) on the non-blocking fd. A Unix socket connects at
// once or fails (EAGAIN: the agent's backlog is full, and the caller takes
// the direct path, as it did with package net); should a system report the
// connection in progress, it is waited for, briefly.
func connect(fd int, path string) error {
	err := unix.Connect(fd, &unix.SockaddrUnix{Name: path})
	for errors.Is(err, unix.EINTR) {
		err = unix.Connect(fd, &unix.SockaddrUnix{Name: path})
	}
	if !errors.Is(err, unix.EINPROGRESS) && !errors.Is(err, unix.EALREADY) {
		return err
	}
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
	if n, err := unix.Poll(pfd, 1000); err != nil || n == 0 {
		return unix.ETIMEDOUT
	}
	if soerr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); err != nil || soerr != 0 {
		if err == nil {
			err = unix.Errno(soerr)
		}
		return err
	}
	return nil
}

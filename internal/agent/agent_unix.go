//go:build unix

package agent

import (
	"net"
	"syscall"
)

// listenPrivate listens on a Unix socket that only this user may connect
// to (mode 0600 from the start: the umask is set around bind).
func listenPrivate(path string) (*net.UnixListener, error) {
	old := syscall.Umask(0o177)
	defer syscall.Umask(old)
	return net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
}

// detached starts the agent in a session of its own, so that the caller's
// terminal and process group signals do not reach it.
func detached() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }

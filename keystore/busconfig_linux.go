package keystore

import (
	"os"
	"path/filepath"
	"strconv"
)

// busAddress is the one rule for where the D-Bus session bus is:
// DBUS_SESSION_BUS_ADDRESS, else a socket at $XDG_RUNTIME_DIR/bus
// (/run/user/UID/bus when XDG_RUNTIME_DIR is unset; an SSH login under
// systemd). addr is "" when none is configured; where says where it was
// found, or what is missing. It reads lookup and the file system only: the
// address is handed to the connection (secretservice_linux.go), never
// written to the environment, which the agent compares with its callers'.
func busAddress(lookup func(string) (string, bool)) (addr, where string) {
	if addr, _ := lookup("DBUS_SESSION_BUS_ADDRESS"); addr != "" {
		return addr, "DBUS_SESSION_BUS_ADDRESS is set"
	}
	dir, _ := lookup("XDG_RUNTIME_DIR")
	if dir == "" {
		dir = filepath.Join("/run/user", strconv.Itoa(os.Getuid()))
	}
	sock := filepath.Join(dir, "bus")
	if fi, err := os.Stat(sock); err == nil && fi.Mode()&os.ModeSocket != 0 {
		return "unix:path=" + sock, sock
	}
	return "", "DBUS_SESSION_BUS_ADDRESS is unset and " + sock + " is not a socket"
}

// sessionBus reports whether a D-Bus session bus is configured, and why.
// Configured is not reachable: whether it answers is the Secret Service's
// to say.
func sessionBus(lookup func(string) (string, bool)) (configured bool, why string) {
	addr, where := busAddress(lookup)
	if addr == "" {
		return false, "no session bus is configured (" + where + ")"
	}
	return true, "a session bus is configured (" + where + ")"
}

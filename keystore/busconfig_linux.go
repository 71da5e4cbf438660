package keystore

import (
	"os"
	"path/filepath"
	"strconv"
)

// sessionBus reports whether a D-Bus session bus is configured, from the
// facts checkBackend reads, without changing the environment:
// DBUS_SESSION_BUS_ADDRESS, else a socket at $XDG_RUNTIME_DIR/bus
// (/run/user/UID/bus when XDG_RUNTIME_DIR is unset). Configured is not
// reachable: whether it answers is the Secret Service's to say.
func sessionBus(lookup func(string) (string, bool)) (configured bool, why string) {
	if addr, _ := lookup("DBUS_SESSION_BUS_ADDRESS"); addr != "" {
		return true, "a session bus is configured (DBUS_SESSION_BUS_ADDRESS is set)"
	}
	dir, _ := lookup("XDG_RUNTIME_DIR")
	if dir == "" {
		dir = filepath.Join("/run/user", strconv.Itoa(os.Getuid()))
	}
	sock := filepath.Join(dir, "bus")
	if fi, err := os.Stat(sock); err == nil && fi.Mode()&os.ModeSocket != 0 {
		return true, "a session bus is configured (" + sock + ")"
	}
	return false, "no session bus is configured (DBUS_SESSION_BUS_ADDRESS is unset and " + sock + " is not a socket)"
}

package keystore

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// sessionBus is the address of the session bus this process uses, or why
// there is none. Without a bus godbus would run dbus-launch, which leaves a
// new dbus-daemon and gnome-keyring-daemon behind on every call and fails
// anyway, so the keychain is refused before that. When
// DBUS_SESSION_BUS_ADDRESS is unset and the bus socket exists at
// $XDG_RUNTIME_DIR/bus (an SSH login under systemd), that socket is the
// address: it is handed to the connection, never written to the
// environment, which the agent compares with its callers'.
func sessionBus(ctx context.Context) (string, error) {
	addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if addr == "" {
		dir := os.Getenv("XDG_RUNTIME_DIR")
		if dir == "" {
			dir = filepath.Join("/run/user", strconv.Itoa(os.Getuid()))
		}
		sock := filepath.Join(dir, "bus")
		if fi, err := os.Stat(sock); err != nil || fi.Mode()&os.ModeSocket == 0 {
			return "", &UnavailableError{Reason: "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset and " + sock + " does not exist)", Hint: busHint}
		}
		trace.Printf(ctx, "keychain", "DBUS_SESSION_BUS_ADDRESS is unset: the Secret Service is on the session bus at %s ($XDG_RUNTIME_DIR/bus)", sock)
		return "unix:path=" + sock, nil
	}
	// A unix:path= address whose socket is gone fails fast in godbus, but
	// say so plainly.
	for _, part := range strings.Split(addr, ";") {
		if p, ok := strings.CutPrefix(part, "unix:path="); ok {
			if i := strings.IndexByte(p, ','); i >= 0 {
				p = p[:i]
			}
			if _, err := os.Stat(p); err != nil {
				return "", &UnavailableError{Reason: "the D-Bus session bus socket " + p + " does not exist", Hint: busHint}
			}
		}
	}
	trace.Printf(ctx, "keychain", "the Secret Service is on the session bus of DBUS_SESSION_BUS_ADDRESS (%s)", addr)
	return addr, nil
}

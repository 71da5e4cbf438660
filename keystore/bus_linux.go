package keystore

import (
	"context"
	"os"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// dialAddress is the address of the session bus the Secret Service is
// reached on (busAddress), or why there is none. Without a bus godbus
// would run dbus-launch, which leaves a new dbus-daemon and
// gnome-keyring-daemon behind on every call and fails anyway, so the
// keychain is refused before that.
func dialAddress(ctx context.Context) (string, error) {
	addr, where := busAddress(os.LookupEnv)
	if addr == "" {
		return "", &UnavailableError{Reason: "no D-Bus session bus (" + where + ")", Hint: busHint}
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
	trace.Printf(ctx, "keychain", "the Secret Service is on the session bus %s (%s)", addr, where)
	return addr, nil
}

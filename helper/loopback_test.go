package helper

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// TestLoopbackDoctor: doctor tells where a plain-http loopback token URL
// sends the secret: on a system that can tell a listener's owner, only to
// this user's; elsewhere nowhere until the profile sets
// trust_loopback_listener (read from the config file), and then to
// whoever listens, with a warning.
func TestLoopbackDoctor(t *testing.T) {
	h := newTestHelper(t)
	mustLogin(t, h, loginParams("http://127.0.0.1:8080/oauth/token", "cid", testSecret))
	finding := func(supported bool) Finding {
		c, err := h.resolve(context.Background(), credential.Request{})
		if err != nil {
			t.Fatal(err)
		}
		f := Finding{OK: true}
		loopbackFinding(&f, c, supported)
		return f
	}
	if f := finding(true); !f.OK || f.Warn || !strings.Contains(f.Detail, "only to a listener of this user") {
		t.Errorf("owner known: %+v", f)
	}
	if f := finding(false); f.OK || !strings.Contains(f.Fix, "trust_loopback_listener = true") {
		t.Errorf("owner unknown: %+v; want a failure naming trust_loopback_listener", f)
	}
	appendConfig(t, h, "trust_loopback_listener = true\n")
	if f := finding(false); !f.OK || !f.Warn || !strings.Contains(f.Detail, "to whoever does") {
		t.Errorf("owner unknown, trusted: %+v; want a warning", f)
	}
}

func appendConfig(t *testing.T, h *Core, text string) {
	t.Helper()
	f, err := os.OpenFile(h.ConfigPath, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

package keystore

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

func TestSelect(t *testing.T) {
	short, err := os.MkdirTemp("", "cch-sel") // a socket path must be short
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(short) })
	empty, withBus, withFile := filepath.Join(short, "empty"), filepath.Join(short, "bus"), filepath.Join(short, "file")
	for _, d := range []string{empty, withBus, withFile} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("unix", filepath.Join(withBus, "bus"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := os.WriteFile(filepath.Join(withFile, "bus"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    Store
		wantWhy string
	}{
		{"no bus configured", map[string]string{"XDG_RUNTIME_DIR": empty}, Keyctl{Service: "s"}, "no session bus is configured"},
		{"empty address is unset", map[string]string{"DBUS_SESSION_BUS_ADDRESS": "", "XDG_RUNTIME_DIR": empty}, Keyctl{Service: "s"}, "no session bus"},
		{"bus at XDG_RUNTIME_DIR", map[string]string{"XDG_RUNTIME_DIR": withBus}, Keyring{Service: "s"}, withBus + "/bus"},
		{"a file named bus is no bus", map[string]string{"XDG_RUNTIME_DIR": withFile}, Keyctl{Service: "s"}, "not a socket"},
		// configured but unreachable: the Secret Service, whose error says so
		{"dead address", map[string]string{"DBUS_SESSION_BUS_ADDRESS": "unix:path=" + empty + "/gone", "XDG_RUNTIME_DIR": empty},
			Keyring{Service: "s"}, "DBUS_SESSION_BUS_ADDRESS is set"},
		{"forced secret-service", map[string]string{EnvKeyring: "secret-service", "XDG_RUNTIME_DIR": empty}, Keyring{Service: "s"}, EnvKeyring},
		{"forced keyctl", map[string]string{EnvKeyring: "keyctl", "XDG_RUNTIME_DIR": withBus}, Keyctl{Service: "s"}, EnvKeyring},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
			os.Unsetenv("DBUS_SESSION_BUS_ADDRESS")
			lookup := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			c := Select("s", lookup)
			if c.Store != tt.want {
				t.Errorf("store = %#v; want %#v", c.Store, tt.want)
			}
			if !strings.Contains(c.Why, tt.wantWhy) {
				t.Errorf("why = %q; want it to contain %q", c.Why, tt.wantWhy)
			}
			if v, ok := os.LookupEnv("DBUS_SESSION_BUS_ADDRESS"); ok {
				t.Errorf("Select set DBUS_SESSION_BUS_ADDRESS=%q in the environment", v)
			}
		})
	}
	t.Run("unknown store", func(t *testing.T) {
		c := Select("s", func(k string) (string, bool) { return map[string]string{EnvKeyring: "file"}[k], k == EnvKeyring })
		_, err := c.Get(context.Background(), "p")
		var ue *UnavailableError
		if !errors.As(err, &ue) || !strings.Contains(ue.Reason, EnvKeyring) || !strings.Contains(ue.Hint, "keyctl") {
			t.Fatalf("Get: %v; want an UnavailableError naming %s and the choices", err, EnvKeyring)
		}
	})
}

// TestChosenTrace: every keychain call says in the trace which store it
// uses and why, never the secret.
func TestChosenTrace(t *testing.T) {
	var b bytes.Buffer
	ctx := trace.With(context.Background(), &b)
	c := &Chosen{Store: &Memory{}, Why: "a test chose it"}
	if err := c.Set(ctx, "p", "s3cr3t-value"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, "p"); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if n := strings.Count(out, trace.Prefix+"keychain: "); n != 2 {
		t.Fatalf("%d keychain trace lines; want 2:\n%s", n, out)
	}
	if !strings.Contains(out, `store profile "p"'s secret: the keychain, because a test chose it`) {
		t.Errorf("trace does not name the store and why:\n%s", out)
	}
	if strings.Contains(out, "s3cr3t") {
		t.Errorf("the trace holds the secret:\n%s", out)
	}
}

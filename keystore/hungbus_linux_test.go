package keystore_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// A session bus that accepts and never answers ends the call at its
// deadline, and the connection with it: the agent lives long, and a hung
// bus must not leave a socket (and the goroutine reading it) behind on
// every fetch.
func TestKeyringHungBusClosesConnection(t *testing.T) {
	sock := filepath.Join(shortTempDir(t), "bus")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	closed := make(chan error, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			closed <- err
			return
		}
		defer c.Close()
		b := make([]byte, 4096)
		for { // read the handshake's first bytes, never answer, until the client hangs up
			if _, err := c.Read(b); err != nil {
				closed <- err
				return
			}
		}
	}()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+sock) // an address no other test uses
	_, err = keystore.Keyring{Service: "hung", Timeout: 200 * time.Millisecond}.Get(context.Background(), "default")
	var ue *keystore.UnavailableError
	if !errors.As(err, &ue) || ue.Reason != "the keychain did not answer in time" {
		t.Fatalf("Get on a hung bus = %v; want the deadline's error", err)
	}
	select {
	case <-closed:
	case <-time.After(2 * time.Second):
		t.Fatal("the connection to the hung bus is still open 2s after the call ended")
	}
}

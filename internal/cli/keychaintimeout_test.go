package cli

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// TestKeychainTimeout: unattended callers (stderr not a terminal) get the
// short keychain deadline.
func TestKeychainTimeout(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, stderr := range []io.Writer{&bytes.Buffer{}, w} {
		if got := keychainTimeout(env{stderr: stderr}); got != keystore.DefaultTimeout {
			t.Errorf("keychainTimeout(stderr %T) = %v; want %v", stderr, got, keystore.DefaultTimeout)
		}
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		if got := keychainTimeout(env{stderr: tty}); got <= keystore.DefaultTimeout {
			t.Errorf("keychainTimeout(a terminal) = %v; want longer than %v", got, keystore.DefaultTimeout)
		}
	}
}

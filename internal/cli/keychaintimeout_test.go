package cli

import (
	"bytes"
	"io"
	"os"
	"testing"
)

// TestInteractive: only a terminal on stderr (or the env's own flag) makes
// a call interactive, and so gives the keychain's unlock prompt time
// (keystore.WithPrompt); git, docker and CI callers get the short deadline.
func TestInteractive(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, stderr := range []io.Writer{&bytes.Buffer{}, w} {
		if interactive(env{stderr: stderr}) {
			t.Errorf("interactive(stderr %T) = true; want false", stderr)
		}
	}
	if !interactive(env{stderr: w, interactive: true}) {
		t.Error("interactive(env.interactive) = false; want true")
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		if !interactive(env{stderr: tty}) {
			t.Error("interactive(a terminal) = false; want true")
		}
	}
}

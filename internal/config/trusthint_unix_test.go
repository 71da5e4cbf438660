//go:build unix

package config

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// No hint suggests chmod on what the user does not own, or on a directory
// shared on purpose: a config under /tmp (sticky, world-writable) is
// refused with "move the file", never "chmod 700 /tmp", even for root.
func TestTrustHintSharedDirectory(t *testing.T) {
	shared := filepath.Join(t.TempDir(), "tmp")
	if err := os.Mkdir(shared, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(shared, "config.toml")
	if err := os.WriteFile(path, []byte("[profiles.p]\nclient_id = 'x'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	wantMoveHint(t, loadErr(path), "config directory "+shared+" is writable by other users")
}

// As another user than the owner (root) of a world-writable directory, the
// hint is to move the file too. The test runs itself as nobody.
func TestTrustHintNotOwner(t *testing.T) {
	const envChild = "CCH_CONFIG_TRUST_CHILD"
	if path := os.Getenv(envChild); path != "" {
		err := loadErr(path)
		var e *credential.Error
		if errors.As(err, &e) {
			io.WriteString(os.Stdout, "MSG "+e.Msg+"\nHINT "+e.Hint+"\n")
		}
		return
	}
	if os.Getuid() != 0 {
		t.Skip("SKIPPED: needs root, to run a process as another uid")
	}
	pub, err := os.MkdirTemp("", "cchtrust")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(pub) })
	shared := filepath.Join(pub, "shared")
	for _, d := range []string{pub, shared} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		os.Chmod(d, 0o755)
	}
	os.Chmod(shared, 0o777) // root's, writable by all, not sticky
	path := filepath.Join(shared, "config.toml")
	if err := os.WriteFile(path, []byte("[profiles.p]\nclient_id = 'x'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(pub, "config.test")
	b, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, b, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestTrustHintNotOwner$")
	cmd.Env = []string{envChild + "=" + path, "HOME=" + pub}
	cmd.Dir = pub
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "MSG config directory "+shared+" is writable by other users") ||
		!strings.Contains(string(out), "HINT Move the config file into a directory of your own") || strings.Contains(string(out), "chmod") {
		t.Errorf("as nobody: %s; want the directory refused, and moving the file as the fix, no chmod", out)
	}
}

func loadErr(path string) error {
	_, err := Load(path)
	return err
}

func wantMoveHint(t *testing.T, err error, msg string) {
	t.Helper()
	var e *credential.Error
	if !errors.As(err, &e) {
		t.Fatalf("Load = %v; want a refusal", err)
	}
	if !strings.Contains(e.Msg, msg) || !strings.Contains(e.Hint, "Move the config file into a directory of your own") || strings.Contains(e.Hint, "chmod") {
		t.Errorf("error = %q, hint %q; want %q and moving the file as the fix, no chmod", e.Msg, e.Hint, msg)
	}
}

package helper

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// A relative ca_file means the file next to the config, whatever directory
// the helper runs in: a ca.pem in the caller's directory (a cloned
// repository, say) is never read.
func TestConfigRelativeCAFile(t *testing.T) {
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	dir := filepath.Dir(h.ConfigPath)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	ca := srv.CAPEM
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), ca, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := "[profiles.default]\nclient_id = \"id\"\ntoken_url = \"" + srv.TLSRoot + "\"\nca_file = \"ca.pem\"\n"
	if err := os.WriteFile(h.ConfigPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	setStoredSecret(t, h, config.DefaultProfile, srv.TLSRoot, "id", testSecret)
	elsewhere := t.TempDir()
	if err := os.WriteFile(filepath.Join(elsewhere, "ca.pem"), []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(elsewhere)

	c, err := config.Load(h.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Profiles[config.DefaultProfile].CAFile, filepath.Join(dir, "ca.pem"); got != want {
		t.Errorf("ca_file = %q; want %q", got, want)
	}
	mustToken(t, h, credential.Request{})
	if srv.Count() != 1 {
		t.Errorf("requests = %d; want 1", srv.Count())
	}
}

// login --ca-file with a relative path stores it absolute, against the
// caller's directory, where the caller meant it.
func TestLoginRelativeCAFileStoredAbsolute(t *testing.T) {
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	elsewhere := t.TempDir()
	t.Chdir(elsewhere)
	if err := os.WriteFile("ca.pem", srv.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	lp := loginParams(srv.Root, "id", testSecret)
	lp.CAFile = ptr("ca.pem")
	mustLogin(t, h, lp)
	b, err := os.ReadFile(h.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	if want := "ca_file = '" + filepath.Join(elsewhere, "ca.pem") + "'"; !strings.Contains(string(b), want) {
		t.Errorf("config file:\n%s\nwant the line %s", b, want)
	}
}

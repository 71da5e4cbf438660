//go:build unix

package doctor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// A failure no layer classified (here: a cache directory that cannot be
// created, under a regular file) is reported as a finding like any other;
// doctor once dereferenced the missing classification and panicked.
func TestUnclassifiedFailureReported(t *testing.T) {
	h := newCore(t)
	id, url := "id", "http://127.0.0.1:9/token" // loopback http: not probed, never asked
	if _, err := h.Login(context.Background(), helper.LoginParams{ClientID: &id, TokenURL: &url, Secret: "s3cr3t", NoVerify: true}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	h.CacheDir = filepath.Join(file, "cache")

	var token *helper.Finding
	for _, f := range Run(context.Background(), h, "") {
		if f.Topic == "token" {
			token = &f
		}
	}
	if token == nil {
		t.Fatal("no token finding")
	}
	if token.OK || !strings.Contains(token.Detail, file) {
		t.Errorf("token finding = %+v; want a failure naming %s", *token, file)
	}
}

// The core names the command that follows a fix; doctor writes its
// command line, for the profile diagnosed.
func TestFixCommandLine(t *testing.T) {
	h := newCore(t)
	h.Profile = "work"
	env := map[string]string{ // a token URL no login would store: plain http to another host
		credential.EnvClientID: "id", credential.EnvClientSecret: "s3cr3t", helper.EnvOAuthURL: "http://login.example.com/token"}
	h.Getenv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	var fixes []string
	for _, f := range Run(context.Background(), h, "") {
		if f.Topic == "token endpoint" {
			fixes = append(fixes, f.Fix)
		}
	}
	want := "camunda-credential-helper --profile work login --oauth-url https://..."
	if len(fixes) != 1 || fixes[0] != want {
		t.Errorf("token endpoint fixes = %q; want [%q]", fixes, want)
	}
}

//go:build unix

package doctor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
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

package helper

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/clientauth"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// TestLoginRegistryKeyProfile: docker login to a registry served by a
// profile that signs with a private key changes nothing (no request, the
// key and the config as they were) and says how to replace the key on
// purpose; the password is in no message.
func TestLoginRegistryKeyProfile(t *testing.T) {
	ctx := context.Background()
	s, k := keyServer(t, clientauth.TypeEC)
	h := newTestHelper(t)
	if _, err := h.Login(ctx, LoginParams{ClientID: ptr("cid"), TokenURL: ptr(s.URL), Key: k, Hosts: []string{"registry.example.com"}}); err != nil {
		t.Fatal(err)
	}
	entry, err := h.Secrets.Get(ctx, h.Profile)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile(h.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	before := len(s.Requests())

	name, err := sibling(h).LoginRegistry(ctx, "registry.example.com", "cid", "hub-password")
	e := wantKind(t, err, credential.KindUsage)
	if name != "" || !strings.Contains(e.Msg, "private key") || !strings.Contains(e.Hint, "--profile default login --client-secret-stdin") {
		t.Errorf("LoginRegistry = %q, %q (hint %q); want the key profile refused with the login that replaces the key", name, e.Msg, e.Hint)
	}
	if strings.Contains(err.Error()+e.Hint, "hub-password") {
		t.Errorf("the refusal quotes the password: %v", err)
	}
	if n := len(s.Requests()) - before; n != 0 {
		t.Errorf("%d token requests; want 0", n)
	}
	if after, err := h.Secrets.Get(ctx, h.Profile); err != nil || after != entry {
		t.Errorf("the keychain entry changed (err %v)", err)
	}
	if after, err := os.ReadFile(h.ConfigPath); err != nil || string(after) != string(cfg) {
		t.Errorf("the config changed: %v\n%s", err, after)
	}
}

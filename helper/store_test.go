package helper

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// TestLoginRegistryUnserved: docker login to a registry no profile's host
// patterns serve sends nothing anywhere and stores nothing. It used to
// create a profile named after the registry with the default profile's
// token endpoint, and verify the registry password there.
func TestLoginRegistryUnserved(t *testing.T) {
	ctx := context.Background()
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	mustLogin(t, h, loginParams(srv.Root, "id", testSecret)) // the default profile: no hosts
	reg := sibling(h)
	reg.Profile = "reg"
	lp := loginParams(srv.Root, "reg-id", testSecret)
	lp.Hosts = []string{"registry.example.com"}
	mustLogin(t, reg, lp)
	before := srv.Count()
	cfgBefore, err := os.ReadFile(h.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		server   string
		explicit string
		host     string // the host no profile serves; "": none named (the scheme is refused)
	}{
		{server: "https://index.docker.io/v1/", host: "index.docker.io"},
		{server: "ghcr.io", host: "ghcr.io"},
		{server: "registry.example.com:5000", host: "registry.example.com:5000"},
		{server: "http://registry.example.com"},
		{server: "https://index.docker.io/v1/", explicit: config.DefaultProfile, host: "index.docker.io"},
		{server: "ghcr.io", explicit: "reg", host: "ghcr.io"},
	} {
		hh := sibling(h)
		if tc.explicit != "" {
			hh.Profile, hh.Explicit = tc.explicit, true
		}
		name, err := hh.LoginRegistry(ctx, tc.server, "hub-user", "hub-password")
		e := wantKind(t, err, credential.KindNoRoute)
		if name != "" {
			t.Errorf("LoginRegistry(%q) = %q; want no profile", tc.server, name)
		}
		if tc.host != "" && (e.Missing != credential.MissingHost || e.Host != tc.host) {
			t.Errorf("LoginRegistry(%q) lacks %v for host %q; want MissingHost for %q", tc.server, e.Missing, e.Host, tc.host)
		}
		if strings.Contains(err.Error(), "hub-password") {
			t.Errorf("LoginRegistry(%q) = %v; quotes the password", tc.server, err)
		}
		if n := srv.Count() - before; n != 0 {
			t.Fatalf("LoginRegistry(%q) with explicit %q made %d token requests; want 0", tc.server, tc.explicit, n)
		}
	}
	if after, err := os.ReadFile(h.ConfigPath); err != nil || string(after) != string(cfgBefore) {
		t.Errorf("the config file changed: %v\n%s", err, after)
	}
	for _, name := range []string{"index.docker.io", "ghcr.io", "registry.example.com:5000"} {
		if _, err := h.Secrets.Get(ctx, name); !errors.Is(err, keystore.ErrNotFound) {
			t.Errorf("a secret was stored for %q (err %v)", name, err)
		}
	}

	// docker logout of an unserved registry, even with --profile, keeps
	// every secret.
	pinned := sibling(h)
	pinned.Explicit = true
	if name, err := pinned.LogoutRegistry(ctx, "https://index.docker.io/v1/"); name != "" || err != nil {
		t.Errorf("LogoutRegistry = %q, %v; want \"\", nil", name, err)
	}
	for _, name := range []string{config.DefaultProfile, "reg"} {
		if _, err := h.Secrets.Get(ctx, name); err != nil {
			t.Errorf("LogoutRegistry of an unserved registry deleted the secret of %q (%v)", name, err)
		}
	}
}

package helper

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

func TestValidProfileName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"default", true},
		{"prod", true},
		{"my-cluster_01", true},
		{"zeebe.camunda.io", true},
		{"registry.example.com:5000", true},
		{"me@example.com", true},
		{"Ünïcödé", true},
		{strings.Repeat("a", 128), true},
		{"", false},
		{strings.Repeat("a", 129), false},
		{"with space", false},
		{"a/b", false},
		{`a\b`, false},
		{"../etc", false},
		{"tab\there", false},
		{"new\nline", false},
		{"nul\x00", false},
		{"semi;colon", false},
		{"$(whoami)", false},
		{"quote'", false},
		{"star*", false},
	}
	for _, tt := range tests {
		err := ValidProfileName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("ValidProfileName(%q) = %v; want ok %v", tt.name, err, tt.ok)
		}
	}
}

// wantNothingStored checks that a failed login left no secret and no
// profile behind.
func wantNothingStored(t *testing.T, h *Core, profile string) {
	t.Helper()
	if _, err := h.Secrets.Get(context.Background(), profile); !errors.Is(err, keystore.ErrNotFound) {
		t.Errorf("keychain entry for %q after a failed login: err = %v; want ErrNotFound", profile, err)
	}
	cfg, err := config.Load(h.ConfigPath)
	if err != nil {
		t.Fatalf("config.Load = %v", err)
	}
	if p, ok := cfg.Profiles[profile]; ok {
		t.Errorf("config has profile %q = %+v after a failed login; want none", profile, p)
	}
}

func TestLoginFailureStoresNothing(t *testing.T) {
	tests := []struct {
		name     string
		respond  func(w http.ResponseWriter, r *http.Request, n int)
		lp       func(srvURL string) LoginParams
		wantKind credential.Kind
		wantReqs int
	}{
		{
			name: "rejected",
			respond: func(w http.ResponseWriter, r *http.Request, n int) {
				tokenserver.OAuthError(w, 401, "invalid_client", "wrong secret")
			},
			lp:       func(u string) LoginParams { return loginParams(u, "id", testSecret) },
			wantKind: credential.KindRejected, wantReqs: 1,
		},
		{
			name:     "not found",
			respond:  func(w http.ResponseWriter, r *http.Request, n int) { http.NotFound(w, r) },
			lp:       func(u string) LoginParams { return loginParams(u, "id", testSecret) },
			wantKind: credential.KindUsage, wantReqs: 1,
		},
		{
			name:     "plain http to another host",
			lp:       func(string) LoginParams { return loginParams("http://keycloak.example.com/token", "id", testSecret) },
			wantKind: credential.KindUsage,
		},
		{
			name:     "not a URL",
			lp:       func(string) LoginParams { return loginParams("login.example.com/token", "id", testSecret) },
			wantKind: credential.KindUsage,
		},
		{
			name: "bad host pattern",
			lp: func(u string) LoginParams {
				lp := loginParams(u, "id", testSecret)
				lp.Hosts = []string{"ok.example.com", "https://x.example.com/path"}
				return lp
			},
			wantKind: credential.KindUsage,
		},
		{
			name: "bad auth method",
			lp: func(u string) LoginParams {
				lp := loginParams(u, "id", testSecret)
				lp.AuthMethod = ptr("jwt")
				return lp
			},
			wantKind: credential.KindUsage,
		},
		{
			name: "missing CA file",
			lp: func(u string) LoginParams {
				lp := loginParams(u, "id", testSecret)
				lp.CAFile = ptr("/nonexistent/ca.pem")
				return lp
			},
			wantKind: credential.KindUsage,
		},
		{
			name:     "empty secret",
			lp:       func(u string) LoginParams { return loginParams(u, "id", "") },
			wantKind: credential.KindUsage,
		},
		{
			name:     "missing client ID",
			lp:       func(u string) LoginParams { return loginParams(u, "  ", testSecret) },
			wantKind: credential.KindUsage,
		},
	}
	for _, tt := range tests {
		for _, noVerify := range []bool{false, true} {
			if noVerify && tt.respond != nil {
				continue // only verification can find these
			}
			name := tt.name
			if noVerify {
				name += " without verifying"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				srv := newTokenServer(t, tt.respond)
				h := newTestHelper(t)
				lp := tt.lp(srv.Root)
				lp.NoVerify = noVerify
				_, err := h.Login(context.Background(), lp)
				wantKind(t, err, tt.wantKind)
				if lp.Secret != "" {
					wantNoLeak(t, "error", err.Error(), lp.Secret)
				}
				if got := srv.Count(); got != tt.wantReqs {
					t.Errorf("requests = %d; want %d", got, tt.wantReqs)
				}
				wantNothingStored(t, h, config.DefaultProfile)
			})
		}
	}
	t.Run("bad profile name", func(t *testing.T) {
		srv := newTokenServer(t, nil)
		h := newTestHelper(t)
		h.Profile = "a/b"
		_, err := h.Login(context.Background(), loginParams(srv.Root, "id", testSecret))
		wantKind(t, err, credential.KindUsage)
		if srv.Count() != 0 {
			t.Errorf("requests = %d; want 0", srv.Count())
		}
		wantNothingStored(t, h, "a/b")
	})
}

func TestLogin(t *testing.T) {
	ctx := context.Background()
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	h.Profile = "work"
	lp := loginParams(srv.URL, " id ", testSecret)
	lp.Hosts = []string{"*.example.com", "api.example.org:8443"}
	lp.Scope = ptr("a b")
	tok, err := h.Login(ctx, lp)
	if err != nil {
		t.Fatalf("Login = %v", err)
	}
	if got := srv.Count(); got != 1 {
		t.Errorf("requests = %d; want 1 (verification)", got)
	}
	if tok.AccessToken != srv.Tokens()[0] || tok.Profile != "work" || tok.Username != "id" {
		t.Errorf("Login token = %+v; want %q for profile work, username id", tok, srv.Tokens()[0])
	}
	if got, want := storedSecretOf(t, h, "work"), (storedSecret{V: 1, TokenURL: srv.URL, ClientID: "id", Secret: testSecret}); got != want {
		t.Errorf("keychain holds %+v; want %+v", got, want)
	}
	cfg, err := config.Load(h.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Profiles["work"]
	if p == nil || p.ClientID != "id" || p.TokenURL != srv.URL || p.AudienceOrDefault() != config.DefaultAudience ||
		p.Scope != "a b" || p.AuthMethodOrDefault() != config.AuthPost || strings.Join(p.Hosts, ",") != "*.example.com,api.example.org:8443" {
		t.Errorf("stored profile = %+v; want the login's settings", p)
	}

	// The same Core serves the new profile from the token login cached.
	if got := mustToken(t, h, credential.Request{}); got.AccessToken != tok.AccessToken {
		t.Errorf("credential.Token after Login = %q; want the verified token %q", got.AccessToken, tok.AccessToken)
	}
	if got := mustToken(t, h, credential.Request{Resource: "x.example.com"}); got.Profile != "work" {
		t.Errorf("credential.Token routed to %q after Login; want work", got.Profile)
	}
	if got := srv.Count(); got != 1 {
		t.Errorf("requests = %d; want 1", got)
	}

	// A second login keeps what it does not change.
	lp2 := LoginParams{Secret: "second-secret", NoVerify: true}
	if _, err := h.Login(ctx, lp2); err != nil {
		t.Fatalf("second Login = %v", err)
	}
	cfg, _ = config.Load(h.ConfigPath)
	if p2 := cfg.Profiles["work"]; p2.ClientID != "id" || p2.Scope != "a b" || len(p2.Hosts) != 2 {
		t.Errorf("after a second login the profile is %+v; want the first login's settings kept", p2)
	}
	if got := srv.Count(); got != 1 {
		t.Errorf("requests = %d; want 1 (--no-verify asks nothing)", got)
	}

	// Logout drops the secret and the tokens, keeps the settings.
	if err := sibling(h).Logout(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Secrets.Get(ctx, "work"); !errors.Is(err, keystore.ErrNotFound) {
		t.Errorf("after Logout: keychain Get = %v; want ErrNotFound", err)
	}
	if files := cacheFiles(t, h, ".tok"); len(files) != 0 {
		t.Errorf("after Logout the cache holds %q", files)
	}
	_, err = sibling(h).Token(ctx, credential.Request{})
	wantKind(t, err, credential.KindNotLoggedIn)
	if cfg, _ := config.Load(h.ConfigPath); cfg.Profiles["work"] == nil {
		t.Errorf("Logout removed the profile's settings")
	}
}

func TestLoginNoVerify(t *testing.T) {
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	lp := loginParams(srv.Root, "id", testSecret)
	lp.NoVerify = true
	tok, err := h.Login(context.Background(), lp)
	if err != nil {
		t.Fatal(err)
	}
	if tok != (credential.Token{}) {
		t.Errorf("Login --no-verify returned %+v; want no token", tok)
	}
	if got := srv.Count(); got != 0 {
		t.Errorf("requests = %d; want 0", got)
	}
	if got := storedSecretOf(t, h, config.DefaultProfile); got.Secret != testSecret {
		t.Errorf("keychain secret = %q; want %q", got.Secret, testSecret)
	}
	mustToken(t, h, credential.Request{})
	if got := srv.Count(); got != 1 {
		t.Errorf("requests = %d; want 1", got)
	}
}

// An empty audience survives the config file: "" means none is sent, not
// the default.
func TestLoginEmptyAudienceRoundTrip(t *testing.T) {
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	lp := loginParams(srv.Root, "id", testSecret)
	lp.Audience = ptr("")
	mustLogin(t, h, lp)
	b, _ := os.ReadFile(h.ConfigPath)
	mustToken(t, sibling(h), credential.Request{})
	if got, ok := srv.Last(t).Form["audience"]; ok {
		t.Errorf("audience = %q; want none (config file:\n%s)", got, b)
	}
}

// LoginRegistry and LogoutRegistry are docker login and docker logout.
func TestLoginLogoutRegistry(t *testing.T) {
	ctx := context.Background()
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	// LoginRegistry needs the token URL of an existing profile or the
	// default; give the new profile's token URL through a profile that
	// serves the host.
	mustLogin(t, h, func() LoginParams {
		lp := loginParams(srv.Root, "id", testSecret)
		lp.Hosts = []string{"registry.example.com"}
		return lp
	}())
	name, err := sibling(h).LoginRegistry(ctx, "https://registry.example.com/v2/", "id2", "stored-secret")
	if err != nil {
		t.Fatalf("LoginRegistry = %v", err)
	}
	if name != config.DefaultProfile {
		t.Errorf("LoginRegistry updated profile %q; want %q", name, config.DefaultProfile)
	}
	if got := srv.Last(t).Form.Get("client_id"); got != "id2" {
		t.Errorf("LoginRegistry verified client %q; want id2", got)
	}
	hosts, err := sibling(h).Hosts(ctx)
	if err != nil || hosts["registry.example.com"] != "id2" {
		t.Errorf("Hosts = %v, %v; want registry.example.com -> id2", hosts, err)
	}
	if name, err := sibling(h).LogoutRegistry(ctx, "unknown.example.com"); name != "" || err != nil {
		t.Errorf("LogoutRegistry of an unserved host = %q, %v; want \"\", nil", name, err)
	}
	name, err = sibling(h).LogoutRegistry(ctx, "registry.example.com")
	if err != nil {
		t.Fatalf("LogoutRegistry = %v", err)
	}
	if name != config.DefaultProfile {
		t.Errorf("LogoutRegistry logged out profile %q; want %q", name, config.DefaultProfile)
	}
	if _, err := h.Secrets.Get(ctx, config.DefaultProfile); !errors.Is(err, keystore.ErrNotFound) {
		t.Errorf("after LogoutRegistry the secret is still stored (err %v)", err)
	}
}

func TestProfiles(t *testing.T) {
	ctx := context.Background()
	h := newTestHelper(t)
	mustLogin(t, h, loginParams("https://login.example.com/token", "id", testSecret))
	config.Update(ctx, h.ConfigPath, func(c *config.Config) error {
		c.Profiles["nosecret"] = &config.Profile{ClientID: "x"}
		return nil
	})
	list, err := sibling(h).Profiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != config.DefaultProfile || !list[0].HasSecret || list[1].Name != "nosecret" || list[1].HasSecret {
		t.Errorf("Profiles = %+v; want default with a secret, nosecret without", list)
	}
	s := sibling(h)
	s.Secrets = failingStore{&keystore.UnavailableError{Reason: "locked"}}
	list, err = s.Profiles(ctx)
	if err != nil || len(list) != 2 || credential.KindOf(list[0].Err) != credential.KindKeychain {
		t.Errorf("Profiles with a locked keychain = %+v, %v; want per-profile keychain errors", list, err)
	}
}

// TestLoginTrustLoopbackListener: login sets and withdraws the profile's
// trust_loopback_listener (where the owner of a loopback listener cannot
// be told, it is what lets login verify against one), and a login that
// does not name it keeps it.
func TestLoginTrustLoopbackListener(t *testing.T) {
	h := newTestHelper(t)
	lp := loginParams("http://127.0.0.1:8080/oauth/token", "id", "s3cret-value")
	trusted := func() bool {
		t.Helper()
		cfg, err := config.Load(h.ConfigPath)
		if err != nil {
			t.Fatal(err)
		}
		return cfg.Profiles[config.DefaultProfile].TrustLoopbackListener
	}
	lp.TrustLoopbackListener = ptr(true)
	mustLogin(t, h, lp)
	if !trusted() {
		t.Fatal("login with TrustLoopbackListener left the profile untrusting")
	}
	mustLogin(t, sibling(h), LoginParams{Secret: "s3cret-value"})
	if !trusted() {
		t.Fatal("a login that does not name it withdrew trust_loopback_listener")
	}
	mustLogin(t, sibling(h), LoginParams{Secret: "s3cret-value", TrustLoopbackListener: ptr(false)})
	if trusted() {
		t.Fatal("login with TrustLoopbackListener false kept it")
	}
}

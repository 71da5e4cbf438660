package helper

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// failingStore is a keychain that cannot be used.
type failingStore struct{ err error }

var _ keystore.Store = failingStore{}

func (s failingStore) Get(context.Context, string) (string, error) { return "", s.err }
func (s failingStore) Set(context.Context, string, string) error   { return s.err }
func (s failingStore) Delete(context.Context, string) error        { return s.err }

func TestEnvCredentials(t *testing.T) {
	tests := []struct {
		name         string
		stored       bool              // a profile with its own ID, secret and token URL exists
		env          map[string]string // EnvOAuthURL "srv" means the test server
		wantID       string
		wantSecret   string
		wantAudience *string // nil: absent
		wantPath     string
		wantProfile  string
	}{
		{
			name:         "environment only",
			env:          map[string]string{credential.EnvClientID: "env-id", credential.EnvClientSecret: "env-secret", EnvOAuthURL: "srv", EnvAudience: "zeebe.camunda.io"},
			wantID:       "env-id",
			wantSecret:   "env-secret",
			wantAudience: ptr("zeebe.camunda.io"),
			wantPath:     "/env",
		},
		{
			name:       "environment with an empty audience",
			env:        map[string]string{credential.EnvClientID: "env-id", credential.EnvClientSecret: "env-secret", EnvOAuthURL: "srv", EnvAudience: ""},
			wantID:     "env-id",
			wantSecret: "env-secret",
			wantPath:   "/env",
		},
		{
			name:         "environment without an audience",
			env:          map[string]string{credential.EnvClientID: "env-id", credential.EnvClientSecret: "env-secret", EnvOAuthURL: "srv"},
			wantID:       "env-id",
			wantSecret:   "env-secret",
			wantAudience: ptr(config.DefaultAudience),
			wantPath:     "/env",
		},
		{
			name:         "environment beats the stored profile",
			stored:       true,
			env:          map[string]string{credential.EnvClientID: "env-id", credential.EnvClientSecret: "env-secret"},
			wantID:       "env-id",
			wantSecret:   "env-secret",
			wantAudience: ptr("stored-audience"),
			wantPath:     "/stored",
			wantProfile:  config.DefaultProfile,
		},
		{
			name:         "environment URL beats the stored profile's",
			stored:       true,
			env:          map[string]string{credential.EnvClientID: "env-id", credential.EnvClientSecret: "env-secret", EnvOAuthURL: "srv", EnvAudience: "env-audience"},
			wantID:       "env-id",
			wantSecret:   "env-secret",
			wantAudience: ptr("env-audience"),
			wantPath:     "/env",
			wantProfile:  config.DefaultProfile,
		},
		{
			name:         "stored profile without environment",
			stored:       true,
			wantID:       "stored-id",
			wantSecret:   "stored-secret",
			wantAudience: ptr("stored-audience"),
			wantPath:     "/stored",
			wantProfile:  config.DefaultProfile,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTokenServer(t, nil)
			h := newTestHelper(t)
			if tt.stored {
				lp := loginParams(srv.Root+"/stored", "stored-id", "stored-secret")
				lp.Audience = ptr("stored-audience")
				mustLogin(t, h, lp)
			}
			env := map[string]string{}
			for k, v := range tt.env {
				if k == EnvOAuthURL && v == "srv" {
					v = srv.Root + "/env"
				}
				env[k] = v
			}
			h = sibling(h)
			h.Getenv = mapEnv(env)
			tok := mustToken(t, h, credential.Request{})
			r := srv.Last(t)
			if got := r.Form.Get("client_id"); got != tt.wantID {
				t.Errorf("client_id = %q; want %q", got, tt.wantID)
			}
			if got := r.Form.Get("client_secret"); got != tt.wantSecret {
				t.Errorf("client_secret = %q; want %q", got, tt.wantSecret)
			}
			got, present := r.Form["audience"]
			switch {
			case tt.wantAudience == nil && present:
				t.Errorf("audience = %q; want none", got)
			case tt.wantAudience != nil && (len(got) != 1 || got[0] != *tt.wantAudience):
				t.Errorf("audience = %q; want [%q]", got, *tt.wantAudience)
			}
			if r.Path != tt.wantPath {
				t.Errorf("token URL path = %q; want %q", r.Path, tt.wantPath)
			}
			if tok.Profile != tt.wantProfile || tok.Username != tt.wantID {
				t.Errorf("token profile, username = %q, %q; want %q, %q", tok.Profile, tok.Username, tt.wantProfile, tt.wantID)
			}
			// The environment's token is cached apart from the profile's.
			mustToken(t, h, credential.Request{})
			if got := srv.Count(); got != 1 {
				t.Errorf("requests = %d; want 1", got)
			}
		})
	}
}

func TestEnvCredentialsHalfSet(t *testing.T) {
	for _, stored := range []bool{false, true} {
		for _, v := range []string{credential.EnvClientID, credential.EnvClientSecret} {
			t.Run(v, func(t *testing.T) {
				srv := newTokenServer(t, nil)
				h := newTestHelper(t)
				if stored {
					mustLogin(t, h, loginParams(srv.Root, "id", testSecret))
				}
				h = sibling(h)
				h.Getenv = mapEnv(map[string]string{v: "only-this-one"})
				_, err := h.Token(context.Background(), credential.Request{})
				e := wantKind(t, err, credential.KindUsage)
				if !strings.Contains(e.Msg, credential.EnvClientID) || !strings.Contains(e.Msg, credential.EnvClientSecret) {
					t.Errorf("message %q does not name both variables", e.Msg)
				}
				wantNoLeak(t, "error", err.Error(), "only-this-one")
				if got := srv.Count(); got != 0 {
					t.Errorf("requests = %d; want 0", got)
				}
			})
		}
	}
}

func TestMissingCredentials(t *testing.T) {
	unavailable := &keystore.UnavailableError{Reason: "the login keyring is locked", Hint: "Unlock it with your login password."}
	tests := []struct {
		name      string
		profile   bool // the config file has the profile
		secrets   keystore.Store
		wantKind  credential.Kind
		wantMsg   string
		wantHint  string
		wantMiss  credential.Missing // with the profile "work"
		wantCause error
	}{
		{name: "no profile", secrets: &keystore.Memory{}, wantKind: credential.KindNotLoggedIn, wantMsg: `"work"`, wantMiss: credential.MissingProfile},
		{name: "profile without a secret", profile: true, secrets: &keystore.Memory{}, wantKind: credential.KindNotLoggedIn, wantMsg: `"work"`, wantMiss: credential.MissingSecret, wantCause: keystore.ErrNotFound},
		{name: "keychain unavailable", profile: true, secrets: failingStore{unavailable}, wantKind: credential.KindKeychain, wantMsg: "locked", wantHint: "Unlock", wantCause: unavailable},
		{name: "keychain failing", profile: true, secrets: failingStore{errors.New("dbus: connection refused")}, wantKind: credential.KindKeychain, wantMsg: "dbus: connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newTokenServer(t, nil)
			h := newTestHelper(t)
			h.Profile = "work"
			h.Secrets = tt.secrets
			if tt.profile {
				err := config.Update(context.Background(), h.ConfigPath, func(c *config.Config) error {
					c.Profiles["work"] = &config.Profile{ClientID: "id", TokenURL: srv.Root}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			_, err := h.Token(context.Background(), credential.Request{})
			e := wantKind(t, err, tt.wantKind)
			if !strings.Contains(e.Msg, tt.wantMsg) {
				t.Errorf("message %q does not contain %q", e.Msg, tt.wantMsg)
			}
			if !strings.Contains(e.Hint, tt.wantHint) {
				t.Errorf("hint %q does not contain %q", e.Hint, tt.wantHint)
			}
			if tt.wantMiss != credential.MissingNothing && (e.Missing != tt.wantMiss || e.Profile != "work") {
				t.Errorf("missing %v for profile %q; want %v for \"work\"", e.Missing, e.Profile, tt.wantMiss)
			}
			if strings.Contains(e.Error(), "camunda-credential-helper") {
				t.Errorf("error %q carries a command line: the edge makes those", e.Error())
			}
			if tt.wantCause != nil && !errors.Is(err, tt.wantCause) {
				t.Errorf("error %v does not wrap %v", err, tt.wantCause)
			}
			if got := srv.Count(); got != 0 {
				t.Errorf("requests = %d; want 0", got)
			}
		})
	}
	t.Run("UnavailableError reachable with errors.As", func(t *testing.T) {
		h := newTestHelper(t)
		h.Secrets = failingStore{unavailable}
		config.Update(context.Background(), h.ConfigPath, func(c *config.Config) error {
			c.Profiles[config.DefaultProfile] = &config.Profile{ClientID: "id"}
			return nil
		})
		_, err := h.Token(context.Background(), credential.Request{})
		var ue *keystore.UnavailableError
		if !errors.As(err, &ue) || ue.Reason != unavailable.Reason {
			t.Errorf("errors.As(%v, *UnavailableError) = %v; want the keystore's error", err, ue)
		}
	})
}

// routed sets up profiles with host patterns, each with its own client ID
// (the profile's name) and token path.
func routed(t *testing.T) (*Core, *tokenserver.Server) {
	t.Helper()
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	for name, hosts := range map[string][]string{
		config.DefaultProfile: nil,
		"exact":               {"api.example.com"},
		"wild":                {"*.example.com"},
		"port":                {"api.example.com:8443"},
		"ipv6":                {"[::1]:9443"},
	} {
		p := sibling(h)
		p.Profile = name
		lp := loginParams(srv.Root+"/"+name, name, "secret-of-"+name)
		lp.Hosts = hosts
		mustLogin(t, p, lp)
	}
	return sibling(h), srv
}

func TestRouting(t *testing.T) {
	h, srv := routed(t)
	tests := []struct {
		req         credential.Request
		explicit    string // Core.Profile with Explicit set
		wantProfile string // "": credential.KindNoRoute
	}{
		{req: credential.Request{Resource: "api.example.com"}, wantProfile: "exact"},
		{req: credential.Request{Resource: "https://api.example.com/v2/topology"}, wantProfile: "exact"},
		{req: credential.Request{Resource: "API.Example.COM."}, wantProfile: "exact"},
		{req: credential.Request{Resource: "api.example.com:9443"}}, // no port in the pattern: 443 only
		{req: credential.Request{Resource: "https://api.example.com:9443/x"}},
		{req: credential.Request{Resource: "api.example.com:443"}, wantProfile: "exact"},
		{req: credential.Request{Resource: "http://api.example.com/x"}}, // plain http to a remote host
		{req: credential.Request{Resource: "ftp://api.example.com/x"}},
		{req: credential.Request{Resource: "git+ssh://api.example.com/x"}},
		{req: credential.Request{Resource: "HTTPS://api.example.com/x"}, wantProfile: "exact"},
		{req: credential.Request{Resource: "http://[::1]:9443/x"}, wantProfile: "ipv6"},             // http to loopback
		{req: credential.Request{Resource: "http://[::1]:9443/x"}, explicit: config.DefaultProfile}, // hostless: serves no host

		{req: credential.Request{Resource: "http://api.example.com/x"}, explicit: config.DefaultProfile},
		{req: credential.Request{Profile: "exact", Resource: "http://api.example.com/x"}},
		{req: credential.Request{Resource: "x.example.com"}, wantProfile: "wild"},
		{req: credential.Request{Resource: "grpcs://a.b.example.com:443/gateway_protocol.Gateway/Topology"}, wantProfile: "wild"},
		{req: credential.Request{Resource: "api.example.com:8443"}, wantProfile: "port"},
		{req: credential.Request{Resource: "https://user@api.example.com:8443/x"}, wantProfile: "port"},
		{req: credential.Request{Resource: "[::1]:9443"}, wantProfile: "ipv6"},
		{req: credential.Request{Resource: "example.com"}},
		{req: credential.Request{Resource: "other.org"}},
		{req: credential.Request{Resource: "evilexample.com"}},
		{req: credential.Request{Resource: "https://evil.org/?next=api.example.com"}},
		{req: credential.Request{Resource: "api.example.com.evil.org"}},
		{req: credential.Request{Resource: "[::1]:8443"}},
		{req: credential.Request{Resource: "http://[bad"}},
		{req: credential.Request{}, wantProfile: config.DefaultProfile},
		{req: credential.Request{Profile: "wild", Resource: "api.example.com"}, wantProfile: "wild"},
		// A profile named by the request or on the command line is chosen
		// only among those that serve the resource (was: served anything).
		{req: credential.Request{Profile: "exact", Resource: "other.org"}},
		{req: credential.Request{Profile: "exact", Resource: "api.example.com:8443"}},
		{req: credential.Request{Profile: "port", Resource: "api.example.com:8443"}, wantProfile: "port"},
		{req: credential.Request{Resource: "api.example.com"}, explicit: "wild", wantProfile: "wild"},
		{req: credential.Request{Resource: "other.org"}, explicit: "port"},
		{req: credential.Request{Resource: "api.example.com"}, explicit: "port"},
		{req: credential.Request{Resource: "api.example.com"}, explicit: "exact", wantProfile: "exact"},
		{req: credential.Request{Resource: "https://evil.example.net/x"}, explicit: "wild"},
		{req: credential.Request{Resource: "other.org"}, explicit: config.DefaultProfile}, // hostless, even when named
	}
	for _, tt := range tests {
		hh := sibling(h)
		if tt.explicit != "" {
			hh.Profile, hh.Explicit = tt.explicit, true
		}
		before := srv.Count()
		tok, err := hh.Token(context.Background(), tt.req)
		if tt.wantProfile == "" {
			e := wantKind(t, err, credential.KindNoRoute)
			if !errors.Is(err, credential.ErrNoRoute) {
				t.Errorf("credential.Token(%+v) = %v; want it to wrap credential.ErrNoRoute", tt.req, err)
			}
			if tt.req.Resource != "" && !strings.Contains(e.Msg, tt.req.Resource) {
				t.Errorf("message %q does not name %q", e.Msg, tt.req.Resource)
			}
			if srv.Count() != before {
				t.Errorf("credential.Token(%+v) made a request for an unrouted resource", tt.req)
			}
			continue
		}
		if err != nil {
			t.Errorf("credential.Token(%+v) with explicit %q = %v; want profile %q", tt.req, tt.explicit, err, tt.wantProfile)
			continue
		}
		if tok.Profile != tt.wantProfile || tok.Username != tt.wantProfile {
			t.Errorf("credential.Token(%+v) with explicit %q: profile %q, username %q; want %q", tt.req, tt.explicit, tok.Profile, tok.Username, tt.wantProfile)
		}
		if srv.Count() > before {
			if r := srv.Last(t); r.Path != "/"+tt.wantProfile || r.Form.Get("client_secret") != "secret-of-"+tt.wantProfile {
				t.Errorf("credential.Token(%+v) asked %s with secret %q; want profile %q's", tt.req, r.Path, r.Form.Get("client_secret"), tt.wantProfile)
			}
		}
	}
}

func TestDrop(t *testing.T) {
	ctx := context.Background()
	h, srv := routed(t)
	exact := mustToken(t, h, credential.Request{Resource: "api.example.com"})
	wild := mustToken(t, h, credential.Request{Resource: "x.example.com"})
	mustToken(t, h, credential.Request{})
	if got := srv.Count(); got != 3 {
		t.Fatalf("requests = %d; want 3", got)
	}
	before := cacheFiles(t, h, ".tok")

	// An unrouted resource is a no-op.
	for _, res := range []string{"other.org", "example.com"} {
		if name, err := sibling(h).Drop(ctx, credential.Request{Resource: res}); name != "" || err != nil {
			t.Errorf("Drop(%q) = %q, %v; want \"\", nil", res, name, err)
		}
	}
	if after := cacheFiles(t, h, ".tok"); len(after) != len(before) {
		t.Errorf("after dropping unrouted resources the cache holds %d entries; want %d", len(after), len(before))
	}

	// Dropping one profile drops its token only, not its secret.
	name, err := sibling(h).Drop(ctx, credential.Request{Resource: "https://api.example.com/x"})
	if err != nil {
		t.Fatalf("Drop = %v", err)
	}
	if name != "exact" {
		t.Errorf("Drop dropped profile %q; want exact", name)
	}
	if _, err := h.Secrets.Get(ctx, "exact"); err != nil {
		t.Errorf("after Drop the secret is gone: %v", err)
	}
	if tok := mustToken(t, sibling(h), credential.Request{Resource: "x.example.com"}); tok.AccessToken != wild.AccessToken {
		t.Errorf("Drop of another profile dropped wild's token")
	}
	if got := srv.Count(); got != 3 {
		t.Errorf("requests = %d; want 3", got)
	}
	tok := mustToken(t, sibling(h), credential.Request{Resource: "api.example.com"})
	if tok.AccessToken == exact.AccessToken {
		t.Errorf("after Drop the old token %q was served", tok.AccessToken)
	}
	if got := srv.Count(); got != 4 {
		t.Errorf("requests = %d; want 4 (one after Drop)", got)
	}

	// An explicit profile drops that profile, for a resource it serves
	// (api.example.com would route to exact); for one outside its host
	// patterns it is a no-op (it used to drop the profile all the same).
	e := sibling(h)
	e.Profile, e.Explicit = "wild", true
	if name, err := e.Drop(ctx, credential.Request{Resource: "other.org"}); name != "" || err != nil {
		t.Fatalf("Drop with --profile wild for other.org = %q, %v; want \"\", nil", name, err)
	}
	mustToken(t, sibling(h), credential.Request{Resource: "x.example.com"})
	if got := srv.Count(); got != 4 {
		t.Errorf("requests = %d; want 4 (--profile wild dropped for a host wild does not serve)", got)
	}
	if name, err := e.Drop(ctx, credential.Request{Resource: "api.example.com"}); name != "wild" || err != nil {
		t.Fatalf("Drop with --profile wild = %q, %v; want wild", name, err)
	}
	mustToken(t, sibling(h), credential.Request{Resource: "x.example.com"})
	if got := srv.Count(); got != 5 {
		t.Errorf("requests = %d; want 5 (wild fetched again after an explicit Drop)", got)
	}
}

func TestDropEnvCredentials(t *testing.T) {
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	h.Getenv = mapEnv(map[string]string{credential.EnvClientID: "env-id", credential.EnvClientSecret: "env-secret", EnvOAuthURL: srv.Root})
	mustToken(t, h, credential.Request{})
	if name, err := sibling(h).Drop(context.Background(), credential.Request{}); name != "" || err != nil {
		t.Fatalf("Drop = %q, %v; want \"\" (environment credentials), nil", name, err)
	}
	mustToken(t, sibling(h), credential.Request{})
	if got := srv.Count(); got != 2 {
		t.Errorf("requests = %d; want 2 (Drop dropped the environment's token)", got)
	}
}

// One Core value may serve concurrent calls (run with -race).
func TestSharedHelperConcurrent(t *testing.T) {
	srv := newTokenServer(t, nil)
	setup := newTestHelper(t)
	mustLogin(t, setup, loginParams(srv.Root, "id", testSecret))
	h := sibling(setup)
	h.Profile = "" // the default profile
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := h.Token(context.Background(), credential.Request{}); err != nil {
				t.Error(err)
			}
			if _, err := h.Drop(context.Background(), credential.Request{Resource: "unrouted.example"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := srv.Count(); got != 1 {
		t.Errorf("requests = %d; want 1", got)
	}
}

func TestKindCodes(t *testing.T) {
	seen := map[string]bool{}
	exits := map[int]bool{}
	for k := credential.KindOther; k == credential.KindOther || k.Code() != credential.KindOther.Code(); k++ {
		if seen[k.Code()] || exits[k.ExitCode()] {
			t.Errorf("kind %d: code %q or exit %d is not unique", k, k.Code(), k.ExitCode())
		}
		seen[k.Code()], exits[k.ExitCode()] = true, true
	}
	e := &credential.Error{Kind: credential.KindRejected, Msg: "no", Hint: "fix it", Err: os.ErrNotExist}
	if got := e.Error(); got != "no\nfix it" {
		t.Errorf("credential.Error() = %q; want %q", got, "no\nfix it")
	}
	if !errors.Is(e, os.ErrNotExist) || credential.KindOf(e) != credential.KindRejected || credential.KindOf(errors.New("x")) != credential.KindOther {
		t.Errorf("Unwrap or credential.KindOf broken for %v", e)
	}
}

// The helper reports a broken config file rather than acting without it.
func TestTokenWithBrokenConfig(t *testing.T) {
	h := newTestHelper(t)
	os.MkdirAll(filepath.Dir(h.ConfigPath), 0o700)
	os.WriteFile(h.ConfigPath, []byte("[profiles.default]\nclient_idd = \"x\"\n"), 0o600)
	h.Getenv = mapEnv(map[string]string{credential.EnvClientID: "id", credential.EnvClientSecret: "s"})
	_, err := h.Token(context.Background(), credential.Request{})
	e := wantKind(t, err, credential.KindUsage)
	if !strings.Contains(e.Msg, h.ConfigPath) {
		t.Errorf("message %q does not name the config file", e.Msg)
	}
}

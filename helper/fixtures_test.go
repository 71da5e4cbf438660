package helper

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// This file holds the fixtures the helper tests share: the fake OAuth 2.0
// token endpoint of internal/tokenserver, a fake clock, a map-backed
// environment and a Core wired to temporary files and an in-memory
// keychain.

// testSecret contains every character that form encoding and HTTP Basic
// encoding treat specially.
const testSecret = "s3cr3t+/=@ !%&x"

// newTokenServer starts the shared fake token endpoint, accepting every
// client ID and secret; respond, if not nil, answers in its place. The
// helper tests use Root as the token URL, or paths under it.
func newTokenServer(t *testing.T, respond tokenserver.RespondFunc) *tokenserver.Server {
	t.Helper()
	s := tokenserver.New(t)
	s.MustSet(t, "anyclient")
	s.Respond(respond)
	return s
}

// fakeClock is a settable clock, safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

// newFakeClock starts far from the real time, so that any use of the real
// clock where the helper's clock belongs shows up as a wrong lifetime.
func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// mapEnv is an environment that holds only m, so the real one never leaks
// into a test.
func mapEnv(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// newTestHelper returns a Core on temporary files, an in-memory keychain
// and an empty environment. The config and cache directories do not exist
// yet, so the tests see the helper create them.
func newTestHelper(t *testing.T) *Core {
	t.Helper()
	dir := t.TempDir()
	return &Core{
		Secrets:    &keystore.Memory{},
		ConfigPath: filepath.Join(dir, "config", "config.toml"),
		CacheDir:   filepath.Join(dir, "cache"),
		Profile:    config.DefaultProfile,
		Timeout:    10 * time.Second,
		Getenv:     mapEnv(nil),
	}
}

// sibling is another invocation of the helper: the same files, keychain,
// environment and clock, but its own Core value (and config load).
func sibling(h *Core) *Core {
	return &Core{
		Secrets:    h.Secrets,
		ConfigPath: h.ConfigPath,
		CacheDir:   h.CacheDir,
		Profile:    h.Profile,
		Explicit:   h.Explicit,
		Timeout:    h.Timeout,
		Getenv:     h.Getenv,
		Now:        h.Now,
		HTTPClient: h.HTTPClient,
	}
}

func ptr[T any](v T) *T { return &v }

// loginParams are the LoginParams of a profile served by tokenURL.
func loginParams(tokenURL, clientID, secret string) LoginParams {
	return LoginParams{ClientID: ptr(clientID), TokenURL: ptr(tokenURL), Secret: secret}
}

// mustLogin logs in without contacting the token endpoint.
func mustLogin(t *testing.T, h *Core, lp LoginParams) {
	t.Helper()
	lp.NoVerify = true
	if _, err := h.Login(context.Background(), lp); err != nil {
		t.Fatalf("Login(%+v) = %v", lp.ClientID, err)
	}
}

// mustToken calls Token and fails the test on an error.
func mustToken(t *testing.T, h *Core, req credential.Request) credential.Token {
	t.Helper()
	tok, err := h.Token(context.Background(), req)
	if err != nil {
		t.Fatalf("credential.Token(%+v) = %v", req, err)
	}
	return tok
}

// wantKind checks that err is an *Error of kind k.
func wantKind(t *testing.T, err error, k credential.Kind) *credential.Error {
	t.Helper()
	var e *credential.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T); want an *credential.Error of kind %v", err, err, k.Code())
	}
	if e.Kind != k {
		t.Fatalf("error kind = %s (%v); want %s", e.Kind.Code(), err, k.Code())
	}
	return e
}

// wantNoLeak checks that s contains none of the secrets (and is not
// trivially checking against an empty string).
func wantNoLeak(t *testing.T, what, s string, secrets ...string) {
	t.Helper()
	for _, sec := range secrets {
		if len(sec) < 4 {
			t.Fatalf("wantNoLeak: secret %q too short to search for", sec)
		}
		if strings.Contains(s, sec) {
			t.Errorf("%s contains the secret or token %q: %q", what, sec, s)
		}
	}
}

// sameToken compares tokens, their expiry with time.Time.Equal.
func sameToken(a, b credential.Token) bool {
	return a.AccessToken == b.AccessToken && a.Expiry.Equal(b.Expiry) && a.RefreshAt.Equal(b.RefreshAt) &&
		a.Profile == b.Profile && a.Username == b.Username
}

// cacheFiles returns the paths in the cache directory that end in ext.
func cacheFiles(t *testing.T, h *Core, ext string) []string {
	t.Helper()
	des, err := os.ReadDir(h.CacheDir)
	if err != nil {
		t.Fatalf("ReadDir(tokencache.Files) = %v", err)
	}
	var out []string
	for _, de := range des {
		if strings.HasSuffix(de.Name(), ext) {
			out = append(out, filepath.Join(h.CacheDir, de.Name()))
		}
	}
	return out
}

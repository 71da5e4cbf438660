package helper

import (
	"bytes"
	"context"
	"encoding/base64"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokencache"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

func TestEntryMargin(t *testing.T) {
	tests := []struct {
		life, want time.Duration
	}{
		{24 * time.Hour, 144 * time.Minute}, // 10%
		{time.Hour, 6 * time.Minute},
		{10 * time.Minute, time.Minute},
		{5 * time.Minute, 30 * time.Second}, // 10% = 30 s
		{2 * time.Minute, 30 * time.Second}, // at least 30 s
		{60 * time.Second, 30 * time.Second},
		{40 * time.Second, 20 * time.Second}, // at most half
		{10 * time.Second, 5 * time.Second},
	}
	t0 := newFakeClock().Now()
	for _, tt := range tests {
		e := &tokencache.Entry{AccessToken: "x", Received: t0, Expiry: t0.Add(tt.life)}
		if got := e.Margin(); got != tt.want {
			t.Errorf("margin for a %v token = %v; want %v", tt.life, got, tt.want)
		}
		if got, want := e.RefreshAt(), t0.Add(tt.life-tt.want); !got.Equal(want) {
			t.Errorf("refreshAt for a %v token = %v; want %v", tt.life, got, want)
		}
	}
}

// A token carries its real expiry (expires_in on the helper's clock) and,
// apart from it, the refresh time from which the helper stops serving it,
// as x/oauth2 keeps Expiry real and the margin separate; a missing
// lifetime is short, never forever.
func TestTokenExpiry(t *testing.T) {
	tests := []struct {
		name      string
		expiresIn any // nil: absent
		life      time.Duration
		want      time.Duration // RefreshAt
	}{
		{"one hour", 3600, time.Hour, 54 * time.Minute},
		{"one day", 86400, 24 * time.Hour, 24*time.Hour - 144*time.Minute},
		{"five minutes", 300, 5 * time.Minute, 270 * time.Second},
		{"forty seconds", 40, 40 * time.Second, 20 * time.Second},
		{"expires_in as a string", "3600", time.Hour, 54 * time.Minute},
		{"no expires_in", nil, DefaultLifetime, DefaultLifetime - 30*time.Second},
		{"expires_in 0", 0, DefaultLifetime, DefaultLifetime - 30*time.Second},
		{"negative expires_in", -60, DefaultLifetime, DefaultLifetime - 30*time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTokenServer(t, nil)
			srv.Respond(func(w http.ResponseWriter, r *http.Request, n int) {
				srv.Issue(w, map[string]any{"expires_in": tt.expiresIn})
			})
			clock := newFakeClock()
			h := newTestHelper(t)
			h.Now = clock.Now
			mustLogin(t, h, loginParams(srv.Root, "id", testSecret))
			t0 := clock.Now()
			tok := mustToken(t, h, credential.Request{})
			if want := t0.Add(tt.want); !tok.RefreshAt.Equal(want) {
				t.Errorf("RefreshAt = %v (t0%+v); want t0%+v", tok.RefreshAt, tok.RefreshAt.Sub(t0), tt.want)
			}
			if want := t0.Add(tt.life); !tok.Expiry.Equal(want) {
				t.Errorf("Expiry = %v (t0%+v); want t0%+v, the endpoint's own", tok.Expiry, tok.Expiry.Sub(t0), tt.life)
			}
			clock.Advance(tt.want - time.Second)
			if got := mustToken(t, h, credential.Request{}); got.AccessToken != tok.AccessToken || !got.RefreshAt.Equal(tok.RefreshAt) || !got.Expiry.Equal(tok.Expiry) {
				t.Errorf("1s before the refresh time: token %q refresh %v expiry %v; want the cached %q, %v, %v", got.AccessToken, got.RefreshAt, got.Expiry, tok.AccessToken, tok.RefreshAt, tok.Expiry)
			}
			if got := srv.Count(); got != 1 {
				t.Errorf("requests before the refresh time = %d; want 1", got)
			}
			clock.Advance(time.Second)
			if got := mustToken(t, h, credential.Request{}); got.AccessToken == tok.AccessToken {
				t.Errorf("at the refresh time the cached token %q was served", got.AccessToken)
			}
			if got := srv.Count(); got != 2 {
				t.Errorf("requests at the refresh time = %d; want 2", got)
			}
		})
	}
}

func TestCacheHit(t *testing.T) {
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	h.Now = newFakeClock().Now
	mustLogin(t, h, loginParams(srv.Root, "id", testSecret))
	first := mustToken(t, h, credential.Request{})
	for i, hh := range []*Core{h, sibling(h), sibling(h)} {
		tok := mustToken(t, hh, credential.Request{})
		if !sameToken(tok, first) {
			t.Errorf("call %d: token = %+v; want the cached %+v", i+2, tok, first)
		}
	}
	if got := srv.Count(); got != 1 {
		t.Errorf("requests = %d; want 1 (the rest from the cache)", got)
	}
	if first.Profile != config.DefaultProfile || first.Username != "id" {
		t.Errorf("token = %+v; want profile %q, username %q, type Bearer", first, config.DefaultProfile, "id")
	}
}

func TestCacheDisabled(t *testing.T) {
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	h.CacheDir = ""
	mustLogin(t, h, loginParams(srv.Root, "id", testSecret))
	mustToken(t, h, credential.Request{})
	mustToken(t, h, credential.Request{})
	if got := srv.Count(); got != 2 {
		t.Errorf("requests without a cache = %d; want 2", got)
	}
}

func TestMinTTL(t *testing.T) {
	// A one-hour token is served until t0+54m; the test asks at t0+30m.
	tests := []struct {
		minTTL       time.Duration
		wantRequests int
		wantKind     credential.Kind
	}{
		{0, 1, credential.KindOther},
		{24 * time.Minute, 1, credential.KindOther},
		{24*time.Minute + time.Second, 2, credential.KindOther},
		{54 * time.Minute, 2, credential.KindOther},
		{54*time.Minute + time.Second, 2, credential.KindUsage}, // longer than any token lasts
		{48 * time.Hour, 2, credential.KindUsage},
	}
	for _, tt := range tests {
		t.Run(tt.minTTL.String(), func(t *testing.T) {
			t.Parallel()
			srv := newTokenServer(t, nil)
			clock := newFakeClock()
			h := newTestHelper(t)
			h.Now = clock.Now
			mustLogin(t, h, loginParams(srv.Root, "id", testSecret))
			first := mustToken(t, h, credential.Request{})
			clock.Advance(30 * time.Minute)
			tok, err := h.Token(context.Background(), credential.Request{MinTTL: tt.minTTL})
			if got := srv.Count(); got != tt.wantRequests {
				t.Errorf("requests = %d; want %d", got, tt.wantRequests)
			}
			if tt.wantKind != credential.KindOther {
				e := wantKind(t, err, tt.wantKind)
				if !strings.Contains(e.Msg, "minimum lifetime") || !strings.Contains(e.Msg, tt.minTTL.String()) {
					t.Errorf("message %q does not name the requested minimum lifetime", e.Msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("credential.Token = %v", err)
			}
			if left := tok.RefreshAt.Sub(clock.Now()); left < tt.minTTL {
				t.Errorf("token has %v left; want at least %v", left, tt.minTTL)
			}
			if (tok.AccessToken == first.AccessToken) != (tt.wantRequests == 1) {
				t.Errorf("token %q vs first %q; want a new one only after a request", tok.AccessToken, first.AccessToken)
			}
		})
	}
}

func TestForceRefresh(t *testing.T) {
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	mustLogin(t, h, loginParams(srv.Root, "id", testSecret))
	seen := map[string]bool{}
	for i := 1; i <= 3; i++ {
		tok := mustToken(t, h, credential.Request{ForceRefresh: true})
		if seen[tok.AccessToken] {
			t.Errorf("ForceRefresh %d returned the old token %q", i, tok.AccessToken)
		}
		seen[tok.AccessToken] = true
		if got := srv.Count(); got != i {
			t.Errorf("after ForceRefresh %d: requests = %d; want %d", i, got, i)
		}
	}
	issued := srv.Tokens()
	if tok := mustToken(t, sibling(h), credential.Request{}); tok.AccessToken != issued[2] {
		t.Errorf("after ForceRefresh the cache serves %q; want the newest %q", tok.AccessToken, issued[2])
	}
	if got := srv.Count(); got != 3 {
		t.Errorf("requests = %d; want 3", got)
	}
}

// Tokens are never shared between different credentials, and equivalent
// token URLs share one.
func TestCacheKey(t *testing.T) {
	tests := []struct {
		name         string
		change       func(srvURL string, lp *LoginParams)
		wantRequests int // after the change
	}{
		{"nothing", func(string, *LoginParams) {}, 0},
		{"token URL with a trailing slash", func(u string, lp *LoginParams) { lp.TokenURL = ptr(u + "/oauth/token/") }, 0},
		{"token URL with an upper-case scheme", func(u string, lp *LoginParams) {
			lp.TokenURL = ptr("HTTP" + strings.TrimPrefix(u, "http") + "/oauth/token")
		}, 0},
		{"rotated secret", func(_ string, lp *LoginParams) { lp.Secret = "rotated-" + testSecret }, 1},
		{"another audience", func(_ string, lp *LoginParams) { lp.Audience = ptr("zeebe.camunda.io") }, 1},
		{"no audience", func(_ string, lp *LoginParams) { lp.Audience = ptr("") }, 1},
		{"another scope", func(_ string, lp *LoginParams) { lp.Scope = ptr("openid") }, 1},
		{"another auth method", func(_ string, lp *LoginParams) { lp.AuthMethod = ptr(config.AuthBasic) }, 1},
		{"another client ID", func(_ string, lp *LoginParams) { lp.ClientID = ptr("id2") }, 1},
		{"another token URL", func(u string, lp *LoginParams) { lp.TokenURL = ptr(u + "/other/token") }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTokenServer(t, nil)
			h := newTestHelper(t)
			lp := loginParams(srv.URL, "id", testSecret)
			mustLogin(t, h, lp)
			old := mustToken(t, h, credential.Request{})
			tt.change(srv.Root, &lp)
			mustLogin(t, h, lp)
			tok := mustToken(t, sibling(h), credential.Request{})
			if got := srv.Count() - 1; got != tt.wantRequests {
				t.Errorf("requests after the change = %d; want %d", got, tt.wantRequests)
			}
			if tt.wantRequests > 0 {
				if tok.AccessToken == old.AccessToken {
					t.Errorf("the old token %q was reused", old.AccessToken)
				}
				if got := srv.Last(t); got.Form.Get("client_secret") != "" && got.Form.Get("client_secret") != lp.Secret {
					t.Errorf("request sent secret %q; want the current %q", got.Form.Get("client_secret"), lp.Secret)
				}
			}
		})
	}
}

// A secret rotated in the keychain behind the helper's back is noticed too.
func TestCacheSecretRotatedInKeychain(t *testing.T) {
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	mustLogin(t, h, loginParams(srv.Root, "id", testSecret))
	old := mustToken(t, h, credential.Request{})
	setStoredSecret(t, h, config.DefaultProfile, srv.Root, "id", "new-secret")
	tok := mustToken(t, sibling(h), credential.Request{})
	if tok.AccessToken == old.AccessToken || srv.Count() != 2 {
		t.Errorf("after rotation: token %q (old %q), requests %d; want a new token from a second request", tok.AccessToken, old.AccessToken, srv.Count())
	}
	if got := srv.Last(t).Form.Get("client_secret"); got != "new-secret" {
		t.Errorf("client_secret = %q; want %q", got, "new-secret")
	}
}

func TestCacheCorruptEntry(t *testing.T) {
	tests := []struct {
		name   string
		mangle func(t *testing.T, path string, b []byte)
		// stays: the entry cannot be replaced, so the next call fetches too
		uncacheable bool
	}{
		{"truncated", func(t *testing.T, p string, b []byte) { os.WriteFile(p, b[:len(b)/2], 0o600) }, false},
		{"last byte flipped", func(t *testing.T, p string, b []byte) {
			b[len(b)-1] ^= 1
			os.WriteFile(p, b, 0o600)
		}, false},
		{"nonce byte flipped", func(t *testing.T, p string, b []byte) {
			b[len(magic)] ^= 0x80
			os.WriteFile(p, b, 0o600)
		}, false},
		{"garbage", func(t *testing.T, p string, b []byte) { os.WriteFile(p, []byte("hello, world\n"), 0o600) }, false},
		{"plaintext JSON", func(t *testing.T, p string, b []byte) {
			os.WriteFile(p, []byte(`{"access_token":"forged","expiry":"2999-01-01T00:00:00Z"}`), 0o600)
		}, false},
		{"magic only", func(t *testing.T, p string, b []byte) { os.WriteFile(p, []byte(magic), 0o600) }, false},
		{"zero length", func(t *testing.T, p string, b []byte) { os.WriteFile(p, nil, 0o600) }, false},
		{"too large", func(t *testing.T, p string, b []byte) { os.WriteFile(p, bytes.Repeat(b, 1+(100<<10)/len(b)), 0o600) }, false},
		{"empty directory", func(t *testing.T, p string, b []byte) {
			os.Remove(p)
			os.Mkdir(p, 0o700)
		}, false},
		{"directory with a file", func(t *testing.T, p string, b []byte) {
			os.Remove(p)
			os.Mkdir(p, 0o700)
			os.WriteFile(filepath.Join(p, "x"), b, 0o600)
		}, true},
		{"symlink to /dev/zero", func(t *testing.T, p string, b []byte) {
			if runtime.GOOS == "windows" {
				t.Skip("no /dev/zero")
			}
			os.Remove(p)
			if err := os.Symlink("/dev/zero", p); err != nil {
				t.Skip(err)
			}
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTokenServer(t, nil)
			h := newTestHelper(t)
			mustLogin(t, h, loginParams(srv.Root, "id", testSecret))
			old := mustToken(t, h, credential.Request{})
			files := cacheFiles(t, h, ".tok")
			if len(files) != 1 {
				t.Fatalf("cache entries = %q; want 1", files)
			}
			b, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			tt.mangle(t, files[0], b)
			tok := mustToken(t, sibling(h), credential.Request{})
			if tok.AccessToken == old.AccessToken || tok.AccessToken == "forged" {
				t.Errorf("token = %q from a mangled entry; want a new one", tok.AccessToken)
			}
			if got := srv.Count(); got != 2 {
				t.Errorf("requests = %d; want 2", got)
			}
			want := 2
			if tt.uncacheable {
				want = 3
			}
			mustToken(t, sibling(h), credential.Request{})
			if got := srv.Count(); got != want {
				t.Errorf("requests after the entry was replaced = %d; want %d", got, want)
			}
		})
	}
}

func TestCacheClockBackwards(t *testing.T) {
	for _, back := range []time.Duration{time.Second, time.Hour} {
		t.Run(back.String(), func(t *testing.T) {
			srv := newTokenServer(t, nil)
			clock := newFakeClock()
			h := newTestHelper(t)
			h.Now = clock.Now
			mustLogin(t, h, loginParams(srv.Root, "id", testSecret))
			old := mustToken(t, h, credential.Request{})
			clock.Advance(-back)
			tok := mustToken(t, h, credential.Request{})
			if tok.AccessToken == old.AccessToken || srv.Count() != 2 {
				t.Errorf("after the clock went back %v: token %q (old %q), requests %d; want a new token", back, tok.AccessToken, old.AccessToken, srv.Count())
			}
			if want := clock.Now().Add(54 * time.Minute); !tok.RefreshAt.Equal(want) {
				t.Errorf("RefreshAt = %v; want %v", tok.RefreshAt, want)
			}
		})
	}
}

func TestCacheFileModes(t *testing.T) {
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	// A cache directory that already exists with a loose mode is tightened.
	if err := os.MkdirAll(h.CacheDir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(h.CacheDir, 0o755)
	mustLogin(t, h, loginParams(srv.Root, "id", testSecret))
	mustToken(t, h, credential.Request{})
	// A rejection is remembered in a file too.
	srv.Respond(func(w http.ResponseWriter, r *http.Request, n int) {
		tokenserver.OAuthError(w, 401, "invalid_client", "no")
	})
	lp := loginParams(srv.Root, "id2", testSecret)
	other := sibling(h)
	other.Profile = "other"
	mustLogin(t, other, lp)
	if _, err := other.Token(context.Background(), credential.Request{}); credential.KindOf(err) != credential.KindRejected {
		t.Fatalf("credential.Token = %v; want a rejection", err)
	}

	checkModes(t, h.CacheDir, map[string]int{".tok": 1, ".lock": 2, ".rejected": 1})
	checkModes(t, filepath.Dir(h.ConfigPath), map[string]int{".toml": 1})
}

// checkModes checks that dir is 0700 and holds only 0600 files, with at
// least the given number of files per suffix.
// magic is the file cache's header (tokencache's own).
const magic = "cch1"

func checkModes(t *testing.T, dir string, want map[string]int) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o700 {
		t.Errorf("%s mode = %v; want 0700", dir, got)
	}
	got := map[string]int{}
	des, _ := os.ReadDir(dir)
	for _, de := range des {
		fi, err := de.Info()
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); !fi.Mode().IsRegular() || perm != 0o600 {
			t.Errorf("%s: mode %v; want a regular file with mode 0600", de.Name(), fi.Mode())
		}
		got[filepath.Ext(de.Name())]++
	}
	for ext, n := range want {
		if got[ext] < n {
			t.Errorf("%s holds %d %s files; want at least %d (all: %v)", dir, got[ext], ext, n, got)
		}
	}
}

// No file the helper writes holds a token or a secret in plaintext.
func TestNoPlaintextOnDisk(t *testing.T) {
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	lp := loginParams(srv.Root, "id", testSecret)
	lp.NoVerify = false
	if _, err := h.Login(context.Background(), lp); err != nil {
		t.Fatal(err)
	}
	mustToken(t, sibling(h), credential.Request{})
	mustToken(t, sibling(h), credential.Request{ForceRefresh: true})
	// A second profile, with a token and then a remembered rejection.
	other := sibling(h)
	other.Profile = "other"
	mustLogin(t, other, loginParams(srv.Root, "id2", "second-secret-value"))
	mustToken(t, other, credential.Request{})
	srv.Respond(func(w http.ResponseWriter, r *http.Request, n int) {
		tokenserver.OAuthError(w, 401, "invalid_client", "rejected")
	})
	if _, err := sibling(other).Token(context.Background(), credential.Request{ForceRefresh: true}); credential.KindOf(err) != credential.KindRejected {
		t.Fatalf("credential.Token = %v; want a rejection", err)
	}
	// Environment credentials.
	srv.Respond(nil)
	env := sibling(h)
	env.Profile = "env-only"
	env.Getenv = mapEnv(map[string]string{credential.EnvClientID: "env-id", credential.EnvClientSecret: "env-secret-value", EnvOAuthURL: srv.Root})
	mustToken(t, env, credential.Request{})

	secrets := append(srv.Tokens(), testSecret, url.QueryEscape(testSecret), "second-secret-value", "env-secret-value")
	if len(secrets) < 8 {
		t.Fatalf("only %d tokens issued; the test did not exercise the cache", len(srv.Tokens()))
	}
	var scanned int
	root := filepath.Dir(filepath.Dir(h.ConfigPath))
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("read %s: %v", p, err)
			return nil
		}
		scanned++
		for _, s := range secrets {
			for _, enc := range []string{s, base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s))} {
				if bytes.Contains(b, []byte(enc)) {
					t.Errorf("%s contains %q", p, enc)
				}
			}
		}
		return nil
	})
	if scanned < 5 {
		t.Errorf("scanned %d files; want the config and the cache entries", scanned)
	}
}

func TestRejectionMemory(t *testing.T) {
	reject := func(w http.ResponseWriter, r *http.Request, n int) {
		tokenserver.OAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
	}
	// setup logs in, has the first Token call rejected and returns the
	// message remembered: the status and error code, not the server's text.
	setup := func(t *testing.T) (*Core, *tokenserver.Server, *fakeClock, string) {
		t.Helper()
		srv := newTokenServer(t, reject)
		clock := newFakeClock()
		h := newTestHelper(t)
		h.Now = clock.Now
		mustLogin(t, h, loginParams(srv.Root, "id", testSecret))
		_, err := h.Token(context.Background(), credential.Request{})
		e := wantKind(t, err, credential.KindRejected)
		for _, m := range []string{"invalid_client", "Client authentication failed", "401"} {
			if !strings.Contains(e.Msg, m) {
				t.Errorf("message %q does not contain %q", e.Msg, m)
			}
		}
		wantNoLeak(t, "error", err.Error(), testSecret)
		if got := srv.Count(); got != 1 {
			t.Fatalf("requests = %d; want 1", got)
		}
		return h, srv, clock, rememberedRejection
	}
	wantRequests := func(t *testing.T, srv *tokenserver.Server, want int) {
		t.Helper()
		if got := srv.Count(); got != want {
			t.Errorf("requests = %d; want %d", got, want)
		}
	}

	t.Run("remembered for 30s", func(t *testing.T) {
		h, srv, clock, msg := setup(t)
		srv.Respond(nil) // even a fixed server is not asked
		for _, d := range []time.Duration{0, 10 * time.Second, 19*time.Second + 999*time.Millisecond} {
			clock.Advance(d)
			_, err := sibling(h).Token(context.Background(), credential.Request{})
			e := wantKind(t, err, credential.KindRejected)
			if e.Msg != msg {
				t.Errorf("remembered message = %q; want %q", e.Msg, msg)
			}
			if !strings.Contains(err.Error(), "--force-refresh") {
				t.Errorf("error %q does not say how to ask again", err)
			}
		}
		wantRequests(t, srv, 1)
	})
	t.Run("asked again after 30s", func(t *testing.T) {
		h, srv, clock, _ := setup(t)
		clock.Advance(30 * time.Second)
		_, err := h.Token(context.Background(), credential.Request{})
		wantKind(t, err, credential.KindRejected)
		wantRequests(t, srv, 2)
		clock.Advance(29 * time.Second)
		h.Token(context.Background(), credential.Request{})
		wantRequests(t, srv, 2) // the second rejection is remembered in turn
	})
	t.Run("ForceRefresh asks again", func(t *testing.T) {
		h, srv, _, _ := setup(t)
		_, err := h.Token(context.Background(), credential.Request{ForceRefresh: true})
		wantKind(t, err, credential.KindRejected)
		wantRequests(t, srv, 2)
		srv.Respond(nil)
		mustToken(t, h, credential.Request{ForceRefresh: true})
		mustToken(t, h, credential.Request{})
		wantRequests(t, srv, 3)
	})
	t.Run("login verifying the same secret", func(t *testing.T) {
		h, srv, _, _ := setup(t)
		srv.Respond(nil) // the client was fixed on the server
		lp := loginParams(srv.Root, "id", testSecret)
		if _, err := sibling(h).Login(context.Background(), lp); err != nil {
			t.Fatalf("Login = %v", err)
		}
		mustToken(t, sibling(h), credential.Request{})
		wantRequests(t, srv, 2)
	})
	t.Run("login with a new secret", func(t *testing.T) {
		h, srv, _, _ := setup(t)
		srv.Respond(nil)
		mustLogin(t, sibling(h), loginParams(srv.Root, "id", "new-"+testSecret))
		mustToken(t, sibling(h), credential.Request{})
		wantRequests(t, srv, 2)
	})
	t.Run("login without verifying", func(t *testing.T) {
		h, srv, _, _ := setup(t)
		srv.Respond(nil)
		mustLogin(t, sibling(h), loginParams(srv.Root, "id", testSecret))
		mustToken(t, sibling(h), credential.Request{})
		wantRequests(t, srv, 2)
	})
	t.Run("Drop asks again", func(t *testing.T) {
		h, srv, _, _ := setup(t)
		srv.Respond(nil)
		if _, err := sibling(h).Drop(context.Background(), credential.Request{}); err != nil {
			t.Fatal(err)
		}
		mustToken(t, sibling(h), credential.Request{})
		wantRequests(t, srv, 2)
	})
	t.Run("clock going back", func(t *testing.T) {
		h, srv, clock, _ := setup(t)
		clock.Advance(-time.Minute)
		h.Token(context.Background(), credential.Request{})
		wantRequests(t, srv, 2)
	})
	t.Run("another profile is not affected", func(t *testing.T) {
		h, srv, _, _ := setup(t)
		srv.Respond(nil)
		other := sibling(h)
		other.Profile = "other"
		mustLogin(t, other, loginParams(srv.Root, "id", testSecret))
		mustToken(t, other, credential.Request{})
		wantRequests(t, srv, 2)
	})
	t.Run("server errors are not remembered", func(t *testing.T) {
		srv := newTokenServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			tokenserver.OAuthError(w, http.StatusBadGateway, "temporarily_unavailable", "")
		})
		h := newTestHelper(t)
		mustLogin(t, h, loginParams(srv.Root, "id", testSecret))
		h.Timeout = 300 * time.Millisecond // give up after one or two attempts
		_, err := h.Token(context.Background(), credential.Request{})
		wantKind(t, err, credential.KindUnreachable)
		n := srv.Count()
		srv.Respond(nil)
		mustToken(t, h, credential.Request{})
		wantRequests(t, srv, n+1)
	})
}

// Concurrent invocations on a cold cache make one request between them.
func TestConcurrentTokenOneRequest(t *testing.T) {
	srv := newTokenServer(t, nil)
	srv.Respond(func(w http.ResponseWriter, r *http.Request, n int) {
		time.Sleep(200 * time.Millisecond)
		srv.Issue(w, nil)
	})
	base := newTestHelper(t)
	mustLogin(t, base, loginParams(srv.Root, "id", testSecret))

	const n = 32
	var wg sync.WaitGroup
	start := make(chan struct{})
	toks := make([]credential.Token, n)
	errs := make([]error, n)
	for i := range n {
		h := sibling(base) // each its own Core, as separate processes
		wg.Go(func() {
			<-start
			toks[i], errs[i] = h.Token(context.Background(), credential.Request{})
		})
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("caller %d: %v", i, errs[i])
		} else if !sameToken(toks[i], toks[0]) {
			t.Errorf("caller %d got %+v; want the same token as caller 0, %+v", i, toks[i], toks[0])
		}
	}
	if got := srv.Count(); got != 1 {
		t.Errorf("requests = %d; want 1", got)
	}
}

package helper

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// This file holds the fixtures the helper tests share: a fake OAuth 2.0
// token endpoint, a fake clock, a map-backed environment and a Core
// wired to temporary files and an in-memory keychain.

// testSecret contains every character that form encoding and HTTP Basic
// encoding treat specially.
const testSecret = "s3cr3t+/=@ !%&x"

// tokenRequest is what the fake token endpoint received.
type tokenRequest struct {
	Method      string
	Path        string
	ContentType string
	Auth        string     // the Authorization header
	Body        string     // the raw body
	Form        url.Values // the body, parsed
}

// basic decodes the HTTP Basic credentials as RFC 6749 §2.3.1 requires:
// base64, then form decoding of the id and the secret.
func (r tokenRequest) basic() (id, secret string, ok bool) {
	req := &http.Request{Header: http.Header{"Authorization": {r.Auth}}}
	u, p, ok := req.BasicAuth()
	if !ok {
		return "", "", false
	}
	id, err1 := url.QueryUnescape(u)
	secret, err2 := url.QueryUnescape(p)
	return id, secret, err1 == nil && err2 == nil
}

// tokenServer is a fake token endpoint for the client-credentials grant.
// By default it answers every request with a new Bearer token valid for an
// hour; respond replaces that answer for request n (1-based).
type tokenServer struct {
	*httptest.Server

	mu       sync.Mutex
	requests []tokenRequest
	tokens   []string
	respond  func(w http.ResponseWriter, r *http.Request, n int)
}

// newTokenServer starts a fake token endpoint, closed when the test ends.
func newTokenServer(t *testing.T, respond func(w http.ResponseWriter, r *http.Request, n int)) *tokenServer {
	t.Helper()
	s := &tokenServer{respond: respond}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// newTLSTokenServer is newTokenServer over TLS with httptest's self-signed
// certificate.
func newTLSTokenServer(t *testing.T) *tokenServer {
	t.Helper()
	s := &tokenServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshakes a test fails on purpose
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

func (s *tokenServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	form, _ := url.ParseQuery(string(body))
	s.mu.Lock()
	s.requests = append(s.requests, tokenRequest{
		Method:      r.Method,
		Path:        r.URL.Path,
		ContentType: r.Header.Get("Content-Type"),
		Auth:        r.Header.Get("Authorization"),
		Body:        string(body),
		Form:        form,
	})
	n := len(s.requests)
	respond := s.respond
	s.mu.Unlock()
	if respond != nil {
		respond(w, r, n)
		return
	}
	s.issue(w, nil)
}

// setRespond changes how later requests are answered.
func (s *tokenServer) setRespond(f func(w http.ResponseWriter, r *http.Request, n int)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.respond = f
}

// issue answers with a new token. fields override the defaults
// (token_type Bearer, expires_in 3600); a nil value removes a field.
func (s *tokenServer) issue(w http.ResponseWriter, fields map[string]any) string {
	var nonce [12]byte
	rand.Read(nonce[:])
	tok := "tok-" + hex.EncodeToString(nonce[:])
	s.mu.Lock()
	s.tokens = append(s.tokens, tok)
	s.mu.Unlock()
	m := map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600}
	for k, v := range fields {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(m)
	return tok
}

// count is the number of requests received so far.
func (s *tokenServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// last is the last request received.
func (s *tokenServer) last(t *testing.T) tokenRequest {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.requests) == 0 {
		t.Fatal("the token server received no request")
	}
	return s.requests[len(s.requests)-1]
}

// issued lists every access token handed out.
func (s *tokenServer) issued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokens...)
}

// oauthError answers with an RFC 6749 §5.2 error response.
func oauthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": description})
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
	return a.AccessToken == b.AccessToken && a.Expiry.Equal(b.Expiry) &&
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

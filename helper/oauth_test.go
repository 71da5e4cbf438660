package helper

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

func TestTokenRequestShape(t *testing.T) {
	const clientID = "client:id@x" // a ':' breaks HTTP Basic unless form-encoded
	tests := []struct {
		name       string
		auth       *string
		audience   *string
		scope      *string
		wantBasic  bool
		wantParams map[string]string // "" means the parameter must be absent
	}{
		{
			name:       "post with the default audience",
			wantParams: map[string]string{"client_id": clientID, "client_secret": testSecret, "audience": config.DefaultAudience, "scope": ""},
		},
		{
			name:       "explicit post with a custom audience",
			auth:       ptr(config.AuthPost),
			audience:   ptr("zeebe.camunda.io"),
			wantParams: map[string]string{"client_id": clientID, "client_secret": testSecret, "audience": "zeebe.camunda.io"},
		},
		{
			name:       "empty audience is not sent",
			audience:   ptr(""),
			wantParams: map[string]string{"client_id": clientID, "client_secret": testSecret, "audience": ""},
		},
		{
			name:       "scope is sent space-joined",
			audience:   ptr(""),
			scope:      ptr("  api://x/.default \t openid  profile "),
			wantParams: map[string]string{"scope": "api://x/.default openid profile", "audience": ""},
		},
		{
			name:       "basic sends the form-encoded id and secret in the header only",
			auth:       ptr(config.AuthBasic),
			scope:      ptr("a"),
			wantBasic:  true,
			wantParams: map[string]string{"client_secret": "", "client_id": "", "audience": config.DefaultAudience, "scope": "a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTokenServer(t, nil)
			h := newTestHelper(t)
			lp := loginParams(srv.URL, clientID, testSecret)
			lp.AuthMethod, lp.Audience, lp.Scope = tt.auth, tt.audience, tt.scope
			mustLogin(t, h, lp)
			// A fresh invocation, so the profile is read back from the file.
			tok := mustToken(t, sibling(h), credential.Request{})
			if got := srv.Count(); got != 1 {
				t.Fatalf("requests = %d; want 1", got)
			}
			r := srv.Last(t)
			if r.Method != http.MethodPost {
				t.Errorf("method = %q; want POST", r.Method)
			}
			if r.Path != "/oauth/token" {
				t.Errorf("path = %q; want /oauth/token", r.Path)
			}
			if r.ContentType != "application/x-www-form-urlencoded" {
				t.Errorf("Content-Type = %q; want application/x-www-form-urlencoded", r.ContentType)
			}
			if got := r.Form["grant_type"]; len(got) != 1 || got[0] != "client_credentials" {
				t.Errorf("grant_type = %q; want [client_credentials]", got)
			}
			for k, want := range tt.wantParams {
				got, present := r.Form[k]
				switch {
				case want == "" && present:
					t.Errorf("body has %s = %q; want it absent (body %q)", k, got, r.Body)
				case want != "" && (len(got) != 1 || got[0] != want):
					t.Errorf("body %s = %q; want [%q]", k, got, want)
				}
			}
			id, secret, ok := r.Basic()
			switch {
			case tt.wantBasic && !ok:
				t.Errorf("Authorization = %q; want HTTP Basic", r.Authorization)
			case tt.wantBasic && (id != clientID || secret != testSecret):
				t.Errorf("Basic credentials (form-decoded) = %q, %q; want %q, %q", id, secret, clientID, testSecret)
			case !tt.wantBasic && r.Authorization != "":
				t.Errorf("Authorization = %q; want none for client_secret_post", r.Authorization)
			}
			if tt.wantBasic && strings.Contains(r.Body, "secret") {
				t.Errorf("body %q mentions the secret; want it in the header only", r.Body)
			}
			if tok.AccessToken != srv.Tokens()[0] {
				t.Errorf("token = %q; want %q", tok.AccessToken, srv.Tokens()[0])
			}
		})
	}
}

// x/oauth2's AuthStyle auto-detection sends a second request when the
// first fails; the helper pins the style so a failure costs one request.
func TestOneRequestPerFailedFetch(t *testing.T) {
	for _, auth := range []string{config.AuthPost, config.AuthBasic} {
		t.Run(auth, func(t *testing.T) {
			t.Parallel()
			srv := newTokenServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				tokenserver.OAuthError(w, http.StatusUnauthorized, "invalid_client", "Unauthorized")
			})
			h := newTestHelper(t)
			lp := loginParams(srv.Root, "id", testSecret)
			lp.AuthMethod = &auth
			mustLogin(t, h, lp)
			_, err := h.Token(context.Background(), credential.Request{})
			wantKind(t, err, credential.KindRejected)
			if got := srv.Count(); got != 1 {
				t.Errorf("requests = %d; want 1", got)
			}
		})
	}
}

func TestFetchFaults(t *testing.T) {
	status := func(code int) func(*tokenserver.Server, http.ResponseWriter, *http.Request, int) {
		return func(srv *tokenserver.Server, w http.ResponseWriter, r *http.Request, n int) {
			http.Error(w, "boom", code)
		}
	}
	hijack := func(reset bool) func(*tokenserver.Server, http.ResponseWriter, *http.Request, int) {
		return func(srv *tokenserver.Server, w http.ResponseWriter, r *http.Request, n int) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				panic(err)
			}
			if tc, ok := conn.(*net.TCPConn); ok && reset {
				tc.SetLinger(0) // close with RST
			}
			conn.Close()
		}
	}
	tests := []struct {
		name         string
		respond      func(srv *tokenserver.Server, w http.ResponseWriter, r *http.Request, n int)
		wantKind     credential.Kind // KindOther: success
		wantMsg      []string
		wantRequests int
		minElapsed   time.Duration
	}{
		{name: "500 retried", respond: status(500), wantKind: credential.KindUnreachable, wantMsg: []string{"HTTP 500"}, wantRequests: maxAttempts},
		{name: "502 retried", respond: status(502), wantKind: credential.KindUnreachable, wantMsg: []string{"HTTP 502"}, wantRequests: maxAttempts},
		{name: "503 retried", respond: status(503), wantKind: credential.KindUnreachable, wantMsg: []string{"HTTP 503"}, wantRequests: maxAttempts},
		{
			name: "503 then 200",
			respond: func(srv *tokenserver.Server, w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					http.Error(w, "busy", http.StatusServiceUnavailable)
					return
				}
				srv.Issue(w, nil)
			},
			wantRequests: 2,
		},
		{
			name: "429 with Retry-After then 200",
			respond: func(srv *tokenserver.Server, w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					w.Header().Set("Retry-After", "1")
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				srv.Issue(w, nil)
			},
			wantRequests: 2,
			minElapsed:   time.Second,
		},
		{
			name: "429 with a Retry-After beyond the deadline gives up at once",
			respond: func(srv *tokenserver.Server, w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Retry-After", "3600")
				w.WriteHeader(http.StatusTooManyRequests)
			},
			wantKind: credential.KindUnreachable, wantMsg: []string{"rate limiting", "429"}, wantRequests: 1,
		},
		{
			name: "HTML error page",
			respond: func(srv *tokenserver.Server, w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(500)
				w.Write([]byte("<!DOCTYPE html>\n<html><head><title>Oops</title></head>\n<body><h1>Internal Server credential.Error</h1>\n" + strings.Repeat("<p>stack</p>\n", 5000) + "</body></html>"))
			},
			wantKind: credential.KindUnreachable, wantMsg: []string{"HTTP 500"}, wantRequests: maxAttempts,
		},
		{
			name: "200 with invalid JSON",
			respond: func(srv *tokenserver.Server, w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"access_token": "abc", `))
			},
			wantKind: credential.KindUnreachable, wantMsg: []string{"invalid response"}, wantRequests: 1,
		},
		{
			name: "200 without access_token",
			respond: func(srv *tokenserver.Server, w http.ResponseWriter, r *http.Request, n int) {
				srv.Issue(w, map[string]any{"access_token": nil})
			},
			wantKind: credential.KindUnreachable, wantMsg: []string{"access_token"}, wantRequests: 1,
		},
		{
			name: "200 with an error field",
			respond: func(srv *tokenserver.Server, w http.ResponseWriter, r *http.Request, n int) {
				tokenserver.OAuthError(w, 200, "invalid_client", "bad client")
			},
			wantKind: credential.KindRejected, wantMsg: []string{"invalid_client", "bad client"}, wantRequests: 1,
		},
		{
			name: "token_type mac refused",
			respond: func(srv *tokenserver.Server, w http.ResponseWriter, r *http.Request, n int) {
				srv.Issue(w, map[string]any{"token_type": "mac"})
			},
			wantKind: credential.KindUnreachable, wantMsg: []string{`"mac"`, "Bearer"}, wantRequests: 1,
		},
		{
			name: "token_type bearer in lowercase accepted",
			respond: func(srv *tokenserver.Server, w http.ResponseWriter, r *http.Request, n int) {
				srv.Issue(w, map[string]any{"token_type": "bearer"})
			},
			wantRequests: 1,
		},
		{
			name: "token_type absent accepted",
			respond: func(srv *tokenserver.Server, w http.ResponseWriter, r *http.Request, n int) {
				srv.Issue(w, map[string]any{"token_type": nil})
			},
			wantRequests: 1,
		},
		{
			name: "form-encoded response accepted",
			respond: func(srv *tokenserver.Server, w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
				w.Write([]byte("access_token=tok-form-encoded-1&token_type=bearer&expires_in=3600"))
			},
			wantRequests: 1,
		},
		{name: "connection closed", respond: hijack(false), wantKind: credential.KindUnreachable, wantMsg: []string{"cannot reach token endpoint"}, wantRequests: maxAttempts},
		{name: "connection reset", respond: hijack(true), wantKind: credential.KindUnreachable, wantMsg: []string{"cannot reach token endpoint"}, wantRequests: maxAttempts},
		{
			name: "400 invalid_scope not retried",
			respond: func(srv *tokenserver.Server, w http.ResponseWriter, r *http.Request, n int) {
				tokenserver.OAuthError(w, 400, "invalid_scope", "scope x is unknown")
			},
			wantKind: credential.KindRejected, wantMsg: []string{"HTTP 400", "invalid_scope", "scope x is unknown"}, wantRequests: 1,
		},
		{
			name: "401 invalid_client",
			respond: func(srv *tokenserver.Server, w http.ResponseWriter, r *http.Request, n int) {
				tokenserver.OAuthError(w, 401, "invalid_client", "Client authentication failed")
			},
			wantKind: credential.KindRejected, wantMsg: []string{"HTTP 401", "invalid_client", "Client authentication failed"}, wantRequests: 1,
		},
		{
			name: "403 access_denied",
			respond: func(srv *tokenserver.Server, w http.ResponseWriter, r *http.Request, n int) {
				tokenserver.OAuthError(w, 403, "access_denied", "Unauthorized")
			},
			wantKind: credential.KindRejected, wantMsg: []string{"HTTP 403", "access_denied"}, wantRequests: 1,
		},
		{name: "404", respond: status(404), wantKind: credential.KindUsage, wantMsg: []string{"HTTP 404", "check the token URL"}, wantRequests: 1},
		{name: "405", respond: status(405), wantKind: credential.KindUsage, wantMsg: []string{"HTTP 405", "check the token URL"}, wantRequests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newTokenServer(t, nil)
			s.Respond(func(w http.ResponseWriter, r *http.Request, n int) { tt.respond(s, w, r, n) })
			h := newTestHelper(t)
			mustLogin(t, h, loginParams(s.Root, "id", testSecret))
			start := time.Now()
			tok, err := h.Token(context.Background(), credential.Request{})
			elapsed := time.Since(start)
			if elapsed < tt.minElapsed {
				t.Errorf("credential.Token returned after %v; want at least %v", elapsed, tt.minElapsed)
			}
			if elapsed > 5*time.Second {
				t.Errorf("credential.Token returned after %v; want well under the %v timeout", elapsed, DefaultTimeout)
			}
			if got := s.Count(); got != tt.wantRequests {
				t.Errorf("requests = %d; want %d", got, tt.wantRequests)
			}
			if tt.wantKind == credential.KindOther {
				if err != nil {
					t.Fatalf("credential.Token = %v; want a token", err)
				}
				issued := s.Tokens()
				if len(issued) > 0 && tok.AccessToken != issued[len(issued)-1] {
					t.Errorf("AccessToken = %q; want %q", tok.AccessToken, issued[len(issued)-1])
				}
				if tok.AccessToken == "" {
					t.Errorf("token = %q; want one", tok.AccessToken)
				}
				return
			}
			e := wantKind(t, err, tt.wantKind)
			for _, m := range tt.wantMsg {
				if !strings.Contains(e.Msg, m) {
					t.Errorf("message %q does not contain %q", e.Msg, m)
				}
			}
			if strings.ContainsAny(e.Msg, "<\n\r") || len(e.Msg) > 400 {
				t.Errorf("message %q is not one short line", e.Msg)
			}
			wantNoLeak(t, "error", err.Error(), append(s.Tokens(), testSecret, "s3cr3t")...)
		})
	}
}

// A huge response must neither be buffered whole nor hold the call up:
// x/oauth2 reads at most 1 MiB of it.
func TestFetchHugeBody(t *testing.T) {
	const size = 64 << 20
	srv := newTokenServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		bw := bufio.NewWriter(w)
		bw.WriteString(`{"access_token":"`)
		chunk := []byte(strings.Repeat("a", 32<<10))
		for written := 0; written < size; written += len(chunk) {
			if _, err := bw.Write(chunk); err != nil {
				return // the client hung up, as it should
			}
		}
		bw.WriteString(`","token_type":"Bearer"}`)
		bw.Flush()
	})
	h := newTestHelper(t)
	mustLogin(t, h, loginParams(srv.Root, "id", testSecret))

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := h.Token(context.Background(), credential.Request{})
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)

	e := wantKind(t, err, credential.KindUnreachable)
	if !strings.Contains(e.Msg, "invalid response") {
		t.Errorf("message %q does not say the response was invalid", e.Msg)
	}
	if len(err.Error()) > 400 {
		t.Errorf("error is %d bytes long; want a short message", len(err.Error()))
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 24<<20 {
		t.Errorf("credential.Token allocated %d MiB for a %d MiB body; want a bounded read", got>>20, size>>20)
	}
	if elapsed > 3*time.Second {
		t.Errorf("credential.Token took %v; want it to stop reading early", elapsed)
	}
	if got := srv.Count(); got != 1 {
		t.Errorf("requests = %d; want 1", got)
	}
}

func TestFetchTimeout(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		<-r.Context().Done() // never answers; returns when the client gives up
	})
	h := newTestHelper(t)
	h.Timeout = time.Second
	mustLogin(t, h, loginParams(srv.Root, "id", testSecret))
	start := time.Now()
	_, err := h.Token(context.Background(), credential.Request{})
	elapsed := time.Since(start)
	e := wantKind(t, err, credential.KindUnreachable)
	if !strings.Contains(e.Msg, "did not answer in time") || !strings.Contains(e.Msg, "timeout") {
		t.Errorf("message %q does not name the timeout", e.Msg)
	}
	if elapsed < 900*time.Millisecond || elapsed > 1500*time.Millisecond {
		t.Errorf("credential.Token returned after %v; want about the 1s timeout", elapsed)
	}
	wantNoLeak(t, "error", err.Error(), testSecret)
}

// Redirects are not followed: the form (or header) carries the secret.
func TestFetchRedirectNotFollowed(t *testing.T) {
	for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for _, custom := range []bool{false, true} {
			name := http.StatusText(code)
			if custom {
				name += " with Core.HTTPClient"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				other := newTokenServer(t, nil)
				srv := newTokenServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
					http.Redirect(w, r, other.URL, code)
				})
				h := newTestHelper(t)
				if custom {
					h.HTTPClient = &http.Client{} // follows redirects by default
				}
				mustLogin(t, h, loginParams(srv.Root, "id", testSecret))
				_, err := h.Token(context.Background(), credential.Request{})
				e := wantKind(t, err, credential.KindUsage)
				if !strings.Contains(e.Msg, "redirect") || !strings.Contains(e.Msg, other.Root) {
					t.Errorf("message %q does not name the redirect to %s", e.Msg, other.Root)
				}
				if got := other.Count(); got != 0 {
					t.Errorf("the redirect target received %d requests; want 0", got)
				}
				if got := srv.Count(); got != 1 {
					t.Errorf("requests = %d; want 1", got)
				}
				wantNoLeak(t, "error", err.Error(), testSecret)
			})
		}
	}
}

func TestFetchTLS(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t, nil)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, srv.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("untrusted certificate", func(t *testing.T) {
		h := newTestHelper(t)
		mustLogin(t, h, loginParams(srv.TLSRoot, "id", testSecret))
		start := time.Now()
		_, err := h.Token(context.Background(), credential.Request{})
		e := wantKind(t, err, credential.KindUnreachable)
		if !strings.Contains(e.Msg, "certificate") || !strings.Contains(e.Msg, "TLS") {
			t.Errorf("message %q does not name the certificate problem", e.Msg)
		}
		if !strings.Contains(err.Error(), "--ca-file") {
			t.Errorf("error %q does not mention --ca-file", err)
		}
		if elapsed := time.Since(start); elapsed > time.Second {
			t.Errorf("credential.Token took %v; a certificate error is not worth retrying", elapsed)
		}
		wantNoLeak(t, "error", err.Error(), testSecret)
	})

	t.Run("CA file", func(t *testing.T) {
		h := newTestHelper(t)
		lp := loginParams(srv.TLSRoot, "id", testSecret)
		lp.CAFile = &caFile
		lp.NoVerify = false
		if _, err := h.Login(context.Background(), lp); err != nil {
			t.Fatalf("Login with --ca-file = %v", err)
		}
		if _, err := h.Drop(context.Background(), credential.Request{}); err != nil { // make Token fetch over TLS again
			t.Fatal(err)
		}
		tok := mustToken(t, sibling(h), credential.Request{})
		issued := srv.Tokens()
		if tok.AccessToken != issued[len(issued)-1] {
			t.Errorf("AccessToken = %q; want %q", tok.AccessToken, issued[len(issued)-1])
		}
	})

	t.Run("CA file without a certificate", func(t *testing.T) {
		h := newTestHelper(t)
		bad := filepath.Join(t.TempDir(), "bad.pem")
		os.WriteFile(bad, []byte("not a certificate"), 0o600)
		lp := loginParams(srv.TLSRoot, "id", testSecret)
		lp.CAFile = &bad
		_, err := h.Login(context.Background(), lp)
		e := wantKind(t, err, credential.KindUsage)
		if !strings.Contains(e.Msg, bad) {
			t.Errorf("message %q does not name the CA file", e.Msg)
		}
	})
}

// countingTransport counts the requests that reach it and answers none.
type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	c.n.Add(1)
	return nil, errors.New("countingTransport: no network in this test")
}

// The secret never goes over plain http to anything but loopback, however
// the token URL got into the profile.
func TestFetchPlainHTTPRefused(t *testing.T) {
	tests := []struct {
		name     string
		tokenURL string
		viaEnv   bool
	}{
		{name: "config file", tokenURL: "http://example.invalid/token"},
		{name: "environment", tokenURL: "http://example.invalid/token", viaEnv: true},
		{name: "loopback look-alike", tokenURL: "http://127.0.0.1.example.invalid/token"},
		{name: "localhost as a subdomain", tokenURL: "http://localhost.example.invalid/token", viaEnv: true},
		{name: "another scheme", tokenURL: "ftp://example.invalid/token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestHelper(t)
			rt := &countingTransport{}
			h.HTTPClient = &http.Client{Transport: rt}
			if tt.viaEnv {
				h.Getenv = mapEnv(map[string]string{credential.EnvClientID: "id", credential.EnvClientSecret: testSecret, EnvOAuthURL: tt.tokenURL})
			} else {
				// Login refuses such a URL, but the file may be edited by hand.
				err := config.Update(context.Background(), h.ConfigPath, func(c *config.Config) error {
					c.Profiles[config.DefaultProfile] = &config.Profile{ClientID: "id", TokenURL: tt.tokenURL}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				setStoredSecret(t, h, config.DefaultProfile, tt.tokenURL, "id", testSecret)
			}
			_, err := h.Token(context.Background(), credential.Request{})
			e := wantKind(t, err, credential.KindUsage)
			if !strings.Contains(e.Msg, "example.invalid") {
				t.Errorf("message %q does not name the host", e.Msg)
			}
			if got := rt.n.Load(); got != 0 {
				t.Errorf("transport calls = %d; want 0", got)
			}
			wantNoLeak(t, "error", err.Error(), testSecret)
		})
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		in       string
		min, max time.Duration
	}{
		{"", 0, 0},
		{"0", 0, 10 * time.Millisecond},
		{"2", 2 * time.Second, 2*time.Second + 10*time.Millisecond},
		{" 3 ", 3 * time.Second, 3*time.Second + 10*time.Millisecond},
		{"-1", 0, 0},
		{"soon", 0, 0},
		{time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), 0, 0},
		{time.Now().Add(time.Minute).UTC().Format(http.TimeFormat), 55 * time.Second, time.Minute},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.in); got < tt.min || got > tt.max {
			t.Errorf("retryAfter(%q) = %v; want between %v and %v", tt.in, got, tt.min, tt.max)
		}
	}
}

func TestCheckTokenURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://login.cloud.camunda.io/oauth/token", true},
		{"HTTPS://login.example.com/token", true},
		{"http://localhost:8080/token", true},
		{"http://LOCALHOST/token", true},
		{"http://127.0.0.1:18080/auth/realms/camunda-platform/protocol/openid-connect/token", true},
		{"http://127.8.9.10/token", true},
		{"http://[::1]:8080/token", true},
		{"http://keycloak:18080/token", false},
		{"http://10.0.0.1/token", false},
		{"http://[::ffff:10.0.0.1]/token", false},
		{"http://localhost.evil.example/token", false},
		{"file:///etc/passwd", false},
		{"login.cloud.camunda.io/oauth/token", false},
		{"", false},
		{"https://", false},
	}
	for _, tt := range tests {
		err := CheckTokenURL(tt.url)
		if (err == nil) != tt.ok {
			t.Errorf("CheckTokenURL(%q) = %v; want ok %v", tt.url, err, tt.ok)
		}
		if err != nil && credential.KindOf(err) != credential.KindUsage {
			t.Errorf("CheckTokenURL(%q) kind = %s; want %s", tt.url, credential.KindOf(err).Code(), credential.KindUsage.Code())
		}
	}
}

package tokenserver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// TestTokenServer checks the fake itself, with the real oauth2 client.
func TestTokenServer(t *testing.T) {
	ctx := context.Background()
	fetch := func(s *Server, style oauth2.AuthStyle, id, secret string) (*oauth2.Token, error) {
		c := clientcredentials.Config{
			ClientID: id, ClientSecret: secret, TokenURL: s.URL, AuthStyle: style,
			EndpointParams: url.Values{"audience": {"api.cloud.camunda.io"}},
			Scopes:         []string{"a", "b"},
		}
		return c.Token(ctx)
	}

	t.Run("post and basic", func(t *testing.T) {
		s := New(t)
		tok, err := fetch(s, oauth2.AuthStyleInParams, "cid", "s3cr3t")
		if err != nil || tok.AccessToken != "tok-1" || tok.Expiry.IsZero() {
			t.Fatalf("post: %+v, %v", tok, err)
		}
		// A secret that needs form-encoding exercises RFC 6749 2.3.1.
		s.Set("client", "c:id", "p@ss w:rd+&=")
		tok, err = fetch(s, oauth2.AuthStyleInHeader, "c:id", "p@ss w:rd+&=")
		if err != nil || tok.AccessToken != "tok-2" {
			t.Fatalf("basic: %+v, %v", tok, err)
		}
		reqs := s.Requests()
		if len(reqs) != 2 {
			t.Fatalf("%d requests; want 2", len(reqs))
		}
		want := []Request{
			{Method: "POST", Path: Path, GrantType: "client_credentials", ClientID: "cid", Auth: "post", Audience: "api.cloud.camunda.io", Scope: "a b"},
			{Method: "POST", Path: Path, GrantType: "client_credentials", ClientID: "c:id", Auth: "basic", Audience: "api.cloud.camunda.io", Scope: "a b"},
		}
		for i, w := range want {
			got := reqs[i]
			got.Form, got.Body, got.ContentType, got.Authorization = nil, "", "", ""
			if !reflect.DeepEqual(got, w) {
				t.Errorf("request %d = %+v; want %+v", i+1, got, w)
			}
		}
	})

	t.Run("wrong secret", func(t *testing.T) {
		s := New(t)
		_, err := fetch(s, oauth2.AuthStyleInParams, "cid", "wrong")
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) || re.Response.StatusCode != 401 || re.ErrorCode != "invalid_client" ||
			re.ErrorDescription != "Invalid client credentials" {
			t.Fatalf("err = %v; want a 401 invalid_client", err)
		}
		if _, err := fetch(s, oauth2.AuthStyleInParams, "nobody", "s3cr3t"); err == nil {
			t.Fatal("unknown client accepted")
		}
		s.Set("secret", "rotated")
		if _, err := fetch(s, oauth2.AuthStyleInParams, "cid", "s3cr3t"); err == nil {
			t.Fatal("old secret accepted after rotation")
		}
		if tok, err := fetch(s, oauth2.AuthStyleInParams, "cid", "rotated"); err != nil || tok.AccessToken != "tok-1" {
			t.Fatalf("rotated secret: %+v, %v", tok, err)
		}
	})

	t.Run("modes", func(t *testing.T) {
		tests := []struct {
			mode    []string
			status  int
			check   func(t *testing.T, resp *http.Response, body string)
			wantErr bool
		}{
			{mode: []string{"ok", "60"}, status: 200, check: bodyHas(`"expires_in":60`)},
			{mode: []string{"expires-in", "none"}, status: 200, check: bodyLacks("expires_in")},
			{mode: []string{"tokentype", "mac"}, status: 200, check: bodyHas(`"token_type":"mac"`)},
			{mode: []string{"status", "503"}, status: 503, check: bodyHas("server_error")},
			{mode: []string{"status", "400", `{"error":"invalid_scope"}`}, status: 400, check: bodyHas("invalid_scope")},
			{mode: []string{"html"}, status: 500, check: bodyHas("<html>")},
			{mode: []string{"badjson"}, status: 200, check: func(t *testing.T, _ *http.Response, b string) {
				if json.Valid([]byte(b)) {
					t.Errorf("badjson body is valid JSON: %s", b)
				}
			}},
			{mode: []string{"noaccesstoken"}, status: 200, check: bodyLacks("access_token")},
			{mode: []string{"huge"}, status: 200, check: func(t *testing.T, _ *http.Response, b string) {
				if len(b) < HugeBodySize || !json.Valid([]byte(b)) {
					t.Errorf("huge body: %d bytes, valid JSON %v", len(b), json.Valid([]byte(b)))
				}
			}},
			{mode: []string{"redirect"}, status: 302, check: func(t *testing.T, resp *http.Response, _ string) {
				if !strings.HasSuffix(resp.Header.Get("Location"), "/captured") {
					t.Errorf("Location = %q", resp.Header.Get("Location"))
				}
			}},
			{mode: []string{"retryafter", "7"}, status: 429, check: func(t *testing.T, resp *http.Response, _ string) {
				if resp.Header.Get("Retry-After") != "7" {
					t.Errorf("Retry-After = %q", resp.Header.Get("Retry-After"))
				}
			}},
			{mode: []string{"reset"}, wantErr: true},
			{mode: []string{"hang"}, wantErr: true},
		}
		for _, tt := range tests {
			t.Run(strings.Join(tt.mode, " "), func(t *testing.T) {
				s := New(t)
				if err := s.Set(tt.mode...); err != nil {
					t.Fatal(err)
				}
				// Short for the modes that must fail ("hang"); long enough for
				// "huge" (16 MiB) on a loaded machine.
				timeout := 30 * time.Second
				if tt.wantErr {
					timeout = 500 * time.Millisecond
				}
				ctx, cancel := context.WithTimeout(ctx, timeout)
				defer cancel()
				form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"s3cr3t"}}
				req, _ := http.NewRequestWithContext(ctx, "POST", s.URL, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				resp, err := client.Do(req)
				if tt.wantErr {
					if err == nil {
						resp.Body.Close()
						t.Fatalf("got %s; want a transport error", resp.Status)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != tt.status {
					t.Fatalf("status %d; want %d: %.200s", resp.StatusCode, tt.status, b)
				}
				tt.check(t, resp, string(b))
				if n := len(s.Requests()); n != 1 {
					t.Errorf("%d requests recorded; want 1", n)
				}
			})
		}
	})

	t.Run("retryafter then ok", func(t *testing.T) {
		s := New(t)
		s.Set("retryafter", "1")
		if _, err := fetch(s, oauth2.AuthStyleInParams, "cid", "s3cr3t"); err == nil {
			t.Fatal("first request succeeded; want 429")
		}
		if tok, err := fetch(s, oauth2.AuthStyleInParams, "cid", "s3cr3t"); err != nil || tok.AccessToken != "tok-1" {
			t.Fatalf("second request: %+v, %v", tok, err)
		}
	})

	t.Run("redirect is captured", func(t *testing.T) {
		s := New(t)
		s.Set("redirect")
		tok, err := fetch(s, oauth2.AuthStyleInHeader, "cid", "s3cr3t")
		t.Logf("the oauth2 client following a 302: token %v, err %v", tok != nil, err)
		c := s.Captured()
		if len(c) != 1 {
			t.Fatalf("%d captured requests; want 1", len(c))
		}
		// Go's client turns a 302 POST into a GET without the body and keeps
		// Authorization only for the same host: loopback is the same host.
		if !c[0].CarriesSecret("s3cr3t") {
			t.Log("the redirect did not carry the secret")
		}
	})

	t.Run("delay", func(t *testing.T) {
		s := New(t)
		s.Set("delay", "200ms")
		start := time.Now()
		if _, err := fetch(s, oauth2.AuthStyleInParams, "cid", "s3cr3t"); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 200*time.Millisecond {
			t.Fatalf("answered after %v; want at least 200ms", d)
		}
	})

	t.Run("bad modes", func(t *testing.T) {
		s := New(t)
		for _, args := range [][]string{{}, {"nosuch"}, {"status"}, {"status", "abc"}, {"delay", "soon"}, {"expires-in", "-1"}, {"client", "x"}} {
			if err := s.Set(args...); err == nil {
				t.Errorf("Set(%q) succeeded", args)
			}
		}
	})
}

func bodyHas(sub string) func(*testing.T, *http.Response, string) {
	return func(t *testing.T, _ *http.Response, body string) {
		if !strings.Contains(body, sub) {
			t.Errorf("body %.200q lacks %q", body, sub)
		}
	}
}

func bodyLacks(sub string) func(*testing.T, *http.Response, string) {
	return func(t *testing.T, _ *http.Response, body string) {
		if strings.Contains(body, sub) {
			t.Errorf("body %.200q has %q", body, sub)
		}
	}
}

// TestHooks checks what the Go tests use besides the modes: a handler of
// their own, any client, any path, TLS and the recorded request.
func TestHooks(t *testing.T) {
	ctx := context.Background()
	post := func(t *testing.T, c *http.Client, u string, form url.Values, basic bool) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, "POST", u, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if basic {
			req.SetBasicAuth(url.QueryEscape(form.Get("client_id")), url.QueryEscape("p@ss w:rd"))
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	form := func(id, secret string) url.Values {
		return url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
	}

	t.Run("respond", func(t *testing.T) {
		s := New(t)
		s.Respond(func(w http.ResponseWriter, r *http.Request, n int) {
			b, _ := io.ReadAll(r.Body) // recorded, and readable again
			if !strings.Contains(string(b), "grant_type") {
				t.Errorf("request %d: body %q", n, b)
			}
			if n == 1 {
				OAuthError(w, http.StatusBadRequest, "invalid_scope", "no")
				return
			}
			s.Issue(w, map[string]any{"expires_in": nil, "access_token": JWT(map[string]any{"aud": "x"})})
		})
		if resp, body := post(t, http.DefaultClient, s.URL, form("nobody", "x"), false); resp.StatusCode != 400 || !strings.Contains(body, "invalid_scope") {
			t.Fatalf("first answer %d %s", resp.StatusCode, body)
		}
		_, body := post(t, http.DefaultClient, s.URL, form("nobody", "x"), false)
		var tok map[string]any
		if err := json.Unmarshal([]byte(body), &tok); err != nil || tok["expires_in"] != nil || strings.Count(tok["access_token"].(string), ".") != 2 {
			t.Fatalf("second answer %s (%v)", body, err)
		}
		if got := s.Tokens(); len(got) != 1 || got[0] != tok["access_token"] || !s.IssuedToken(got[0]) || s.Issued() != 1 || s.Count() != 2 {
			t.Errorf("tokens %q, issued %d, count %d", got, s.Issued(), s.Count())
		}
		s.Respond(nil)
		if resp, _ := post(t, http.DefaultClient, s.URL, form("cid", "s3cr3t"), false); resp.StatusCode != 200 || s.Tokens()[1] != "tok-2" {
			t.Errorf("after Respond(nil): %d, tokens %q", resp.StatusCode, s.Tokens())
		}
	})

	t.Run("anyclient, any path, recorded", func(t *testing.T) {
		s := New(t)
		f := form("someone", "p@ss w:rd")
		f.Del("client_secret")
		f.Set("audience", "aud")
		if resp, _ := post(t, http.DefaultClient, s.Root+"/profile-a", f, true); resp.StatusCode != 401 {
			t.Fatalf("unknown client: %d", resp.StatusCode)
		}
		s.MustSet(t, "anyclient")
		if resp, body := post(t, http.DefaultClient, s.Root+"/profile-a", f, true); resp.StatusCode != 200 || !strings.Contains(body, "tok-1") {
			t.Fatalf("any client: %d %s", resp.StatusCode, body)
		}
		r := s.Last(t)
		id, secret, ok := r.Basic()
		if r.Path != "/profile-a" || r.Auth != "basic" || r.ClientID != "someone" || !ok || id != "someone" || secret != "p@ss w:rd" ||
			r.ContentType != "application/x-www-form-urlencoded" || !strings.HasPrefix(r.Authorization, "Basic ") || r.Form.Get("audience") != "aud" {
			t.Errorf("recorded %+v; Basic %q %q %v", r, id, secret, ok)
		}
		for name, want := range map[string]string{"path": "/profile-a", "auth": "basic", "audience": "aud", "form.grant_type": "client_credentials", "method": "POST"} {
			if got, ok := r.Field(name); !ok || got != want {
				t.Errorf("Field(%s) = %q, %v; want %q", name, got, ok, want)
			}
		}
		if _, ok := r.Field("nosuch"); ok {
			t.Error("Field(nosuch) is known")
		}
		s.ForgetRequests()
		if s.Count() != 0 || s.Issued() != 1 || len(s.Tokens()) != 1 || !s.IssuedToken("tok-1") {
			t.Errorf("after ForgetRequests: count %d, issued %d", s.Count(), s.Issued())
		}
	})

	t.Run("tls", func(t *testing.T) {
		s := New(t)
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(s.CAPEM) {
			t.Fatal("CAPEM holds no certificate")
		}
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		if resp, body := post(t, c, s.TLSURL, form("cid", "s3cr3t"), false); resp.StatusCode != 200 || !strings.Contains(body, "tok-1") {
			t.Fatalf("over TLS: %d %s", resp.StatusCode, body)
		}
		if _, err := http.Post(s.TLSURL, "application/x-www-form-urlencoded", nil); err == nil {
			t.Error("a client without the CA reached the TLS endpoint")
		}
	})

	t.Run("handler alone", func(t *testing.T) {
		s := NewHandler()
		if s.URL != "" || s.Set("redirect") == nil {
			t.Errorf("an unstarted server has URL %q or a redirect target", s.URL)
		}
		if err := s.Set("delay", "1h"); err != nil {
			t.Fatal(err)
		}
		s.Close() // releases the delay
		req, _ := http.NewRequest("POST", "/oauth/token", strings.NewReader(form("cid", "s3cr3t").Encode()))
		w := &recorder{header: http.Header{}}
		done := make(chan struct{})
		go func() { s.ServeHTTP(w, req); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Close did not release a delayed answer")
		}
	})
}

type recorder struct {
	header http.Header
	status int
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorder) WriteHeader(status int)      { r.status = status }

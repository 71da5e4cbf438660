package cli

// A fake OAuth2 token endpoint (RFC 6749 section 4.4, client credentials)
// for the end-to-end scripts and for any Go test that needs one:
//
//	s := newTokenServer(t)   // s.URL is http://127.0.0.1:PORT/oauth/token
//	s.Set("status", "503")   // the same modes as the scripts' "tokenserver" command
//	s.Requests()             // what the clients sent
//
// By default it accepts client "cid" with secret "s3cr3t", authenticated in
// the form body or with HTTP Basic (form-encoded first, RFC 6749 2.3.1), and
// answers {"access_token":"tok-N","token_type":"Bearer","expires_in":3600}
// where N counts the tokens issued so far (1, 2, ...).

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

const (
	testClientID     = "cid"
	testClientSecret = "s3cr3t"
	tokenPath        = "/oauth/token"
	hugeBodySize     = 16 << 20 // bytes of padding in "huge" mode
)

// tokenServerModes documents the mode language of Set (and of the scripts'
// "tokenserver" command).
const tokenServerModes = `tokenserver modes:
  ok [EXPIRES_IN]        normal answers again (token type Bearer; expires_in 3600 or EXPIRES_IN)
  expires-in N|none      expires_in to send, or none to leave it out
  tokentype VALUE        token_type to send (e.g. mac, bearer)
  issue VALUE            access_token to send instead of tok-N, with Go escapes (\r, \n, \t, \x00) decoded
  status CODE [BODY]     answer every request with CODE and BODY (default: a JSON error)
  html                   answer with an HTML 500 page, as a proxy or load balancer would
  badjson                200 with a truncated JSON body
  noaccesstoken          200 with JSON that has no access_token
  huge                   200 with a valid JSON body of more than 16 MiB
  hang                   never answer (until the client gives up)
  redirect [URL]         302 to URL (default: $CAPTURE_URL, a server that records what it gets)
  reset                  hijack the connection and reset it
  retryafter N           answer the next request with 429 and Retry-After: N, then normally
  secret VALUE           the secret accepted for client cid
  client ID SECRET       also accept client ID with SECRET
  delay DURATION         wait this long before answering (0 to stop)`

// tokenRequest is one request the token endpoint received.
type tokenRequest struct {
	Method    string
	GrantType string
	ClientID  string
	Auth      string // "post" (form), "basic" (header), "post+basic" (both) or "none"
	Audience  string
	Scope     string
	Resource  string
	Form      url.Values // the whole form, secrets included: never log it
}

// capturedRequest is one request the redirect target received.
type capturedRequest struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   string
}

type tokenServer struct {
	URL        string // the token endpoint, http://127.0.0.1:PORT/oauth/token
	TLSURL     string // the same endpoint over https, with a certificate of its own CA
	CAPEM      []byte // that CA's certificate, PEM-encoded
	CaptureURL string // the redirect target

	srv, tls, capture *httptest.Server
	stop              chan struct{} // closed at cleanup: releases "hang"

	mu           sync.Mutex
	clients      map[string]string // client ID → secret
	mode         string
	status       int
	body         string
	redirectTo   string
	expiresIn    int // < 0: leave it out
	tokenType    string
	issueAs      string // access_token to send instead of tok-N, when not ""
	delay        time.Duration
	retryAfter   string // pending 429 when not ""
	issued       int
	requests     []tokenRequest
	capturedReqs []capturedRequest
}

// newTokenServer starts a fake token endpoint (and its redirect target) on
// loopback; both stop when t ends.
func newTokenServer(t testing.TB) *tokenServer {
	s := &tokenServer{
		clients:   map[string]string{testClientID: testClientSecret},
		mode:      "ok",
		expiresIn: 3600,
		tokenType: "Bearer",
		stop:      make(chan struct{}),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveToken))
	s.tls = httptest.NewTLSServer(http.HandlerFunc(s.serveToken))
	s.capture = httptest.NewServer(http.HandlerFunc(s.serveCapture))
	s.URL = s.srv.URL + tokenPath
	s.TLSURL = s.tls.URL + tokenPath
	s.CAPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.tls.Certificate().Raw})
	s.CaptureURL = s.capture.URL + "/captured"
	t.Cleanup(func() {
		close(s.stop)
		s.srv.CloseClientConnections()
		s.srv.Close()
		s.tls.CloseClientConnections()
		s.tls.Close()
		s.capture.Close()
	})
	return s
}

// Set changes how the server answers; see tokenServerModes.
func (s *tokenServer) Set(args ...string) error {
	if len(args) == 0 {
		return errors.New("missing mode\n" + tokenServerModes)
	}
	mode, args := args[0], args[1:]
	nargs := func(min, max int) error {
		if len(args) < min || len(args) > max {
			return fmt.Errorf("wrong number of arguments for %q\n%s", mode, tokenServerModes)
		}
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch mode {
	case "ok":
		if err := nargs(0, 1); err != nil {
			return err
		}
		s.mode, s.tokenType, s.expiresIn, s.retryAfter, s.issueAs = "ok", "Bearer", 3600, "", ""
		if len(args) == 1 {
			n, err := strconv.Atoi(args[0])
			if err != nil {
				return fmt.Errorf("ok: bad expires_in %q", args[0])
			}
			s.expiresIn = n
		}
	case "expires-in":
		if err := nargs(1, 1); err != nil {
			return err
		}
		if args[0] == "none" {
			s.expiresIn = -1
			break
		}
		n, err := strconv.Atoi(args[0])
		if err != nil || n < 0 {
			return fmt.Errorf("expires-in: want a number of seconds or none, not %q", args[0])
		}
		s.expiresIn = n
	case "tokentype":
		if err := nargs(1, 1); err != nil {
			return err
		}
		s.tokenType = args[0]
	case "issue":
		if err := nargs(1, 1); err != nil {
			return err
		}
		v, err := strconv.Unquote(`"` + strings.ReplaceAll(args[0], `"`, `\"`) + `"`)
		if err != nil || v == "" {
			return fmt.Errorf("issue: bad token %q: %v", args[0], err)
		}
		s.issueAs = v
	case "status":
		if err := nargs(1, 2); err != nil {
			return err
		}
		code, err := strconv.Atoi(args[0])
		if err != nil || code < 100 || code > 599 {
			return fmt.Errorf("status: bad HTTP status %q", args[0])
		}
		s.mode, s.status = "status", code
		s.body = fmt.Sprintf(`{"error":"server_error","error_description":"fake server answers %d"}`, code)
		if len(args) == 2 {
			s.body = args[1]
		}
	case "html", "badjson", "noaccesstoken", "huge", "hang", "reset":
		if err := nargs(0, 0); err != nil {
			return err
		}
		s.mode = mode
	case "redirect":
		if err := nargs(0, 1); err != nil {
			return err
		}
		s.mode, s.redirectTo = "redirect", s.CaptureURL
		if len(args) == 1 {
			s.redirectTo = args[0]
		}
	case "retryafter":
		if err := nargs(1, 1); err != nil {
			return err
		}
		s.retryAfter = args[0]
	case "secret":
		if err := nargs(1, 1); err != nil {
			return err
		}
		s.clients[testClientID] = args[0]
	case "client":
		if err := nargs(2, 2); err != nil {
			return err
		}
		s.clients[args[0]] = args[1]
	case "delay":
		if err := nargs(1, 1); err != nil {
			return err
		}
		d, err := time.ParseDuration(args[0])
		if err != nil {
			return fmt.Errorf("delay: %v", err)
		}
		s.delay = d
	default:
		return fmt.Errorf("unknown mode %q\n%s", mode, tokenServerModes)
	}
	return nil
}

// Requests returns the requests received so far, oldest first.
func (s *tokenServer) Requests() []tokenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]tokenRequest(nil), s.requests...)
}

// Captured returns the requests the redirect target received.
func (s *tokenServer) Captured() []capturedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]capturedRequest(nil), s.capturedReqs...)
}

// Secrets returns every client secret the server accepts.
func (s *tokenServer) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, v := range s.clients {
		out = append(out, v)
	}
	return out
}

// field returns one field of a request by the names the scripts use.
func (r tokenRequest) field(name string) (string, bool) {
	switch name {
	case "method":
		return r.Method, true
	case "grant_type":
		return r.GrantType, true
	case "client_id":
		return r.ClientID, true
	case "auth":
		return r.Auth, true
	case "audience":
		return r.Audience, true
	case "scope":
		return r.Scope, true
	case "resource":
		return r.Resource, true
	}
	if key, ok := strings.CutPrefix(name, "form."); ok {
		return r.Form.Get(key), true
	}
	return "", false
}

// readTokenRequest parses the form and the client authentication. The
// secret is returned separately so that nothing else holds it by accident.
func readTokenRequest(w http.ResponseWriter, r *http.Request) (req tokenRequest, secret string, err error) {
	req.Method = r.Method
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	err = r.ParseForm()
	form := r.PostForm
	if form == nil {
		form = url.Values{}
	}
	req.Form = form
	req.GrantType, req.Audience = form.Get("grant_type"), form.Get("audience")
	req.Scope, req.Resource = form.Get("scope"), form.Get("resource")

	user, pass, basic := r.BasicAuth()
	_, post := form["client_secret"]
	switch {
	case basic && post:
		req.Auth = "post+basic"
	case basic:
		req.Auth = "basic"
	case post:
		req.Auth = "post"
	default:
		req.Auth = "none"
	}
	if basic {
		// RFC 6749 2.3.1: id and secret are form-encoded before Basic.
		id, err1 := url.QueryUnescape(user)
		sec, err2 := url.QueryUnescape(pass)
		if err1 != nil || err2 != nil {
			return req, "", errors.New("the Basic credentials are not form-encoded")
		}
		req.ClientID, secret = id, sec
	} else {
		req.ClientID, secret = form.Get("client_id"), form.Get("client_secret")
	}
	return req, secret, err
}

func (s *tokenServer) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != tokenPath {
		http.NotFound(w, r)
		return
	}
	req, secret, parseErr := readTokenRequest(w, r)

	s.mu.Lock()
	s.requests = append(s.requests, req)
	mode, status, body, redirectTo, delay := s.mode, s.status, s.body, s.redirectTo, s.delay
	retryAfter := s.retryAfter
	s.retryAfter = ""
	want, known := s.clients[req.ClientID]
	s.mu.Unlock()

	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		case <-s.stop:
			return
		}
	}

	switch mode {
	case "hang":
		select {
		case <-r.Context().Done():
		case <-s.stop:
		}
		return
	case "reset":
		resetConnection(w)
		return
	case "html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n"+
			"<body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>\n")
		return
	case "status":
		if strings.HasPrefix(strings.TrimSpace(body), "{") {
			w.Header().Set("Content-Type", "application/json")
		} else {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
		return
	case "redirect":
		http.Redirect(w, r, redirectTo, http.StatusFound)
		return
	}
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
		writeJSON(w, http.StatusTooManyRequests, map[string]string{
			"error": "too_many_requests", "error_description": "Rate limit exceeded, retry after " + retryAfter + " seconds"})
		return
	}

	switch {
	case r.Method != http.MethodPost:
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, oauthError("invalid_request", "The token endpoint accepts only POST"))
		return
	case parseErr != nil:
		writeJSON(w, http.StatusBadRequest, oauthError("invalid_request", parseErr.Error()))
		return
	case req.GrantType != "client_credentials":
		writeJSON(w, http.StatusBadRequest, oauthError("unsupported_grant_type", "Unsupported grant type: "+req.GrantType))
		return
	case req.Auth == "post+basic":
		writeJSON(w, http.StatusBadRequest, oauthError("invalid_request", "More than one client authentication method"))
		return
	case !known || secret != want || req.Auth == "none":
		if req.Auth == "basic" {
			w.Header().Set("WWW-Authenticate", `Basic realm="fake token server"`)
		}
		writeJSON(w, http.StatusUnauthorized, oauthError("invalid_client", "Invalid client credentials"))
		return
	}

	s.mu.Lock()
	s.issued++
	n, expiresIn, tokenType, issueAs := s.issued, s.expiresIn, s.tokenType, s.issueAs
	s.mu.Unlock()
	tok := map[string]any{"access_token": "tok-" + strconv.Itoa(n), "token_type": tokenType}
	if issueAs != "" {
		tok["access_token"] = issueAs
	}
	if expiresIn >= 0 {
		tok["expires_in"] = expiresIn
	}
	switch mode {
	case "badjson":
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"tok-`+strconv.Itoa(n)+`","token_type":"Bea`)
	case "noaccesstoken":
		delete(tok, "access_token")
		writeJSON(w, http.StatusOK, tok)
	case "huge":
		writeHuge(w, tok)
	default:
		writeJSON(w, http.StatusOK, tok)
	}
}

func oauthError(code, description string) map[string]string {
	return map[string]string{"error": code, "error_description": description}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeHuge sends a valid token response padded past hugeBodySize.
func writeHuge(w http.ResponseWriter, tok map[string]any) {
	head, _ := json.Marshal(tok)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(append(head[:len(head)-1], `,"padding":"`...)); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	for range hugeBodySize / len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return // the client stopped reading
		}
	}
	io.WriteString(w, `"}`)
}

// resetConnection drops the connection without an answer, with a TCP RST
// where it can.
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	conn.Close()
}

// serveCapture is the redirect target: it records everything and hands out
// a token named "redirected", so a client that follows the redirect shows.
func (s *tokenServer) serveCapture(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	s.capturedReqs = append(s.capturedReqs, capturedRequest{
		Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(body),
	})
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": "redirected", "token_type": "Bearer", "expires_in": 3600})
}

// carriesSecret reports whether a captured request contains secret anywhere
// a client could have put it: body, query, headers, Basic credentials.
func (c capturedRequest) carriesSecret(secret string) bool {
	forms := []string{secret, url.QueryEscape(secret)}
	hay := []string{c.Body, c.RawQuery}
	for _, vs := range c.Header {
		hay = append(hay, vs...)
	}
	if user, pass, ok := (&http.Request{Header: c.Header}).BasicAuth(); ok {
		hay = append(hay, user, pass)
	}
	for _, h := range hay {
		for _, f := range forms {
			if strings.Contains(h, f) {
				return true
			}
		}
	}
	return false
}

// TestTokenServer checks the fake itself, with the real oauth2 client.
func TestTokenServer(t *testing.T) {
	ctx := context.Background()
	fetch := func(s *tokenServer, style oauth2.AuthStyle, id, secret string) (*oauth2.Token, error) {
		c := clientcredentials.Config{
			ClientID: id, ClientSecret: secret, TokenURL: s.URL, AuthStyle: style,
			EndpointParams: url.Values{"audience": {"api.cloud.camunda.io"}},
			Scopes:         []string{"a", "b"},
		}
		return c.Token(ctx)
	}

	t.Run("post and basic", func(t *testing.T) {
		s := newTokenServer(t)
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
		want := []tokenRequest{
			{Method: "POST", GrantType: "client_credentials", ClientID: "cid", Auth: "post", Audience: "api.cloud.camunda.io", Scope: "a b"},
			{Method: "POST", GrantType: "client_credentials", ClientID: "c:id", Auth: "basic", Audience: "api.cloud.camunda.io", Scope: "a b"},
		}
		for i, w := range want {
			got := reqs[i]
			got.Form = nil
			if !reflect.DeepEqual(got, w) {
				t.Errorf("request %d = %+v; want %+v", i+1, got, w)
			}
		}
	})

	t.Run("wrong secret", func(t *testing.T) {
		s := newTokenServer(t)
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
				if len(b) < hugeBodySize || !json.Valid([]byte(b)) {
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
				s := newTokenServer(t)
				if err := s.Set(tt.mode...); err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
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
		s := newTokenServer(t)
		s.Set("retryafter", "1")
		if _, err := fetch(s, oauth2.AuthStyleInParams, "cid", "s3cr3t"); err == nil {
			t.Fatal("first request succeeded; want 429")
		}
		if tok, err := fetch(s, oauth2.AuthStyleInParams, "cid", "s3cr3t"); err != nil || tok.AccessToken != "tok-1" {
			t.Fatalf("second request: %+v, %v", tok, err)
		}
	})

	t.Run("redirect is captured", func(t *testing.T) {
		s := newTokenServer(t)
		s.Set("redirect")
		tok, err := fetch(s, oauth2.AuthStyleInHeader, "cid", "s3cr3t")
		t.Logf("the oauth2 client following a 302: token %v, err %v", tok != nil, err)
		c := s.Captured()
		if len(c) != 1 {
			t.Fatalf("%d captured requests; want 1", len(c))
		}
		// Go's client turns a 302 POST into a GET without the body and keeps
		// Authorization only for the same host: loopback is the same host.
		if !c[0].carriesSecret("s3cr3t") {
			t.Log("the redirect did not carry the secret")
		}
	})

	t.Run("delay", func(t *testing.T) {
		s := newTokenServer(t)
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
		s := newTokenServer(t)
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

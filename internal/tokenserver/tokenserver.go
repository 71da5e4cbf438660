// Package tokenserver is the one fake OAuth 2.0 token endpoint (RFC 6749
// section 4.4, client credentials) of the tests: the helper's, the agent's
// and the command line's, and the end-to-end scripts' "tokenserver" command.
// It is used only by tests and by testdata/bench/tokenserver.
//
//	s := tokenserver.New(t)  // s.URL is http://127.0.0.1:PORT/oauth/token
//	s.Set("status", "503")   // the mode language of Modes
//	s.Requests()             // what the clients sent
//	s.Respond(f)             // or answer with a handler of the test's own
//
// By default it accepts client "cid" with secret "s3cr3t" (ClientID,
// ClientSecret), authenticated in the form body or with HTTP Basic
// (form-encoded first, RFC 6749 2.3.1), and answers
// {"access_token":"tok-N","token_type":"Bearer","expires_in":3600} where N
// counts the tokens issued so far (1, 2, ...). It answers on every path, so
// a test may give each profile a token URL of its own under Root.
//
// Each server has a twin over TLS (TLSURL, with a certificate of its own CA,
// CAPEM) and a redirect target that records what reaches it (CaptureURL).
package tokenserver

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	ClientID     = "cid"    // the client the server accepts by default
	ClientSecret = "s3cr3t" // its secret
	Path         = "/oauth/token"
	HugeBodySize = 16 << 20 // bytes of padding in "huge" mode
	maxBody      = 1 << 20  // bytes of a request body the server reads
)

// Modes documents the mode language of Set (and of the scripts'
// "tokenserver" command).
const Modes = `tokenserver modes:
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
  anyclient              accept every client ID and secret (one authentication method still)
  delay DURATION         wait this long before answering (0 to stop)`

// TB is the part of testing.TB the server needs.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// Request is one request the token endpoint received.
type Request struct {
	Method        string
	Path          string
	ContentType   string
	Authorization string // the Authorization header, as sent
	Body          string // the raw body (at most 1 MiB), secrets included: never log it
	Form          url.Values

	GrantType string
	ClientID  string // from Basic credentials if any, else from the form
	Auth      string // "post" (form), "basic" (header), "post+basic" (both) or "none"
	Audience  string
	Scope     string
	Resource  string
}

// Basic decodes the HTTP Basic credentials as RFC 6749 2.3.1 requires:
// base64, then form decoding of the id and the secret.
func (r Request) Basic() (id, secret string, ok bool) {
	req := &http.Request{Header: http.Header{"Authorization": {r.Authorization}}}
	u, p, ok := req.BasicAuth()
	if !ok {
		return "", "", false
	}
	id, err1 := url.QueryUnescape(u)
	secret, err2 := url.QueryUnescape(p)
	return id, secret, err1 == nil && err2 == nil
}

// Field returns one field of a request by the names the scripts use:
// method, path, grant_type, client_id, auth, audience, scope, resource,
// form.NAME.
func (r Request) Field(name string) (string, bool) {
	switch name {
	case "method":
		return r.Method, true
	case "path":
		return r.Path, true
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

// Captured is one request the redirect target received.
type Captured struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   string
}

// CarriesSecret reports whether a captured request contains secret anywhere
// a client could have put it: body, query, headers, Basic credentials.
func (c Captured) CarriesSecret(secret string) bool {
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

// RespondFunc answers request n (from 1) in place of the modes; the
// request is already recorded and its body can be read again.
type RespondFunc func(w http.ResponseWriter, r *http.Request, n int)

// Server is the fake token endpoint. Its ServeHTTP serves the endpoint
// alone, for a program that mounts it on a mux of its own.
type Server struct {
	URL        string // the token endpoint, http://127.0.0.1:PORT/oauth/token
	Root       string // http://127.0.0.1:PORT: the endpoint answers under any path
	TLSURL     string // the same endpoint over https, with a certificate of its own CA
	TLSRoot    string // https://127.0.0.1:PORT
	CAPEM      []byte // that CA's certificate, PEM-encoded
	CaptureURL string // the redirect target

	srv, tls, capture *httptest.Server
	stop              chan struct{} // closed by Close: releases "hang" and "delay"
	closeOnce         sync.Once

	mu           sync.Mutex
	clients      map[string]string // client ID → secret
	anyClient    bool
	respond      RespondFunc
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
	tokens       []string // the access tokens sent
	requests     []Request
	capturedReqs []Captured
}

// NewHandler returns the endpoint without starting any listener (its URLs
// are empty): for a program that serves it itself.
func NewHandler() *Server {
	return &Server{
		clients:   map[string]string{ClientID: ClientSecret},
		mode:      "ok",
		expiresIn: 3600,
		tokenType: "Bearer",
		stop:      make(chan struct{}),
	}
}

// New starts the endpoint on loopback over http and https, and its redirect
// target; all stop when tb ends.
func New(tb TB) *Server {
	tb.Helper()
	s := NewHandler()
	s.srv = httptest.NewServer(s)
	s.tls = httptest.NewUnstartedServer(s)
	s.tls.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshakes a test fails on purpose
	s.tls.StartTLS()
	s.capture = httptest.NewServer(http.HandlerFunc(s.serveCapture))
	s.Root, s.TLSRoot = s.srv.URL, s.tls.URL
	s.URL, s.TLSURL = s.Root+Path, s.TLSRoot+Path
	s.CAPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.tls.Certificate().Raw})
	s.CaptureURL = s.capture.URL + "/captured"
	s.redirectTo = s.CaptureURL
	tb.Cleanup(s.Close)
	return s
}

// Close releases hanging and delayed answers and stops the listeners.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.stop)
		for _, h := range []*httptest.Server{s.srv, s.tls, s.capture} {
			if h != nil {
				h.CloseClientConnections()
				h.Close()
			}
		}
	})
}

// Set changes how the server answers; see Modes.
func (s *Server) Set(args ...string) error {
	if len(args) == 0 {
		return errors.New("missing mode\n" + Modes)
	}
	mode, args := args[0], args[1:]
	nargs := func(min, max int) error {
		if len(args) < min || len(args) > max {
			return fmt.Errorf("wrong number of arguments for %q\n%s", mode, Modes)
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
		if s.redirectTo == "" {
			return errors.New("redirect: no URL and no redirect target")
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
		s.clients[ClientID] = args[0]
	case "client":
		if err := nargs(2, 2); err != nil {
			return err
		}
		s.clients[args[0]] = args[1]
	case "anyclient":
		if err := nargs(0, 0); err != nil {
			return err
		}
		s.anyClient = true
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
		return fmt.Errorf("unknown mode %q\n%s", mode, Modes)
	}
	return nil
}

// MustSet is Set for modes a test knows to be right.
func (s *Server) MustSet(tb TB, args ...string) {
	tb.Helper()
	if err := s.Set(args...); err != nil {
		tb.Fatalf("tokenserver: %v", err)
	}
}

// Respond answers later requests with f instead of the modes (nil: the
// modes again).
func (s *Server) Respond(f RespondFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.respond = f
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Count is the number of requests received so far.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// Last returns the last request received; it fails the test if there was
// none.
func (s *Server) Last(tb TB) Request {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.requests) == 0 {
		tb.Fatalf("the token server received no request")
		return Request{}
	}
	return s.requests[len(s.requests)-1]
}

// ForgetRequests drops the requests recorded so far (Count starts again
// from 0); the tokens issued stay valid.
func (s *Server) ForgetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// Issued is the number of token answers so far: tok-1 to tok-N.
func (s *Server) Issued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}

// Tokens lists the access tokens sent so far, oldest first.
func (s *Server) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokens...)
}

// IssuedToken reports whether tok is an access token the server sent.
func (s *Server) IssuedToken(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		if t == tok {
			return true
		}
	}
	return false
}

// Captured returns the requests the redirect target received.
func (s *Server) Captured() []Captured {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Captured(nil), s.capturedReqs...)
}

// Secrets returns every client secret the server accepts by name.
func (s *Server) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, v := range s.clients {
		out = append(out, v)
	}
	return out
}

// readRequest records the request and parses the client authentication.
// The secret is returned separately so that nothing else holds it by
// accident (but Body and Form do: never log them).
func readRequest(r *http.Request) (req Request, secret string, err error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err == nil && len(body) > maxBody {
		err = errors.New("http: request body too large")
		body = body[:maxBody]
	}
	r.Body = io.NopCloser(bytes.NewReader(body)) // a RespondFunc may read it again
	req = Request{
		Method: r.Method, Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"),
		Authorization: r.Header.Get("Authorization"), Body: string(body),
	}
	form, perr := url.ParseQuery(string(body))
	if err == nil {
		err = perr
	}
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

// ServeHTTP is the token endpoint, on every path.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req, secret, parseErr := readRequest(r)

	s.mu.Lock()
	s.requests = append(s.requests, req)
	n := len(s.requests)
	respond := s.respond
	mode, status, body, redirectTo, delay := s.mode, s.status, s.body, s.redirectTo, s.delay
	retryAfter := s.retryAfter
	if respond == nil {
		s.retryAfter = ""
	}
	want, known := s.clients[req.ClientID]
	if s.anyClient {
		want, known = secret, true
	}
	s.mu.Unlock()

	if respond != nil {
		respond(w, r, n)
		return
	}
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
		ResetConnection(w)
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
		OAuthError(w, http.StatusTooManyRequests, "too_many_requests", "Rate limit exceeded, retry after "+retryAfter+" seconds")
		return
	}

	switch {
	case r.Method != http.MethodPost:
		w.Header().Set("Allow", http.MethodPost)
		OAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "The token endpoint accepts only POST")
		return
	case parseErr != nil:
		OAuthError(w, http.StatusBadRequest, "invalid_request", parseErr.Error())
		return
	case req.GrantType != "client_credentials":
		OAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type: "+req.GrantType)
		return
	case req.Auth == "post+basic":
		OAuthError(w, http.StatusBadRequest, "invalid_request", "More than one client authentication method")
		return
	case !known || secret != want || req.Auth == "none":
		if req.Auth == "basic" {
			w.Header().Set("WWW-Authenticate", `Basic realm="fake token server"`)
		}
		OAuthError(w, http.StatusUnauthorized, "invalid_client", "Invalid client credentials")
		return
	}

	tok := s.token(nil)
	switch mode {
	case "badjson":
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"`+tok["access_token"].(string)+`","token_type":"Bea`)
	case "noaccesstoken":
		delete(tok, "access_token")
		s.send(w, tok)
	case "huge":
		s.record(tok)
		writeHuge(w, tok)
	default:
		s.send(w, tok)
	}
}

// token counts one more token and returns the answer the modes make of
// it, with fields on top (a nil value removes a field).
func (s *Server) token(fields map[string]any) map[string]any {
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
	for k, v := range fields {
		if v == nil {
			delete(tok, k)
		} else {
			tok[k] = v
		}
	}
	return tok
}

// record notes the access token of an answer as sent.
func (s *Server) record(tok map[string]any) string {
	at, _ := tok["access_token"].(string)
	if at != "" {
		s.mu.Lock()
		s.tokens = append(s.tokens, at)
		s.mu.Unlock()
	}
	return at
}

func (s *Server) send(w http.ResponseWriter, tok map[string]any) string {
	at := s.record(tok)
	WriteJSON(w, http.StatusOK, tok)
	return at
}

// Issue answers, from a RespondFunc, with the next token as the modes would
// make it (tok-N, Bearer, expires_in 3600 by default); fields override
// those (a nil value removes a field). It returns the access token sent.
func (s *Server) Issue(w http.ResponseWriter, fields map[string]any) string {
	return s.send(w, s.token(fields))
}

// OAuthError answers with an RFC 6749 section 5.2 error response.
func OAuthError(w http.ResponseWriter, status int, code, description string) {
	WriteJSON(w, status, map[string]string{"error": code, "error_description": description})
}

// WriteJSON answers with status and v as JSON, not to be cached.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// JWT returns an unsigned JWT carrying claims (the helper never checks
// signatures), to hand out as an access token.
func JWT(claims map[string]any) string {
	b, err := json.Marshal(claims)
	if err != nil {
		panic(fmt.Sprintf("tokenserver.JWT: %v", err))
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none"}`)) + "." + enc(b) + ".sig"
}

// writeHuge sends a valid token response padded past HugeBodySize.
func writeHuge(w http.ResponseWriter, tok map[string]any) {
	head, _ := json.Marshal(tok)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(append(head[:len(head)-1], `,"padding":"`...)); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	for range HugeBodySize / len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return // the client stopped reading
		}
	}
	io.WriteString(w, `"}`)
}

// ResetConnection drops the connection without an answer, with a TCP RST
// where it can.
func ResetConnection(w http.ResponseWriter) {
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
func (s *Server) serveCapture(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	s.mu.Lock()
	s.capturedReqs = append(s.capturedReqs, Captured{
		Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(body),
	})
	s.mu.Unlock()
	WriteJSON(w, http.StatusOK, map[string]any{"access_token": "redirected", "token_type": "Bearer", "expires_in": 3600})
}

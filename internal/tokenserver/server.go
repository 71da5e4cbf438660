package tokenserver

import (
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// TB is the part of testing.TB the server needs.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
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
	clients      map[string]string            // client ID → secret
	certs        map[string]*x509.Certificate // client ID → certificate, for private_key_jwt
	jtis         map[string]time.Time         // assertion IDs seen
	discoMode    string                       // "" or "html"
	discoIssuer  string                       // issuer to claim; "" means Root
	discoMethods []string                     // token_endpoint_auth_methods_supported
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
		clients:      map[string]string{ClientID: ClientSecret},
		certs:        map[string]*x509.Certificate{},
		jtis:         map[string]time.Time{},
		discoMethods: defaultMethods(),
		mode:         "ok",
		expiresIn:    3600,
		tokenType:    "Bearer",
		stop:         make(chan struct{}),
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

package tokenserver

import (
	"crypto/x509"
	"io"
	"net/http"
	"strings"
	"time"
)

// state is what one request sees of the server's settings, copied under
// the lock so that the answer does not hold it (a "hang" would block Set).
type state struct {
	n           int // the request's number, from 1
	respond     RespondFunc
	mode, body  string
	status      int
	redirectTo  string
	delay       time.Duration
	retryAfter  string
	wantSecret  string
	knownClient bool
	cert        *x509.Certificate // registered for private_key_jwt
}

// ServeHTTP is the token endpoint, on every path.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Path == WellKnown {
		s.serveDiscovery(w, r)
		return
	}
	req, secret, parseErr := readRequest(r)
	st := s.begin(req, secret)
	if st.respond != nil {
		st.respond(w, r, st.n)
		return
	}
	if !s.wait(r, st.delay) || s.answerByMode(w, r, st) {
		return
	}
	if st.retryAfter != "" {
		w.Header().Set("Retry-After", st.retryAfter)
		OAuthError(w, http.StatusTooManyRequests, "too_many_requests", "Rate limit exceeded, retry after "+st.retryAfter+" seconds")
		return
	}
	if req.Auth == "private_key_jwt" && parseErr == nil && r.Method == http.MethodPost && req.GrantType == "client_credentials" {
		if err := s.checkAssertion(r, req, st.cert); err != nil {
			OAuthError(w, http.StatusUnauthorized, "invalid_client", err.Error())
			return
		}
		s.issueByMode(w, st.mode)
		return
	}
	if refuse(w, r, req, secret, parseErr, st) {
		return
	}
	s.issueByMode(w, st.mode)
}

// begin records the request and takes its state; a pending "retryafter"
// is used up here, unless a RespondFunc answers instead of the modes.
func (s *Server) begin(req Request, secret string) state {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	st := state{
		n: len(s.requests), respond: s.respond,
		mode: s.mode, status: s.status, body: s.body, redirectTo: s.redirectTo,
		delay: s.delay, retryAfter: s.retryAfter,
	}
	if st.respond == nil {
		s.retryAfter = ""
	}
	st.wantSecret, st.knownClient = s.clients[req.ClientID]
	st.cert = s.certs[req.ClientID]
	if s.anyClient {
		st.wantSecret, st.knownClient = secret, true
	}
	return st
}

// wait sleeps for the "delay" mode; false means the client gave up or the
// server closed, and nothing is to be answered.
func (s *Server) wait(r *http.Request, delay time.Duration) bool {
	if delay <= 0 {
		return true
	}
	select {
	case <-time.After(delay):
		return true
	case <-r.Context().Done():
		return false
	case <-s.stop:
		return false
	}
}

// answerByMode answers for the modes that ignore the request (hang, reset,
// html, status, redirect) and reports whether it did.
func (s *Server) answerByMode(w http.ResponseWriter, r *http.Request, st state) bool {
	switch st.mode {
	case "hang":
		select {
		case <-r.Context().Done():
		case <-s.stop:
		}
	case "reset":
		ResetConnection(w)
	case "html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n"+
			"<body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>\n")
	case "status":
		if strings.HasPrefix(strings.TrimSpace(st.body), "{") {
			w.Header().Set("Content-Type", "application/json")
		} else {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		}
		w.WriteHeader(st.status)
		io.WriteString(w, st.body)
	case "redirect":
		http.Redirect(w, r, st.redirectTo, http.StatusFound)
	default:
		return false
	}
	return true
}

// refuse answers with the RFC 6749 error a real endpoint would give a bad
// request, and reports whether it did.
func refuse(w http.ResponseWriter, r *http.Request, req Request, secret string, parseErr error, st state) bool {
	switch {
	case r.Method != http.MethodPost:
		w.Header().Set("Allow", http.MethodPost)
		OAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "The token endpoint accepts only POST")
	case parseErr != nil:
		OAuthError(w, http.StatusBadRequest, "invalid_request", parseErr.Error())
	case req.GrantType != "client_credentials":
		OAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type: "+req.GrantType)
	case req.Auth == "post+basic":
		OAuthError(w, http.StatusBadRequest, "invalid_request", "More than one client authentication method")
	case !st.knownClient || secret != st.wantSecret || req.Auth == "none":
		// RFC 6749 5.2: a 401 to Basic credentials names the scheme.
		if req.Auth == "basic" {
			w.Header().Set("WWW-Authenticate", `Basic realm="fake token server"`)
		}
		OAuthError(w, http.StatusUnauthorized, "invalid_client", "Invalid client credentials")
	default:
		return false
	}
	return true
}

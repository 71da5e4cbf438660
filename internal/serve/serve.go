// Package serve is a loopback OAuth 2.0 token endpoint for Camunda's SDKs:
// a worker run under `exec --serve` (or pointed at `serve`) does the
// client-credentials grant against it with a per-run client ID and secret,
// and gets the profile's current token from the one token path, so it
// refreshes for as long as it runs without ever seeing the client secret.
//
// Contract (POST Path, application/x-www-form-urlencoded):
//
//	grant_type=client_credentials, with the per-run client_id and
//	client_secret in the form (as Camunda's clients send them) or as HTTP
//	Basic (as other OAuth libraries do), compared in constant time.
//	audience and scope are ignored: the profile's token is served.
//	200  {"access_token":"<the token, unchanged>","token_type":"Bearer","expires_in":<seconds it has left>}
//	400  {"error":"invalid_request"} (unreadable form) or "unsupported_grant_type"
//	401  {"error":"invalid_client"}
//	503  {"error":"temporarily_unavailable","error_description":"<why>"} when
//	     no token can be had (keychain locked, identity provider down); the
//	     reason is also printed on the helper's stderr
//	404 for another path, 405 for another method, 413 for a body over
//	64 KiB. Nothing is logged but failures to get a token; never a token.
package serve

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

// Path is where the endpoint answers.
const Path = "/oauth/token"

// maxBody bounds a token request; Camunda's clients send a few hundred bytes.
const maxBody = 64 << 10

// Endpoint answers token requests from clients holding ClientID and Secret.
type Endpoint struct {
	Source   credential.Source
	ClientID string
	Secret   string           // the per-run secret: NewSecret
	Log      io.Writer        // where failures to get a token are told
	Now      func() time.Time // nil means time.Now

	guard *guard // Start's listener
}

// NewSecret is a per-run client secret: 32 random bytes, base64url.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// ServeHTTP implements http.Handler.
func (e *Endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != Path {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		status := http.StatusBadRequest
		if _, ok := err.(*http.MaxBytesError); ok {
			status = http.StatusRequestEntityTooLarge
		}
		oauthError(w, status, "invalid_request", "the request body is not a form of at most 64 KiB")
		return
	}
	if !e.authorized(r) {
		trace.Printf(r.Context(), "serve", "refused a token request from %s: not the per-run client ID and secret", r.RemoteAddr)
		w.Header().Set("WWW-Authenticate", `Basic realm="`+tools.Name+`"`)
		oauthError(w, http.StatusUnauthorized, "invalid_client", "")
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "only client_credentials")
		return
	}
	trace.Printf(r.Context(), "serve", "a client at %s asks for a token", r.RemoteAddr)
	e.token(w, r.Context())
}

// authorized checks the per-run credentials, from the form or HTTP Basic.
func (e *Endpoint) authorized(r *http.Request) bool {
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = formDecode(u), formDecode(p) // RFC 6749 2.3.1 form-encodes them
	}
	idOK := subtle.ConstantTimeCompare([]byte(id), []byte(e.ClientID))
	secretOK := subtle.ConstantTimeCompare([]byte(secret), []byte(e.Secret))
	return idOK&secretOK == 1 && e.Secret != ""
}

func formDecode(s string) string {
	if v, err := url.QueryUnescape(s); err == nil {
		return v
	}
	return s
}

// token answers with the profile's current token, unchanged: Camunda's JS
// SDK decodes its exp. expires_in is the time the helper still serves it,
// so clients that refresh early come back in time for the next one.
func (e *Endpoint) token(w http.ResponseWriter, ctx context.Context) {
	tok, err := e.Source.Token(ctx, credential.Request{})
	if err != nil {
		msg := strings.ReplaceAll(protocol.Explain(err), "\n", " ")
		if e.Log != nil {
			fmt.Fprintf(e.Log, "%s: serve: no token for a client: %s\n", tools.Name, msg)
		}
		oauthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", msg)
		return
	}
	now := time.Now
	if e.Now != nil {
		now = e.Now
	}
	v := struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
	}{tok.AccessToken, "Bearer", max(0, int64(tok.RefreshAt.Sub(now())/time.Second))} // a client asks again when the helper would fetch another
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	v := map[string]string{"error": code}
	if desc != "" {
		v["error_description"] = desc
	}
	_ = json.NewEncoder(w).Encode(v)
}

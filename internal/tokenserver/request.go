package tokenserver

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
)

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
	Auth      string // "post" (form), "basic" (header), "private_key_jwt" (client_assertion), "post+basic" (two of them) or "none"
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
	if key, ok := strings.CutPrefix(name, "assertion."); ok {
		return r.assertionField(key)
	}
	return "", false
}

// readRequest records the request and parses the client authentication.
// The secret is returned separately so that nothing else holds it by
// accident (but Body and Form do: never log them).
func readRequest(r *http.Request) (req Request, secret string, err error) {
	body, err := readBody(r)
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
	secret, authErr := clientAuth(r, &req)
	if authErr != nil {
		return req, "", authErr
	}
	return req, secret, err
}

// readBody reads at most maxBody bytes and puts them back in r.Body, so
// that a RespondFunc may read the body again.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err == nil && len(body) > maxBody {
		err = errors.New("http: request body too large")
		body = body[:maxBody]
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, err
}

// clientAuth sets req.Auth and req.ClientID from the Basic credentials or
// the form (Basic wins, as the endpoint then refuses both anyway) and
// returns the client secret.
func clientAuth(r *http.Request, req *Request) (secret string, err error) {
	user, pass, basic := r.BasicAuth()
	_, post := req.Form["client_secret"]
	_, jwt := req.Form["client_assertion"]
	switch {
	case jwt && (basic || post):
		req.Auth = "post+basic"
	case jwt:
		req.Auth = "private_key_jwt"
	case basic && post:
		req.Auth = "post+basic"
	case basic:
		req.Auth = "basic"
	case post:
		req.Auth = "post"
	default:
		req.Auth = "none"
	}
	if !basic {
		req.ClientID = req.Form.Get("client_id")
		return req.Form.Get("client_secret"), nil
	}
	// RFC 6749 2.3.1: id and secret are form-encoded before Basic.
	id, err1 := url.QueryUnescape(user)
	sec, err2 := url.QueryUnescape(pass)
	if err1 != nil || err2 != nil {
		return "", errors.New("the Basic credentials are not form-encoded")
	}
	req.ClientID = id
	return sec, nil
}

package agentwire

import (
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// The token request and its answer on the wire, to and from the types of
// the token path: the agent's client and the fast client send one, the
// agent answers it.

// SetRequest puts req on r (an OpToken request).
func (r *Request) SetRequest(req credential.Request) {
	r.Profile, r.Default, r.Resource = req.Profile, req.Default, req.Resource
	r.MinTTL, r.ForceRefresh = req.MinTTL, req.ForceRefresh
}

// TokenRequest is the credential.Request that r carries.
func (r *Request) TokenRequest() credential.Request {
	return credential.Request{Profile: r.Profile, Default: r.Default, Resource: r.Resource,
		MinTTL: r.MinTTL, ForceRefresh: r.ForceRefresh}
}

// Answer is the reply to a token request: the token, or the failure with
// its kind, message and hint, as the direct path would report it.
func Answer(tok credential.Token, err error) *Reply {
	if err != nil {
		e := credential.Classify(err)
		return &Reply{Err: &Error{Kind: int(e.Kind), Msg: e.Msg, Hint: e.Hint, Missing: int(e.Missing), Profile: e.Profile, Host: e.Host}}
	}
	return &Reply{AccessToken: tok.AccessToken, Expiry: tok.Expiry, RefreshAt: tok.RefreshAt, Profile: tok.Profile, Username: tok.Username}
}

// Result is what a reply to a token request says: the token, or the
// failure as a *credential.Error. (An Unserved reply is the caller's to
// check first.)
func (r *Reply) Result() (credential.Token, error) {
	if r.Err != nil {
		return credential.Token{}, &credential.Error{Kind: credential.Kind(r.Err.Kind), Msg: r.Err.Msg, Hint: r.Err.Hint,
			Missing: credential.Missing(r.Err.Missing), Profile: r.Err.Profile, Host: r.Err.Host}
	}
	return credential.Token{AccessToken: r.AccessToken, Expiry: r.Expiry, RefreshAt: r.RefreshAt, Profile: r.Profile, Username: r.Username}, nil
}

package helper

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/clientauth"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// authenticate puts a fresh client assertion into cfg when c authenticates
// with a key (private_key_jwt), and returns it so that it can be cut out of
// what the server answers. One assertion serves one attempt: servers
// remember each jti and refuse it a second time, retries included. The
// form then carries client_id and the assertion, never a client_secret.
func (c creds) authenticate(cfg *clientcredentials.Config) (string, error) {
	if c.Key == nil {
		return "", nil
	}
	a, err := c.Key.Assertion(c.ClientID, c.TokenURL, time.Now()) // the server checks it against its clock, not the helper's
	if err != nil {
		return "", credential.Errorf(credential.KindUsage, "cannot sign the client assertion: %v", err)
	}
	params := url.Values{}
	for k, v := range cfg.EndpointParams {
		params[k] = v
	}
	params.Set("client_assertion_type", clientauth.AssertionType)
	params.Set("client_assertion", a)
	cfg.EndpointParams = params
	cfg.ClientSecret = ""
	cfg.AuthStyle = oauth2.AuthStyleInParams
	return a, nil
}

// withSent is c with the assertion an attempt sent, and its signature on
// its own, added to what is cut out of the server's answer (redactAll).
func (c creds) withSent(assertion string) creds {
	if assertion != "" {
		c.sent = []string{assertion, assertion[strings.LastIndexByte(assertion, '.')+1:]}
	}
	return c
}

// keyHint points a key profile's rejection at what a key login can get
// wrong, in place of the secret's hint.
func (c creds) keyHint(err error) {
	var e *credential.Error
	if c.Key == nil || !errors.As(err, &e) || e.Kind != credential.KindRejected {
		return
	}
	e.Hint = fmt.Sprintf("Check the client ID, that the provider has this key registered (the public-key command prints it; kid %s, %s), the audience and scope.",
		c.Key.KeyID(), c.Key.Algorithm())
}

package helper

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
)

// storedSecret is what the keychain holds for a profile (the account is the
// profile's name): the client secret together with the token URL and client
// ID it was stored for at login. The config file is plain text that other
// programs can edit; binding the secret to the endpoint it was meant for
// means an edited token_url or client_id cannot make us send the secret
// somewhere else. keystore stays a plain string store; this file alone knows
// the format.
//
// The auth method, audience and scope are left out: they change how and
// for what the secret is presented to the same endpoint, not where it goes.
type storedSecret struct {
	V        int    `json:"v"`
	TokenURL string `json:"token_url"`
	ClientID string `json:"client_id"`
	Secret   string `json:"secret"`
}

const storedSecretVersion = 1

// encodeSecret is the keychain value for c's secret, bound to c's token URL
// and client ID.
func encodeSecret(c creds) string {
	b, _ := json.Marshal(storedSecret{V: storedSecretVersion, TokenURL: c.TokenURL, ClientID: c.ClientID, Secret: c.Secret})
	return string(b)
}

// openSecret returns the client secret in the keychain value v, provided it
// was stored for c's token URL and client ID; otherwise an error of
// KindNotLoggedIn, and the secret must not be used.
//
// A value that is not an envelope is a plain secret written by a version
// before binding existed. It is refused as well: binding it now to whatever
// the config file says on first use would trust exactly the file an attacker
// may have edited, so the user logs in once more instead.
func openSecret(c creds, v string) (string, error) {
	relogin := func(msg string) error {
		return &credential.Error{Kind: credential.KindNotLoggedIn, Msg: msg,
			Hint: fmt.Sprintf("If the profile's settings are right, log in again: %s --profile %s login", tools.Name, c.Profile)}
	}
	var s storedSecret
	if !strings.HasPrefix(v, "{") || json.Unmarshal([]byte(v), &s) != nil || s.V == 0 || s.Secret == "" {
		return "", relogin(fmt.Sprintf("the secret stored for profile %q is not bound to a token URL (it was stored by an earlier version), so it is not sent anywhere", c.Profile))
	}
	if s.V != storedSecretVersion {
		return "", relogin(fmt.Sprintf("the secret stored for profile %q has format version %d, which this version does not know", c.Profile, s.V))
	}
	if route.NormalizeURL(s.TokenURL) != route.NormalizeURL(c.TokenURL) || s.ClientID != c.ClientID {
		return "", relogin(fmt.Sprintf("the secret stored for profile %q was verified against %s (client %s), but the profile now points to %s (client %s); it is not sent there",
			c.Profile, s.TokenURL, s.ClientID, c.TokenURL, c.ClientID))
	}
	return s.Secret, nil
}

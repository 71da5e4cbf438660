package helper

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
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
//
// The profile's CA bundle (ca_file) decides which server passes for the
// token URL, so its SHA-256 is bound too (CASHA256, hex): pointing the
// profile at another bundle, or changing the bundle's contents, means
// logging in again. A profile without ca_file binds none, so envelopes from
// before this field keep working for it; an envelope without the field is
// refused for a profile that has a ca_file (it was stored before the bundle
// was bound, or before ca_file was added: either way no login vouched for
// that bundle), as is one with the field for a profile without ca_file.
type storedSecret struct {
	V        int    `json:"v"`
	TokenURL string `json:"token_url"`
	ClientID string `json:"client_id"`
	CASHA256 string `json:"ca_sha256,omitempty"`
	Secret   string `json:"secret"`
}

const storedSecretVersion = 1

// encodeSecret is the keychain value for c's secret, bound to c's token URL,
// client ID and CA bundle (caSum, see caSHA256; "" for none).
func encodeSecret(c creds, caSum string) string {
	b, _ := json.Marshal(storedSecret{V: storedSecretVersion, TokenURL: c.TokenURL, ClientID: c.ClientID, CASHA256: caSum, Secret: c.Secret})
	return string(b)
}

// caSHA256 is the hex SHA-256 of the CA bundle at path, read under the
// config's trust rule (config.ReadCAFile); "" when path is "".
func caSHA256(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	b, err := config.ReadCAFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// openSecret returns the client secret in the keychain value v, provided it
// was stored for c's token URL, client ID and CA bundle (caSum, the
// bundle's caSHA256 now); otherwise an error of KindNotLoggedIn, and the
// secret must not be used.
//
// A value that is not an envelope is a plain secret written by a version
// before binding existed. It is refused as well: binding it now to whatever
// the config file says on first use would trust exactly the file an attacker
// may have edited, so the user logs in once more instead.
func openSecret(c creds, caSum, v string) (string, error) {
	relogin := func(msg string) error {
		return &credential.Error{Kind: credential.KindNotLoggedIn, Msg: msg, Missing: credential.MissingBinding, Profile: c.Profile}
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
	switch {
	case s.CASHA256 == caSum:
	case caSum == "":
		return "", relogin(fmt.Sprintf("the secret stored for profile %q was verified with a CA file (SHA-256 %.12s...), but the profile now names none; it is not sent without it", c.Profile, s.CASHA256))
	case s.CASHA256 == "":
		return "", relogin(fmt.Sprintf("the secret stored for profile %q was not verified with the CA file %s (it was stored before CA files were bound, or before ca_file was set); it is not sent with it", c.Profile, c.CAFile))
	default:
		return "", relogin(fmt.Sprintf("the secret stored for profile %q was verified with another CA bundle than %s (SHA-256 %.12s... then, %.12s... now); it is not sent with it", c.Profile, c.CAFile, s.CASHA256, caSum))
	}
	return s.Secret, nil
}

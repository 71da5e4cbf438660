package helper

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/clientauth"
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
// The audience and scope are left out: they change for what the secret
// is presented to the same endpoint, not where it goes.
//
// A profile that authenticates with a key (private_key_jwt) keeps the
// private key here in place of the secret, with its certificate when it
// has one: DER, never PEM, so that an RSA-2048 key and its certificate fit
// a Windows Credential Manager entry (maxEntry).
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
	Secret   string `json:"secret,omitempty"`
	Key      string `json:"key,omitempty"`  // clientauth.Key.MarshalPrivate, base64
	Cert     string `json:"cert,omitempty"` // the key's certificate, DER, base64
}

// maxEntry is the most a keychain entry may hold: Windows Credential
// Manager's blob limit (macOS's is larger, the Secret Service's larger
// still). Every platform is held to it, so a profile moves between them.
const maxEntry = 2560

const storedSecretVersion = 1

// encodeSecret is the keychain value for c's secret or key, bound to c's
// token URL, client ID and CA bundle (caSum, see caSHA256; "" for none). One
// too large for every keychain is refused, so that nothing is stored half.
func encodeSecret(c creds, caSum string) (string, error) {
	s := storedSecret{V: storedSecretVersion, TokenURL: c.TokenURL, ClientID: c.ClientID, CASHA256: caSum, Secret: c.Secret}
	if c.Key != nil {
		der, err := c.Key.MarshalPrivate()
		if err != nil {
			return "", credential.Errorf(credential.KindUsage, "cannot encode the private key: %v", err)
		}
		s.Secret, s.Key = "", base64.StdEncoding.EncodeToString(der)
		if c.Key.Cert != nil {
			s.Cert = base64.StdEncoding.EncodeToString(c.Key.Cert.Raw)
		}
	}
	b, _ := json.Marshal(s)
	if len(b) > maxEntry {
		what := "the client secret"
		if c.Key != nil {
			what = fmt.Sprintf("the %s key with its certificate", c.Key.Type())
		}
		return "", credential.Errorf(credential.KindUsage, "%s takes %d bytes in the keychain, more than the %d a keychain entry holds on every platform (Windows): use an RSA-2048 or EC P-256 key with a small certificate", what, len(b), maxEntry)
	}
	return string(b), nil
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

// openSecret returns the client secret, or the private key, in the
// keychain value v, provided it was stored for c's token URL, client ID and
// CA bundle (caSum, the bundle's caSHA256 now); otherwise an error of
// KindNotLoggedIn, and neither must be used.
//
// A value that is not an envelope is a plain secret written by a version
// before binding existed. It is refused as well: binding it now to whatever
// the config file says on first use would trust exactly the file an attacker
// may have edited, so the user logs in once more instead.
func openSecret(c creds, caSum, v string) (string, *clientauth.Key, error) {
	relogin := func(msg string) error {
		return &credential.Error{Kind: credential.KindNotLoggedIn, Msg: msg, Missing: credential.MissingBinding, Profile: c.Profile}
	}
	var s storedSecret
	if !strings.HasPrefix(v, "{") || json.Unmarshal([]byte(v), &s) != nil || s.V == 0 || (s.Secret == "") == (s.Key == "") {
		return "", nil, relogin(fmt.Sprintf("the secret stored for profile %q is not bound to a token URL (it was stored by an earlier version), so it is not sent anywhere", c.Profile))
	}
	if s.V != storedSecretVersion {
		return "", nil, relogin(fmt.Sprintf("the secret stored for profile %q has format version %d, which this version does not know", c.Profile, s.V))
	}
	if route.NormalizeURL(s.TokenURL) != route.NormalizeURL(c.TokenURL) || s.ClientID != c.ClientID {
		return "", nil, relogin(fmt.Sprintf("the secret stored for profile %q was verified against %s (client %s), but the profile now points to %s (client %s); it is not sent there",
			c.Profile, s.TokenURL, s.ClientID, c.TokenURL, c.ClientID))
	}
	switch {
	case s.CASHA256 == caSum:
	case caSum == "":
		return "", nil, relogin(fmt.Sprintf("the secret stored for profile %q was verified with a CA file (SHA-256 %.12s...), but the profile now names none; it is not sent without it", c.Profile, s.CASHA256))
	case s.CASHA256 == "":
		return "", nil, relogin(fmt.Sprintf("the secret stored for profile %q was not verified with the CA file %s (it was stored before CA files were bound, or before ca_file was set); it is not sent with it", c.Profile, c.CAFile))
	default:
		return "", nil, relogin(fmt.Sprintf("the secret stored for profile %q was verified with another CA bundle than %s (SHA-256 %.12s... then, %.12s... now); it is not sent with it", c.Profile, c.CAFile, s.CASHA256, caSum))
	}
	return openKey(c, s, relogin)
}

// openKey is the secret of s, or its key with the profile's kid and
// algorithm, provided the profile authenticates the way s can.
func openKey(c creds, s storedSecret, relogin func(string) error) (string, *clientauth.Key, error) {
	if (s.Key != "") != (c.AuthMethod == config.AuthKey) {
		return "", nil, relogin(fmt.Sprintf("profile %q authenticates with %s, but the keychain holds a %s for it", c.Profile,
			config.AuthMethodName(c.AuthMethod), map[bool]string{true: "private key", false: "client secret"}[s.Key != ""]))
	}
	if s.Key == "" {
		return s.Secret, nil, nil
	}
	der, err1 := base64.StdEncoding.DecodeString(s.Key)
	cert, err2 := base64.StdEncoding.DecodeString(s.Cert)
	if s.Cert == "" {
		cert = nil
	}
	k, err := clientauth.UnmarshalPrivate(der, cert)
	if err = errors.Join(err1, err2, err); err != nil {
		return "", nil, relogin(fmt.Sprintf("the key stored for profile %q: %v", c.Profile, err))
	}
	k.KID = c.KeyID
	if err := k.SetAlg(c.SigningAlg); err != nil {
		return "", nil, &credential.Error{Kind: credential.KindUsage, Msg: fmt.Sprintf("profile %q: %v", c.Profile, err)}
	}
	return "", k, nil
}

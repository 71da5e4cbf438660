package helper

import (
	"context"
	"errors"
	"fmt"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// The environment variables of Camunda's docs that go with
// credential.EnvClientID and credential.EnvClientSecret, read on every call.
const (
	EnvOAuthURL = "CAMUNDA_OAUTH_URL"
	EnvAudience = "CAMUNDA_CONSOLE_OAUTH_AUDIENCE"
)

// resolve gathers the credentials for a request from the environment and
// the config file. The secret of a stored profile is left for readSecret,
// so that a cache that needs no secret for its key saves the keychain read.
func (h *Core) resolve(req credential.Request) (creds, error) {
	cfg, err := h.config()
	if err != nil {
		return creds{}, err
	}
	name, err := cfg.Select(h.Stamp(req))
	if err != nil {
		return creds{}, err
	}
	p, stored := cfg.Profiles[name]
	if !stored {
		p = &config.Profile{}
	}
	c := profileCreds(name, p)
	id, secret := h.getenv(credential.EnvClientID), h.getenv(credential.EnvClientSecret)
	switch {
	case id != "" && secret != "":
		c.ClientID, c.Secret, c.Username = id, secret, id
		if c.AuthMethod == config.AuthKey {
			c.AuthMethod = config.AuthPost // the environment holds a secret, whatever the profile's key
		}
		if v := h.getenv(EnvOAuthURL); v != "" {
			c.TokenURL = v
		}
		if v, ok := h.LookupEnv(EnvAudience); ok {
			c.Audience = v
		}
		if !stored {
			c.Profile = ""
		}
		return c, nil
	case id != "" || secret != "":
		return creds{}, credential.Errorf(credential.KindUsage, "%s and %s must be set together", credential.EnvClientID, credential.EnvClientSecret)
	}
	if !stored {
		return creds{}, &credential.Error{Kind: credential.KindNotLoggedIn, Msg: fmt.Sprintf("no profile %q", name),
			Missing: credential.MissingProfile, Profile: name}
	}
	return c, nil
}

// readSecret reads c's client secret or key from the keychain, unless it
// is already there (from the environment, or read before). A secret stored for
// another token URL or client ID is refused here, before any cache lookup
// or request: this one keychain read serves both the check and the cache key.
func (h *Core) readSecret(ctx context.Context, c *creds) error {
	if c.hasCredential() {
		return nil
	}
	caSum, err := caSHA256(c.CAFile) // a CA file others could change is refused before the keychain is read
	if err != nil {
		return err
	}
	v, err := h.Secrets.Get(ctx, c.Profile)
	if err != nil {
		return keychainError(c.Profile, err)
	}
	if caSum != "" {
		trace.Printf(ctx, "keychain", "the secret must have been stored with CA file %s (SHA-256 %.12s...)", c.CAFile, caSum)
	}
	s, k, err := openSecret(*c, caSum, v)
	if err != nil {
		return err
	}
	c.Secret, c.Key = s, k
	if k != nil {
		trace.Printf(ctx, "keychain", "profile %s: a private key (%s, %s, kid %s) in place of a secret", c.Profile, k.Type(), k.Algorithm(), k.KeyID())
	}
	return nil
}

// keychainError classifies a keystore error for the user.
func keychainError(profile string, err error) error {
	if errors.Is(err, keystore.ErrNotFound) {
		return &credential.Error{Kind: credential.KindNotLoggedIn, Msg: fmt.Sprintf("no client secret stored for profile %q", profile), Err: err,
			Missing: credential.MissingSecret, Profile: profile}
	}
	var ue *keystore.UnavailableError
	if errors.As(err, &ue) {
		return &credential.Error{Kind: credential.KindKeychain, Msg: ue.Error(), Hint: ue.Hint, Err: err}
	}
	return &credential.Error{Kind: credential.KindKeychain, Msg: "keychain: " + err.Error(), Err: err}
}

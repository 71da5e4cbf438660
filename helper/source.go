package helper

import (
	"context"
	"errors"
	"fmt"
	"time"

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
func (h *Core) resolve(ctx context.Context, req credential.Request) (creds, error) {
	cfg, err := h.config()
	if err != nil {
		return creds{}, err
	}
	name, why, err := cfg.SelectWhy(h.Stamp(req))
	if err != nil {
		trace.Printf(ctx, "profile", "none: %v", err)
		return creds{}, err
	}
	trace.Printf(ctx, "profile", "%q: %s", name, why)
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
		trace.Printf(ctx, "credentials", "client ID %s and its secret from %s and %s (the environment), token URL %s", c.ClientID, credential.EnvClientID, credential.EnvClientSecret, c.TokenURL)
		return c, nil
	case id != "" || secret != "":
		return creds{}, credential.Errorf(credential.KindUsage, "%s and %s must be set together", credential.EnvClientID, credential.EnvClientSecret)
	}
	if !stored {
		trace.Printf(ctx, "credentials", "profile %q is not in %s", name, h.ConfigPath)
		return creds{}, &credential.Error{Kind: credential.KindNotLoggedIn, Msg: fmt.Sprintf("no profile %q", name),
			Missing: credential.MissingProfile, Profile: name}
	}
	trace.Printf(ctx, "credentials", "profile %q of %s: client ID %s, token URL %s", name, h.ConfigPath, c.ClientID, c.TokenURL)
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
	start := time.Now()
	v, err := h.Secrets.Get(ctx, c.Profile)
	if err != nil {
		trace.Printf(ctx, "keychain", "read profile %q's secret: failed in %s: %v", c.Profile, since(start), err)
		return keychainError(c.Profile, err)
	}
	trace.Printf(ctx, "keychain", "read profile %q's secret in %s", c.Profile, since(start))
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

// since is the time since start, rounded for the trace.
func since(start time.Time) time.Duration { return time.Since(start).Round(100 * time.Microsecond) }

package helper

import (
	"context"
	"errors"
	"fmt"

	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// The environment variables of Camunda's docs, read on every call. When the
// client ID and secret are both set they take precedence over the stored
// profile's, as AWS's variables beat its config files.
const (
	EnvClientID     = "CAMUNDA_CONSOLE_CLIENT_ID"
	EnvClientSecret = "CAMUNDA_CONSOLE_CLIENT_SECRET"
	EnvOAuthURL     = "CAMUNDA_OAUTH_URL"
	EnvAudience     = "CAMUNDA_CONSOLE_OAUTH_AUDIENCE"
)

// selectProfile picks the profile for a request: the request's own, then an
// explicit --profile, then the profile whose host patterns match the
// resource, then the default. A resource that no profile matches is an
// error of KindNoRoute.
func (h *Helper) selectProfile(cfg *Config, req Request) (string, error) {
	switch {
	case req.Profile != "":
		return req.Profile, nil
	case h.Explicit:
		return h.profileName(), nil
	case req.Resource != "":
		name, ok, err := route(cfg, req.Resource)
		if err != nil {
			return "", &Error{Kind: KindNoRoute, Msg: fmt.Sprintf("cannot route %q: %v", StripUserinfo(req.Resource), err), Err: ErrNoRoute}
		}
		if !ok {
			return "", &Error{Kind: KindNoRoute, Msg: fmt.Sprintf("no profile serves %q", StripUserinfo(req.Resource)), Err: ErrNoRoute}
		}
		return name, nil
	}
	return h.profileName(), nil
}

// route returns the profile whose host patterns best match resource: an
// exact host beats a wildcard, a longer wildcard beats a shorter one, and a
// pattern with a port beats one without. Ties go to the first profile name
// in sorted order.
func route(cfg *Config, resource string) (string, bool, error) {
	host, port, err := HostPort(resource)
	if err != nil {
		return "", false, err
	}
	aliases := []string{host}
	if dockerHub[host] {
		// docker names Docker Hub https://index.docker.io/v1/; users write docker.io.
		aliases = []string{"docker.io", "index.docker.io", "registry-1.docker.io"}
	}
	match := func(pat string) bool {
		for _, a := range aliases {
			if MatchHost(pat, a, port) {
				return true
			}
		}
		return false
	}
	best, bestScore := "", -1
	for _, name := range cfg.Names() {
		for _, pat := range cfg.Profiles[name].Hosts {
			if !match(pat) {
				continue
			}
			if s := patternScore(pat); s > bestScore {
				best, bestScore = name, s
			}
		}
	}
	return best, bestScore >= 0, nil
}

// dockerHub are the names of Docker Hub's registry.
var dockerHub = map[string]bool{"docker.io": true, "index.docker.io": true, "registry-1.docker.io": true}

func patternScore(pat string) int {
	s := len(pat)
	if pat[0] != '*' {
		s += 1 << 16
	}
	for i := len(pat) - 1; i >= 0 && pat[i] != ']'; i-- {
		if pat[i] == ':' {
			s += 1 << 12
			break
		}
	}
	return s
}

// resolve gathers the credentials for a request from the environment and
// the config file. The secret of a stored profile is left for readSecret,
// so that a cache that needs no secret for its key saves the keychain read.
func (h *Helper) resolve(req Request) (creds, error) {
	cfg, err := h.config()
	if err != nil {
		return creds{}, err
	}
	name, err := h.selectProfile(cfg, req)
	if err != nil {
		return creds{}, err
	}
	p, stored := cfg.Profiles[name]
	if !stored {
		p = &Profile{}
	}
	c := creds{
		Profile:    name,
		ClientID:   p.ClientID,
		TokenURL:   p.TokenURLOrDefault(),
		Audience:   p.AudienceOrDefault(),
		Scope:      p.Scope,
		AuthMethod: p.AuthMethodOrDefault(),
		CAFile:     p.CAFile,
		Username:   p.UsernameOrDefault(),
	}
	id, secret := h.getenv(EnvClientID), h.getenv(EnvClientSecret)
	switch {
	case id != "" && secret != "":
		c.ClientID, c.Secret, c.Username = id, secret, id
		if v := h.getenv(EnvOAuthURL); v != "" {
			c.TokenURL = v
		}
		if v, ok := h.lookupEnv(EnvAudience); ok {
			c.Audience = v
		}
		if !stored {
			c.Profile = ""
		}
		return c, nil
	case id != "" || secret != "":
		return creds{}, errorf(KindUsage, "%s and %s must be set together", EnvClientID, EnvClientSecret)
	}
	if !stored {
		return creds{}, &Error{Kind: KindNotLoggedIn, Msg: fmt.Sprintf("no profile %q", name),
			Hint: fmt.Sprintf("Run: camunda-credential-helper --profile %s login --client-id ID (or set %s and %s)", name, EnvClientID, EnvClientSecret)}
	}
	return c, nil
}

// readSecret reads c's client secret from the keychain, unless it is
// already there (from the environment, or read before).
func (h *Helper) readSecret(ctx context.Context, c *creds) error {
	if c.Secret != "" {
		return nil
	}
	s, err := h.Secrets.Get(ctx, c.Profile)
	if err != nil {
		return keychainError(c.Profile, err)
	}
	c.Secret = s
	return nil
}

// keychainError classifies a keystore error for the user.
func keychainError(profile string, err error) error {
	if errors.Is(err, keystore.ErrNotFound) {
		return &Error{Kind: KindNotLoggedIn, Msg: fmt.Sprintf("no client secret stored for profile %q", profile), Err: err,
			Hint: fmt.Sprintf("Run: camunda-credential-helper --profile %s login", profile)}
	}
	var ue *keystore.UnavailableError
	if errors.As(err, &ue) {
		return &Error{Kind: KindKeychain, Msg: ue.Error(), Hint: ue.Hint, Err: err}
	}
	return &Error{Kind: KindKeychain, Msg: "keychain: " + err.Error(), Err: err}
}

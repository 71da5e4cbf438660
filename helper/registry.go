package helper

// docker login and logout name a registry, not a profile: these find the
// profile whose host patterns serve it, and never make one.

import (
	"context"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
)

// LoginRegistry saves a client ID and secret, after verifying them, for
// the profile whose host patterns serve serverURL (docker login), and
// returns its name. It never creates a profile: docker login names any
// registry, Docker Hub's included, and verifying its password at an
// endpoint chosen for another registry would hand that endpoint the
// password.
//
// A profile that signs its token requests with a private key is refused:
// docker login would put a password in the key's place, a step down that
// login takes only when asked for it by name.
func (h *Core) LoginRegistry(ctx context.Context, serverURL, clientID, secret string) (string, error) {
	name, err := h.registryProfile(serverURL)
	if err != nil {
		return "", err
	}
	if cfg, err := h.config(); err != nil {
		return "", err
	} else if p := cfg.Profiles[name]; p != nil && p.AuthMethod == config.AuthKey {
		return "", &credential.Error{Kind: credential.KindUsage,
			Msg:  "profile \"" + name + "\" signs its token requests with a private key: docker login would replace the key with a password",
			Hint: "docker needs no login for a registry this helper serves. To replace the key with a client secret on purpose: " + tools.Name + " --profile " + name + " login --client-secret-stdin"}
	}
	_, err = h.login(ctx, name, LoginParams{ClientID: &clientID, Secret: secret})
	return name, err
}

// registryProfile is the profile whose host patterns serve a registry
// (named by --profile or by routing); a profile without patterns serves
// none. Not finding one is an error with the login command that makes one.
func (h *Core) registryProfile(serverURL string) (string, error) {
	cfg, err := h.config()
	if err != nil {
		return "", err
	}
	t, err := route.ParseTarget(serverURL)
	if err != nil {
		return "", &credential.Error{Kind: credential.KindUsage, Msg: err.Error(), Err: err}
	}
	name, err := cfg.Select(h.Stamp(credential.Request{Resource: serverURL}))
	if credential.KindOf(err) != credential.KindNoRoute || t.Served() != nil {
		return name, err
	}
	e := &credential.Error{Kind: credential.KindNoRoute, Msg: "no profile serves " + t.HostKey(), Err: credential.ErrNoRoute,
		Missing: credential.MissingHost, Host: t.HostKey()}
	if h.Explicit {
		e.Msg = err.Error()
	}
	return "", e
}

// LogoutRegistry deletes the secret and cached tokens of the profile whose
// host patterns serve serverURL (docker logout), and returns its name. An
// unserved registry is not an error ("" and nil).
func (h *Core) LogoutRegistry(ctx context.Context, serverURL string) (string, error) {
	name, err := h.registryProfile(serverURL)
	if credential.KindOf(err) == credential.KindNoRoute {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return name, h.logout(ctx, name)
}

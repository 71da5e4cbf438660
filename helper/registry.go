package helper

// docker login and logout name a registry, not a profile: these find the
// profile whose host patterns serve it, and never make one.

import (
	"context"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
)

// LoginRegistry saves a client ID and secret, after verifying them, for
// the profile whose host patterns serve serverURL (docker login), and
// returns its name. It never creates a profile: docker login names any
// registry, Docker Hub's included, and verifying its password at an
// endpoint chosen for another registry would hand that endpoint the
// password.
func (h *Core) LoginRegistry(ctx context.Context, serverURL, clientID, secret string) (string, error) {
	name, err := h.registryProfile(serverURL)
	if err != nil {
		return "", err
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

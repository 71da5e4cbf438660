package agent

import (
	"context"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/clientauth"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// The token path's methods besides Token, each written out (see
// TestTokenPathWrapsCore): those that withdraw a token go to the core and
// then tell a running agent; the others only read.

// Drop drops the cached tokens of the profile req selects (git's erase,
// Terraform's forget), in the file cache and in a running agent.
func (c *TokenPath) Drop(ctx context.Context, req credential.Request) error {
	if c.Forward != nil && credential.EnvCredentialVar(c.core.LookupEnv) == "" {
		return c.Forward.Drop(ctx, c.core.Stamp(req))
	}
	name, err := c.core.Drop(ctx, c.core.Stamp(req))
	c.tell(ctx, name)
	return err
}

// Login stores the selected profile's secret (see helper.Core.Login); a
// running agent drops the tokens it got with the old one.
func (c *TokenPath) Login(ctx context.Context, lp helper.LoginParams) (credential.Token, error) {
	if err := c.local("login"); err != nil {
		return credential.Token{}, err
	}
	tok, err := c.core.Login(ctx, lp)
	c.tell(ctx, c.core.ProfileName())
	return tok, err
}

// LoginProfile is Login for the named profile (see helper.Core.LoginProfile).
func (c *TokenPath) LoginProfile(ctx context.Context, name string, lp helper.LoginParams) (credential.Token, error) {
	if err := c.local("login"); err != nil {
		return credential.Token{}, err
	}
	tok, err := c.core.LoginProfile(ctx, name, lp)
	c.tell(ctx, name)
	return tok, err
}

// Logout deletes the selected profile's secret and cached tokens, also a
// running agent's.
func (c *TokenPath) Logout(ctx context.Context) error {
	if err := c.local("logout"); err != nil {
		return err
	}
	err := c.core.Logout(ctx)
	c.tell(ctx, c.core.ProfileName())
	return err
}

// LoginRegistry is docker login (see helper.Core.LoginRegistry).
func (c *TokenPath) LoginRegistry(ctx context.Context, serverURL, clientID, secret string) error {
	if err := c.local("docker login"); err != nil {
		return err
	}
	name, err := c.core.LoginRegistry(ctx, serverURL, clientID, secret)
	c.tell(ctx, name)
	return err
}

// LogoutRegistry is docker logout (see helper.Core.LogoutRegistry).
func (c *TokenPath) LogoutRegistry(ctx context.Context, serverURL string) error {
	if err := c.local("docker logout"); err != nil {
		return err
	}
	name, err := c.core.LogoutRegistry(ctx, serverURL)
	c.tell(ctx, name)
	return err
}

// Profiles lists the profiles (see helper.Core.Profiles); it withdraws nothing.
func (c *TokenPath) Profiles(ctx context.Context) ([]helper.ProfileStatus, error) {
	return c.core.Profiles(ctx)
}

// PublicKey is the selected profile's stored key, for printing its public
// parts (see helper.Core.PublicKey); it withdraws nothing.
func (c *TokenPath) PublicKey(ctx context.Context) (*clientauth.Key, error) {
	return c.core.PublicKey(ctx)
}

// Hosts maps each host pattern to its username (docker list); it withdraws nothing.
func (c *TokenPath) Hosts(ctx context.Context) (map[string]string, error) { return c.core.Hosts(ctx) }

// Config is the config file as last read (see helper.Core.Config).
func (c *TokenPath) Config() (*config.Config, error) { return c.core.Config() }

// ConfigPath is the caller's config file.
func (c *TokenPath) ConfigPath() string { return c.core.ConfigPath }

// ProfileName is the profile the caller selected (see helper.Core.ProfileName).
func (c *TokenPath) ProfileName() string { return c.core.ProfileName() }

// tell has a running agent drop a profile's tokens: dialled, never
// started; whether this call used the agent or not, it must not go on
// serving a token the call withdrew. A profile of "" (environment
// credentials) has none there.
func (c *TokenPath) tell(ctx context.Context, profile string) {
	if c.Dir == "" || profile == "" {
		return
	}
	r := &agentwire.Request{Op: agentwire.OpDrop, Env: c.Env, Config: c.core.ConfigPath, Profile: profile}
	if _, err := c.call(context.Background(), r, 2*time.Second, nil); err != nil {
		trace.Printf(ctx, "agent", "not told to drop profile %q's tokens: %v", profile, err)
		return
	}
	trace.Printf(ctx, "agent", "told to drop profile %q's tokens", profile)
}

// local refuses what only the machine that holds the secrets does (login,
// logout) when the tokens come from a forwarded agent.
func (c *TokenPath) local(what string) error {
	if c.Forward == nil {
		return nil
	}
	return c.Forward.Refuse(what)
}

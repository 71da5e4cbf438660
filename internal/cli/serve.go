package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/serve"
)

type serveCmd struct {
	Format string `help:"How to print the variables: env (KEY=value), dotenv or powershell." enum:"env,dotenv,powershell" default:"env" short:"f"`
}

// Run serves the profile's tokens on loopback until interrupted, for apps
// started elsewhere (an IDE run configuration): it prints the variables
// that point Camunda's clients at the endpoint, then serves.
func (cmd *serveCmd) Run(ctx context.Context, c *agent.TokenPath, e env) error {
	if _, err := c.Token(ctx, credential.Request{}); err != nil {
		return err // not logged in, keychain locked: say so now, not at the app's first call
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	ep, err := startEndpoint(ctx, c, e)
	if err != nil {
		return err
	}
	defer ep.stop()
	fmt.Fprint(e.stdout, serve.Format(ep.vars, cmd.Format))
	fmt.Fprintf(e.stderr, "Serving profile %q's tokens at %s until interrupted (Ctrl-C).\n", c.ProfileName(), ep.url)
	<-ctx.Done()
	return nil
}

// endpoint is a running loopback token endpoint and what points a Camunda
// client at it.
type endpoint struct {
	url  string
	vars [][2]string
	stop func()
}

// startEndpoint serves the selected profile's tokens, from the one token
// path (c), to clients holding the profile's client ID and a per-run
// secret. The Java client's credentials cache goes to a throwaway file in
// a private directory, removed by stop.
func startEndpoint(ctx context.Context, c *agent.TokenPath, e env) (*endpoint, error) {
	cfg, err := c.Config()
	if err != nil {
		return nil, err
	}
	p := cfg.Profiles[c.ProfileName()]
	if p == nil {
		p = &config.Profile{ClientID: c.ProfileName()} // environment credentials: any ID will do
	}
	secret, err := serve.NewSecret()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", name+"-serve-")
	if err != nil {
		return nil, err
	}
	ep := &serve.Endpoint{Source: c, ClientID: p.ClientID, Secret: secret, Log: e.stderr}
	url, stopServer, err := ep.Start(ctx)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	s := serve.Settings{URL: url, ClientID: p.ClientID, Secret: secret, Audience: p.AudienceOrDefault(),
		APIURL: p.APIURL, CacheFile: filepath.Join(tmp, "credentials")}
	return &endpoint{url: url, vars: s.Vars(), stop: func() { stopServer(); os.RemoveAll(tmp) }}, nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/privfile"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/serve"
)

type serveCmd struct {
	Format string `help:"How to print the variables: env (KEY=value), dotenv or powershell." enum:"env,dotenv,powershell" default:"env" short:"f"`
	Output string `help:"Write the variables to FILE instead of stdout: a new file only you can read (0600), removed when serve stops." placeholder:"FILE" short:"o" type:"path"`
}

// Run serves the profile's tokens on loopback until interrupted, for apps
// started elsewhere (an IDE run configuration): it prints the variables
// that point Camunda's clients at the endpoint, then serves.
func (cmd *serveCmd) Run(ctx context.Context, c *agent.TokenPath, e env) error {
	if _, err := c.Token(ctx, credential.Request{}); err != nil {
		return err // not logged in, keychain locked: say so now, not at the app's first call
	}
	out, err := cmd.output(e)
	if err != nil {
		return err
	}
	if out != e.stdout {
		defer os.Remove(cmd.Output) // the secret in it dies with serve
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	ep, err := startEndpoint(ctx, c, e)
	if err != nil {
		return err
	}
	defer ep.stop()
	if err := writeVars(out, e.stdout, serve.Format(ep.vars, cmd.Format)); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "Serving profile %q's tokens at %s until interrupted (Ctrl-C).\n", c.ProfileName(), ep.url)
	<-ctx.Done()
	return nil
}

// output is where the variables go. They hold the per-run secret that
// gets the profile's tokens while serve runs, so they go to a new file
// only this user can read (removed when serve stops), or to stdout unless
// it is a file others can read (serve > .env.local under umask 022).
func (cmd *serveCmd) output(e env) (io.Writer, error) {
	if cmd.Output != "" {
		f, err := privfile.CreateNew(cmd.Output)
		if errors.Is(err, fs.ErrExist) {
			return nil, &credential.Error{Kind: credential.KindUsage, Msg: "serve --output: " + cmd.Output + " already exists; the variables go to a new file only",
				Hint: "Remove it (a serve that was killed may have left it), or name another file."}
		}
		if err != nil {
			return nil, &credential.Error{Kind: credential.KindUsage, Msg: "serve --output: " + err.Error(), Err: err}
		}
		return f, nil
	}
	if f, ok := e.stdout.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && privfile.LooseBits(fi, 0o044) != 0 {
			return nil, &credential.Error{Kind: credential.KindUsage,
				Msg:  fmt.Sprintf("serve: refusing to write the endpoint's secret to a file others can read (stdout is a file of mode %v)", fi.Mode().Perm()),
				Hint: "Use --output FILE, which creates the file readable by you only."}
		}
	}
	return e.stdout, nil
}

// writeVars writes the variables to out, and closes it when it is the
// --output file.
func writeVars(out, stdout io.Writer, vars string) error {
	_, err := io.WriteString(out, vars)
	if f, ok := out.(*os.File); ok && out != stdout {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return &credential.Error{Kind: credential.KindOther, Msg: "serve: cannot write the variables: " + err.Error(), Err: err}
	}
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

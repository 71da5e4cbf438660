package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/envfile"
)

type execCmd struct {
	EnvVar  string        `help:"Environment variable that carries the token (default: ${default_token_var}); not with --serve." placeholder:"NAME"`
	MinTTL  time.Duration `name:"min-ttl" help:"Minimum remaining lifetime of the token; not with --serve." placeholder:"DURATION"`
	Serve   bool          `help:"Serve the profile's tokens to the command's Camunda clients from a loopback token endpoint, so a long-running worker refreshes without the secret (see the README)."`
	Command []string      `arg:"" passthrough:"" help:"The command and its arguments (after --)."`
}

// defaultTokenVar carries exec's token when --env-var names no other.
const defaultTokenVar = "CAMUNDA_OAUTH_TOKEN"

// Run starts the command, passes the standard streams through, forwards
// signals, and returns its exit status. exec and exec --serve are two
// paths: one token in a variable (execToken), or a loopback token endpoint
// that its Camunda clients refresh from (execServe).
func (cmd *execCmd) Run(ctx context.Context, c *agent.TokenPath, e env) error {
	args := cmd.Command
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return &credential.Error{Kind: credential.KindUsage, Msg: "exec: no command given", Hint: "Usage: " + name + " exec -- CMD [ARGS...]"}
	}
	if cmd.Serve {
		// The endpoint's variables carry no token, and its clients refresh
		// on their own schedule: these flags would be silently ignored.
		for flag, set := range map[string]bool{"--env-var": cmd.EnvVar != "", "--min-ttl": cmd.MinTTL != 0} {
			if set {
				return &credential.Error{Kind: credential.KindUsage, Msg: "exec: " + flag + " cannot be used with --serve",
					Hint: "--serve hands the command a token endpoint (CAMUNDA_OAUTH_URL and a per-run client), not a token in a variable."}
			}
		}
		return execServe(ctx, c, e, args)
	}
	return cmd.execToken(ctx, c, e, args)
}

// execToken runs args with a token that has at least --min-ttl left in
// --env-var.
func (cmd *execCmd) execToken(ctx context.Context, c *agent.TokenPath, e env, args []string) error {
	v := cmd.EnvVar
	if v == "" {
		v = defaultTokenVar
	}
	if !envfile.ValidEnvName(v) {
		return &credential.Error{Kind: credential.KindUsage, Msg: "exec: invalid --env-var " + v}
	}
	tok, err := c.Token(ctx, credential.Request{MinTTL: cmd.MinTTL})
	if err != nil {
		return err
	}
	return runChild(args, [][2]string{{v, tok.AccessToken}}, e)
}

// execServe runs args with the variables that point its Camunda clients at
// a loopback token endpoint serving the profile's tokens.
func execServe(ctx context.Context, c *agent.TokenPath, e env, args []string) error {
	if _, err := c.Token(ctx, credential.Request{}); err != nil {
		return err // not logged in, keychain locked: say so now, not at the client's first call
	}
	ep, err := startEndpoint(ctx, c, e)
	if err != nil {
		return err
	}
	defer ep.stop()
	return runServed(args, ep.vars, e)
}

// runChild runs args with the process's environment, less every variable
// that may hold a client secret, plus vars; the standard streams pass
// through and signals are forwarded. Its exit status is returned as
// exitCode.
func runChild(args []string, vars [][2]string, e env) error {
	child := exec.Command(args[0], args[1:]...)
	child.Stdin, child.Stdout, child.Stderr = e.stdin, e.stdout, e.stderr
	// The command gets a token or the endpoint, never a client secret: the
	// variables that may hold one (ours among them) are left out.
	drop := envfile.SecretVars()
	for _, kv := range vars {
		drop = append(drop, kv[0])
	}
	child.Env = withoutVars(os.Environ(), drop)
	for _, kv := range vars {
		child.Env = append(child.Env, kv[0]+"="+kv[1])
	}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwardedSignals...)
	defer signal.Stop(sigs)
	if err := child.Start(); err != nil {
		// As shells do: 127 when the command is not found, 126 when it
		// cannot be run.
		fmt.Fprintf(e.stderr, "%s: exec: %v\n", name, err)
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
			return exitCode(127)
		}
		return exitCode(126)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				child.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err := child.Wait()
	close(done)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return exitCode(childStatus(ee))
	}
	return err
}

// withoutVars returns environ without the variables names.
func withoutVars(environ []string, names []string) []string {
	out := environ[:0:0]
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(names, name) {
			out = append(out, kv)
		}
	}
	return out
}

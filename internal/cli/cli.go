// Package cli is the command line of camunda-credential-helper: the command
// tree (the only package that imports kong), one file per command, and the
// one place that builds the token path for a call (client.go). The token
// core is package helper, the agent package internal/agent, the wire
// protocols package protocol.
package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/alecthomas/kong"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/fastclient"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

const name = tools.Name // as the messages and help name the program

// cli holds the global flags; the commands are added from the commands
// table, so that a call builds only the command it runs (see newParser).
// Their variables are read in newClient through env.lookup rather than by
// kong from the process, so that tests can run calls in one process.
type cli struct {
	Profile string           `help:"Profile to use; it wins over host routing, but a protocol answers only for its hosts when it lists any. $CAMUNDA_PROFILE names it for calls that name no host." default:"default" placeholder:"NAME" predictor:"profile"`
	Config  string           `help:"Config file (default: ${config_default}) ($CAMUNDA_CREDENTIAL_HELPER_CONFIG)." placeholder:"FILE"`
	Timeout time.Duration    `help:"Bound on the whole call, retries included." default:"30s"`
	Verbose bool             `help:"Trace each decision on the token path to stderr: profile, agent, cache, keychain, requests ($CAMUNDA_CREDENTIAL_HELPER_DEBUG=1)."`
	Version kong.VersionFlag `help:"Print the version and exit."`
}

// command is one entry of the command tree.
type command struct {
	name, group, help string
	cmd               func() any // a new command struct for kong
}

// commands is the command tree, in help order.
var commands = []command{
	{"login", "", "Store a profile's client secret in the keychain, after checking it against the token endpoint.", func() any { return &loginCmd{} }},
	{"token", "", "Print a valid access token.", func() any { return &tokenCmd{} }},
	{"logout", "", "Delete the profile's client secret and cached tokens.", func() any { return &logoutCmd{} }},
	{"import", "", "Move the client secrets of c8ctl and Desktop Modeler into the keychain, as profiles.", func() any { return &importCmd{} }},
	{"profiles", "", "List profiles and whether each has a secret stored.", func() any { return &profilesCmd{} }},
	{"public-key", "", "Print the public part of the profile's key (cert, jwks or pem), to register it with the identity provider.", func() any { return &publicKeyCmd{} }},
	{"check", "", "Call a Camunda API with the profile's token and show the answer.", func() any { return &checkCmd{} }},
	{"exec", "", "Run a command with a fresh token in its environment (CAMUNDA_OAUTH_TOKEN), or with --serve a token endpoint for its Camunda clients.", func() any { return &execCmd{} }},
	{"serve", "", "Serve the profile's tokens to Camunda's clients from a loopback token endpoint until interrupted.", func() any { return &serveCmd{} }},
	{"doctor", "", "Check the keychain, config, token endpoint, clock and cache, and say how to fix problems.", func() any { return &doctorCmd{} }},
	{"demo", "", "Walk through login, token and logout against a token endpoint built into this process.", func() any { return &demoCmd{} }},
	{"setup", "", "Print the configuration snippet that wires a tool to this helper.", func() any { return &setupCmd{} }},
	{"completion", "", "Print a shell completion script (bash, zsh or fish).", func() any { return &completionCmd{} }},
	{"agent", "", "Run, inspect or stop the token agent that keeps tokens in memory (started on first need).", func() any { return &agentCmd{} }},
	{"git", "Protocols", "git credential helper protocol (get|store|erase).", func() any { return &gitCmd{} }},
	{"docker", "Protocols", "docker credential helper protocol (get|store|erase|list|version).", func() any { return &dockerCmd{} }},
	{"kubectl", "Protocols", "kubectl exec credential plugin (ExecCredential).", func() any { return &kubectlCmd{} }},
	{"bazel", "Protocols", "Bazel credential helper protocol (get).", func() any { return &bazelCmd{} }},
	{"terraform", "Protocols", "Terraform/OpenTofu credentials helper protocol (get|store|forget HOST).", func() any { return &terraformCmd{} }},
	{"get", "Protocols", "JSON on stdin and stdout, for editor plugins and scripts.", func() any { return &getCmd{} }},
}

// env is what commands need from the process; tests can replace it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	lookup         func(string) (string, bool)
	exe            string // absolute path of this binary
	cwd            string // working directory
	interactive    bool   // a person may answer a keychain prompt (besides a terminal on stderr)
}

// Main runs the command line of os.Args and returns the exit status.
// version is the release build's -X main.Version ("" for the build info's).
//
// A call that only prints a token is first offered to a running agent the
// way the fast front offers it (fastclient.Serve): on a hit that is the
// whole call, without building the command line (kong's model of it,
// built by reflection, is most of a call's start-up). Anything else, and
// whatever the agent cannot take, runs the command line, which reads
// first what Serve read of stdin.
func Main(version string) int {
	Version = version
	code, read, ok := fastclient.Serve(os.Args, version)
	if ok {
		return code
	}
	var stdin io.Reader = os.Stdin
	if read != nil {
		stdin = io.MultiReader(bytes.NewReader(read), os.Stdin)
	}
	exe, _ := os.Executable()
	cwd, _ := os.Getwd()
	return run(context.Background(), os.Args, env{stdin: stdin, stdout: os.Stdout, stderr: os.Stderr, lookup: os.LookupEnv, exe: exe, cwd: cwd})
}

var setVersion sync.Once

// run parses args (argv0 first: a shim's name selects its command), builds
// the token path and runs the command.
func run(ctx context.Context, args []string, e env) int {
	argv := tools.Args(args)
	setVersion.Do(func() { protocol.Version = version() })
	c := &cli{}
	exit := -1
	parser, err := newParser(c, onlyCommand(argv, e), e, func(code int) { exit = code })
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", name, err)
		return 1
	}
	if done, code := completeIfAsked(parser, e); done {
		return code
	}
	kctx, err := parser.Parse(argv)
	if exit >= 0 { // --help or --version
		return exit
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", name, err)
		fmt.Fprintf(e.stderr, "Run \"%s --help\" for usage.\n", name)
		return credential.KindUsage.ExitCode()
	}
	ch := selectedProfile(c, kctx, e)
	if (c.Verbose || trace.Requested(e.lookup)) && kctx.Command() != "agent run" {
		ctx = trace.With(ctx, e.stderr)
		trace.Printf(ctx, "call", "%s %s, version %s, pid %d", name, kctx.Command(), version(), os.Getpid())
		trace.Printf(ctx, "profile", "the caller's choice: %s", ch)
	}
	core, client, err := newClient(c, ch, e)
	if err != nil {
		return report(e.stderr, err)
	}
	if interactive(e) {
		ctx = keystore.WithPrompt(ctx)
	}
	kctx.BindTo(ctx, (*context.Context)(nil))
	kctx.Bind(client, core, e, ch)
	kctx.Bind(protocol.Stdio{In: e.stdin, Out: e.stdout, Err: e.stderr})
	if err := kctx.Run(); err != nil {
		var ec exitCode
		if errors.As(err, &ec) {
			return int(ec)
		}
		return report(e.stderr, err)
	}
	return 0
}

// exitCode is returned by commands that have already reported their result
// (the protocol adapters) and only need the process to exit with it.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// code wraps an adapter's exit status for kong.
func code(n int) error {
	if n == 0 {
		return nil
	}
	return exitCode(n)
}

// report prints err on stderr, as every command reports a failure, and
// returns the exit status for its kind.
func report(w io.Writer, err error) int { return protocol.Report(w, err) }

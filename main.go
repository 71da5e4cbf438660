// Command camunda-credential-helper keeps an OAuth 2.0 client secret in the
// operating system's keychain and hands fresh access tokens to the tools
// that shell out for one: git, docker, kubectl, Bazel, Terraform, scripts.
//
// This file holds the command tree and the wiring only; the token core is
// package helper, the keychain package keystore, and the wire protocols
// package protocol.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/alecthomas/kong"
	"golang.org/x/term"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

const name = "camunda-credential-helper"

// cli holds the global flags; the commands are added from the commands
// table, so that a call builds only the command it runs (see newParser).
// Their variables are read in newHelper through env.lookup rather than by
// kong from the process, so that the agent can run a client's command line
// with the client's variables and working directory.
type cli struct {
	Profile string           `help:"Profile to use; it wins over host routing, but a protocol answers only for its hosts when it lists any ($CAMUNDA_PROFILE)." default:"default" placeholder:"NAME" predictor:"profile"`
	Config  string           `help:"Config file (default: ${config_default}) ($CAMUNDA_CREDENTIAL_HELPER_CONFIG)." placeholder:"FILE"`
	Timeout time.Duration    `help:"Bound on the whole call, retries included." default:"30s"`
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
	{"profiles", "", "List profiles and whether each has a secret stored.", func() any { return &profilesCmd{} }},
	{"check", "", "Call a Camunda API with the profile's token and show the answer.", func() any { return &checkCmd{} }},
	{"exec", "", "Run a command with a fresh token in its environment (CAMUNDA_OAUTH_TOKEN).", func() any { return &execCmd{} }},
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
	// attach, inside the agent, checks the parsed command and wires its
	// Helper to the agent's memory (see agentRun).
	attach func(*helper.Core, *kong.Context) error
}

func main() {
	exe, _ := os.Executable()
	cwd, _ := os.Getwd()
	os.Exit(run(context.Background(), os.Args, env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, lookup: os.LookupEnv, exe: exe, cwd: cwd}))
}

var setVersion sync.Once

func run(ctx context.Context, args []string, e env) int {
	argv := agentwire.CommandLine(args)
	setVersion.Do(func() { protocol.Version = version() })
	p, err := parserFor(argv, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", name, err)
		return 1
	}
	defer p.release()
	c, parser := &p.c, p.k
	if done, code := completeIfAsked(parser, e); done {
		return code
	}
	kctx, err := parser.Parse(argv)
	if p.exit >= 0 { // --help or --version
		return p.exit
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", name, err)
		fmt.Fprintf(e.stderr, "Run \"%s --help\" for usage.\n", name)
		return credential.KindUsage.ExitCode()
	}
	h, err := newHelper(c, kctx, e)
	if err != nil {
		return report(e.stderr, err)
	}
	kctx.BindTo(ctx, (*context.Context)(nil))
	kctx.Bind(h, e)
	kctx.BindTo(h, (*protocol.Registry)(nil))
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

// parser is a kong parser and the flags it fills.
type parser struct {
	c       cli
	k       *kong.Kong
	exit    int    // set by --help and --version
	release func() // done with it
}

// agentParsers keeps, inside the agent, a pool of built parsers per
// command: there building kong's model would be half of a hit's cost. Each
// parse resets every value to its default, and one parser serves one call at
// a time.
var agentParsers sync.Map // command name -> *sync.Pool of *parser

// parserFor returns a parser for argv that writes to e's streams: a fresh
// one, or inside the agent one from its pool.
func parserFor(argv []string, e env) (*parser, error) {
	only := onlyCommand(argv, e)
	if e.attach == nil || only == "" {
		p := &parser{exit: -1, release: func() {}}
		k, err := newParser(&p.c, only, e, func(code int) { p.exit = code })
		p.k = k
		return p, err
	}
	pool, _ := agentParsers.LoadOrStore(only, &sync.Pool{})
	p, _ := pool.(*sync.Pool).Get().(*parser)
	if p == nil {
		p = &parser{}
		k, err := newParser(&p.c, only, e, func(code int) { p.exit = code })
		if err != nil {
			return nil, err
		}
		p.k = k
	}
	p.exit, p.k.Stdout, p.k.Stderr = -1, e.stdout, e.stderr
	p.release = func() { pool.(*sync.Pool).Put(p) }
	return p, nil
}

// onlyCommand is the command argv names, or "" when the parser needs the
// whole tree (help, completion, an unknown command).
func onlyCommand(argv []string, e env) string {
	only := ""
	if i := agentwire.CommandWord(argv); i >= 0 {
		only = argv[i]
	}
	_, completing := e.lookup("COMP_LINE")
	if completing || agentwire.WantsHelp(argv) || !slices.ContainsFunc(commands, func(c command) bool { return c.name == only }) {
		return ""
	}
	return only
}

// newParser builds the kong parser. Building kong's model costs about a
// millisecond for the whole tree, which is most of a cached token call's own
// time; so the tree holds just the command only names (see onlyCommand), or
// all of them when only is "": help, completion and errors.
func newParser(c *cli, only string, e env, exit func(int)) (*kong.Kong, error) {
	configDefault, _ := config.DefaultPath()
	opts := []kong.Option{
		kong.Name(name),
		kong.Description("Keeps an OAuth 2.0 client secret in the OS keychain and prints fresh access tokens for git, docker, kubectl, Bazel, Terraform and scripts."),
		kong.Vars{"config_default": configDefault, "version": version(), "token_url": config.DefaultTokenURL,
			"audience": config.DefaultAudience, "apis": strings.Join(config.PresetNames(), ",")},
		kong.Writers(e.stdout, e.stderr),
		kong.Exit(exit),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
	}
	for _, cmd := range commands {
		if only == "" || cmd.name == only {
			opts = append(opts, kong.DynamicCommand(cmd.name, cmd.help, cmd.group, cmd.cmd()))
		}
	}
	return kong.New(c, opts...)
}

// newHelper builds the token core from the global flags.
func newHelper(c *cli, kctx *kong.Context, e env) (*helper.Core, error) {
	explicit := profileOnCommandLine(kctx)
	profile := c.Profile
	if v, ok := e.lookup("CAMUNDA_PROFILE"); ok && !explicit {
		profile = v
	}
	cfgPath, err := configPath(c, e)
	if err != nil {
		return nil, err
	}
	cacheDir, err := helper.DefaultCacheDir()
	if err != nil {
		cacheDir = "" // no cache rather than no tokens
	}
	service, _ := e.lookup("CAMUNDA_CREDENTIAL_HELPER_SERVICE")
	h := &helper.Core{
		Secrets:    keystore.Keyring{Service: service, Timeout: keychainTimeout(e)},
		ConfigPath: cfgPath,
		CacheDir:   cacheDir,
		Profile:    profile,
		Explicit:   explicit,
		Timeout:    c.Timeout,
		Getenv:     e.lookup,
		AgentDir:   agentwire.Dir(e.lookup), // told of logins, logouts and erasures, whatever path tokens take
	}
	switch {
	case e.attach != nil:
		if err := e.attach(h, kctx); err != nil {
			return nil, err
		}
	case agentwire.Supported && !agentwire.Off(e.lookup):
		h.Agent = &helper.AgentClient{Dir: agentwire.Dir(e.lookup), Exe: e.exe,
			Env: agentwire.Environment(e.lookup, agentwire.ProcessEnv), Interactive: interactive(e), Version: version()}
	}
	return h, nil
}

// keychainTimeout bounds each keychain call: keystore.DefaultTimeout, or
// keystore.InteractiveTimeout when a person may answer the desktop's
// unlock prompt.
func keychainTimeout(e env) time.Duration {
	if interactive(e) {
		return keystore.InteractiveTimeout
	}
	return keystore.DefaultTimeout
}

// interactive reports whether a person is at the terminal: stderr is one,
// as it is under git and kubectl.
func interactive(e env) bool {
	if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return true
	}
	return e.interactive
}

// profileOnCommandLine reports whether --profile was given as a flag (not
// from CAMUNDA_PROFILE or its default): only then does it beat routing.
func profileOnCommandLine(kctx *kong.Context) bool {
	for _, a := range kctx.Args {
		if a == "--" {
			break
		}
		if a == "--profile" || strings.HasPrefix(a, "--profile=") {
			return true
		}
	}
	return false
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

// report prints err on stderr, prefixed with the program name, and returns
// the exit status for its kind.
func report(w io.Writer, err error) int {
	msg := err.Error()
	fmt.Fprintf(w, "%s: %s\n", name, strings.ReplaceAll(strings.TrimSpace(msg), "\n", "\n  "))
	return credential.KindOf(err).ExitCode()
}

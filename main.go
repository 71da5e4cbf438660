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
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kong"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

const name = "camunda-credential-helper"

// cli is the command tree.
type cli struct {
	Profile string           `help:"Profile to use (overrides host routing when given on the command line)." env:"CAMUNDA_PROFILE" default:"default" placeholder:"NAME"`
	Config  string           `help:"Config file (default: ${config_default})." env:"CAMUNDA_CREDENTIAL_HELPER_CONFIG" placeholder:"FILE" type:"path"`
	Timeout time.Duration    `help:"Bound on the whole call, retries included." default:"30s"`
	Version kong.VersionFlag `help:"Print the version and exit."`

	Login    loginCmd    `cmd:"" help:"Store a profile's client secret in the keychain, after checking it against the token endpoint."`
	Token    tokenCmd    `cmd:"" help:"Print a valid access token."`
	Logout   logoutCmd   `cmd:"" help:"Delete the profile's client secret and cached tokens."`
	Profiles profilesCmd `cmd:"" help:"List profiles and whether each has a secret stored."`
	Demo     demoCmd     `cmd:"" help:"Walk through login, token and logout against a token endpoint built into this process."`
	Check    checkCmd    `cmd:"" help:"Call a Camunda API with the profile's token and show the answer."`
	Exec     execCmd     `cmd:"" help:"Run a command with a fresh token in its environment (CAMUNDA_OAUTH_TOKEN)."`
	Doctor   doctorCmd   `cmd:"" help:"Check the keychain, config, token endpoint, clock and cache, and say how to fix problems."`
	Setup    setupCmd    `cmd:"" help:"Print the configuration snippet that wires a tool to this helper."`

	Git       gitCmd       `cmd:"" group:"Protocols" help:"git credential helper protocol (get|store|erase)."`
	Docker    dockerCmd    `cmd:"" group:"Protocols" help:"docker credential helper protocol (get|store|erase|list|version)."`
	Kubectl   kubectlCmd   `cmd:"" group:"Protocols" help:"kubectl exec credential plugin (ExecCredential)."`
	Bazel     bazelCmd     `cmd:"" group:"Protocols" help:"Bazel credential helper protocol (get)."`
	Terraform terraformCmd `cmd:"" group:"Protocols" help:"Terraform/OpenTofu credentials helper protocol (get|store|forget HOST)."`
	Get       getCmd       `cmd:"" group:"Protocols" help:"JSON on stdin and stdout, for editor plugins and scripts."`
}

// env is what commands need from the process; tests can replace it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	lookup         func(string) (string, bool)
	exe            string // absolute path of this binary
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	exe, _ := os.Executable()
	code := run(ctx, os.Args, env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, lookup: os.LookupEnv, exe: exe})
	stop()
	os.Exit(code)
}

// shims maps the names the binary may be invoked under to the subcommand
// each stands for.
var shims = map[string]string{
	"git-credential-camunda":        "git",
	"docker-credential-camunda":     "docker",
	"bazel-credential-camunda":      "bazel",
	"terraform-credentials-camunda": "terraform",
}

// shimCommand returns the subcommand for the name argv0 was invoked as
// ("" for the binary's own name). Terraform may append _vX.Y.Z, Windows .exe.
func shimCommand(argv0 string) string {
	base := strings.TrimSuffix(filepath.Base(argv0), ".exe")
	if i := strings.Index(base, "_v"); i > 0 {
		base = base[:i]
	}
	return shims[base]
}

func run(ctx context.Context, args []string, e env) int {
	argv := args[1:]
	if sub := shimCommand(args[0]); sub != "" {
		argv = insertCommand(argv, sub)
	}
	var c cli
	configDefault, _ := helper.DefaultConfigPath()
	exit := -1
	parser, err := kong.New(&c,
		kong.Name(name),
		kong.Description("Keeps an OAuth 2.0 client secret in the OS keychain and prints fresh access tokens for git, docker, kubectl, Bazel, Terraform and scripts."),
		kong.Vars{"config_default": configDefault, "version": version(), "token_url": helper.DefaultTokenURL, "audience": helper.DefaultAudience, "apis": strings.Join(helper.PresetNames(), ",")},
		kong.Writers(e.stdout, e.stderr),
		kong.Exit(func(code int) { exit = code }),
		kong.UsageOnError(),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.BindTo(ctx, (*context.Context)(nil)),
	)
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", name, err)
		return 1
	}
	kctx, err := parser.Parse(argv)
	if exit >= 0 { // --help or --version
		return exit
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", name, err)
		return helper.KindUsage.ExitCode()
	}
	h, err := newHelper(&c, kctx, e)
	if err != nil {
		return report(e.stderr, err)
	}
	kctx.Bind(h, e)
	kctx.BindTo(h, (*protocol.Registry)(nil))
	kctx.BindTo(protocol.Stdio{In: e.stdin, Out: e.stdout, Err: e.stderr}, (*protocol.Stdio)(nil))
	if err := kctx.Run(); err != nil {
		var ec exitCode
		if errors.As(err, &ec) {
			return int(ec)
		}
		return report(e.stderr, err)
	}
	return 0
}

// insertCommand puts sub after the leading global flags, so that
// `git-credential-camunda --profile x get` means `--profile x git get`.
func insertCommand(argv []string, sub string) []string {
	i := 0
	for i < len(argv) && strings.HasPrefix(argv[i], "-") && argv[i] != "--" {
		if !strings.Contains(argv[i], "=") && isValueFlag(argv[i]) {
			i++
		}
		i++
	}
	i = min(i, len(argv))
	out := append([]string{}, argv[:i]...)
	out = append(out, sub)
	return append(out, argv[i:]...)
}

func isValueFlag(f string) bool {
	switch f {
	case "--profile", "--config", "--timeout":
		return true
	}
	return false
}

// newHelper builds the token core from the global flags.
func newHelper(c *cli, kctx *kong.Context, e env) (*helper.Helper, error) {
	cfgPath := c.Config
	if cfgPath == "" {
		p, err := helper.DefaultConfigPath()
		if err != nil {
			return nil, &helper.Error{Kind: helper.KindUsage, Msg: "cannot find the config directory: " + err.Error() + " (pass --config)"}
		}
		cfgPath = p
	}
	cacheDir, err := helper.DefaultCacheDir()
	if err != nil {
		cacheDir = "" // no cache rather than no tokens
	}
	service, _ := e.lookup("CAMUNDA_CREDENTIAL_HELPER_SERVICE")
	return &helper.Helper{
		Secrets:    keystore.Keyring{Service: service},
		ConfigPath: cfgPath,
		CacheDir:   cacheDir,
		Profile:    c.Profile,
		Explicit:   profileOnCommandLine(kctx),
		Timeout:    c.Timeout,
		Getenv:     e.lookup,
	}, nil
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
	return helper.KindOf(err).ExitCode()
}

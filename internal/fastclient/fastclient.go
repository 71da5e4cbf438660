// Package fastclient is the hit path of both binaries: for the calls that
// print a token (token, get, kubectl, and the get of git, docker, Bazel and
// Terraform) it asks the user's running token agent for the token with a
// request and formats the answer with package protocol (Serve). The full
// binary tries Serve before it builds its command line;
// camunda-credential-helper-fast (Main) is Serve alone, a drop-in front
// for camunda-credential-helper (same arguments, output and exit codes)
// that hands every other call, and every call the agent cannot take, to
// the full binary (next to it, or on PATH), which also starts the agent.
//
// It links no core, no keychain, no HTTP client and no command-line
// library, and not package net (which brings cgo's resolver, and with it
// the dynamic loader in a default build), so that a cached token costs
// about one process start and a round trip to the agent.
package fastclient

import (
	"bytes"
	"context"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

// full is the name of the binary that does everything else.
const full = tools.Name

// Main runs the fast client with os.Args and exits. version is the release
// build's -X main.Version ("" for the build info's), which the agent
// compares with its own.
func Main(version string) {
	code, stdin, ok := Serve(os.Args, version)
	if !ok {
		os.Exit(fallback(os.Args, stdin))
	}
	os.Exit(code)
}

// Serve answers args (argv0 first) when it is a call that prints a token
// and the user's running agent takes it: the output goes to os.Stdout and
// os.Stderr and ok is true. Otherwise nothing is written, ok is false and
// stdin is what was read of standard input, which whoever answers instead
// must read first. The full binary calls it too, before it builds its
// command line, so that its cached calls cost what the fast front's do
// (see docs/benchmarks.md).
func Serve(args []string, version string) (code int, stdin []byte, ok bool) {
	c, ok := parse(tools.Args(args))
	if !ok || !served() {
		return 0, nil, false
	}
	if c.readsStdin() {
		var err error
		stdin, err = io.ReadAll(io.LimitReader(os.Stdin, protocol.MaxInput+1))
		if err != nil || len(stdin) > protocol.MaxInput {
			return 0, stdin, false
		}
	}
	src := &agentSource{version: agentwire.BuildVersion(version), call: c,
		interactive: term.IsTerminal(int(os.Stderr.Fd()))}
	var out, errb bytes.Buffer
	code = c.run(context.Background(), src, protocol.Stdio{In: bytes.NewReader(stdin), Out: &out, Err: &errb})
	if src.unserved {
		return 0, stdin, false
	}
	os.Stdout.Write(out.Bytes())
	if errb.Len() > 0 {
		os.Stderr.Write(errb.Bytes())
	}
	return code, nil, true
}

// served reports whether the agent may take calls from this environment:
// the OS has one, it is not turned off, and no credentials are in the
// environment (those never go to the agent). A call with the trace asked
// for (CAMUNDA_CREDENTIAL_HELPER_DEBUG) goes to the full binary, which
// traces every decision; --verbose is a flag parse leaves to it. So does a
// shell's completion request (COMP_LINE set), whatever its arguments.
func served() bool {
	_, completing := os.LookupEnv("COMP_LINE")
	return agentwire.Supported && !completing && !agentwire.Off(os.LookupEnv) && !credential.EnvCredentials(os.LookupEnv) &&
		!trace.Requested(os.LookupEnv)
}

// run answers the call with the protocol's own function over src.
func (c call) run(ctx context.Context, src *agentSource, s protocol.Stdio) int {
	switch c.command {
	case "token":
		return protocol.Token(ctx, src, credential.Request{MinTTL: c.minTTL, ForceRefresh: c.forceRefresh}, c.format, s)
	case "get":
		return protocol.Get(ctx, src, s)
	case "kubectl":
		return protocol.Kubectl(ctx, src, os.Getenv, s)
	case "git":
		return protocol.Git(ctx, src, "get", s)
	case "docker":
		return protocol.Docker(ctx, src, "get", s)
	case "bazel":
		return protocol.Bazel(ctx, src, "get", s)
	case "terraform":
		return protocol.Terraform(ctx, src, "get", c.args, s)
	}
	src.unserved = true
	return 1
}

// Package fastclient is camunda-credential-helper-fast: a drop-in front for
// camunda-credential-helper: same arguments, same output, same exit codes.
// It hands the calls that print a token (token, get, kubectl, and the get of
// git, docker, Bazel and Terraform) to the user's token agent, which runs
// them over the tokens it holds in memory; everything else, and every call
// the agent cannot take, it passes to camunda-credential-helper (next to
// it, or on PATH), which also starts the agent.
//
// It links only the agent's wire protocol, so that it starts in about the
// time of an empty Go program: a cached token costs one process start and a
// round trip to the agent, with no keychain read.
package fastclient

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/term"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
)

// full is the name of the binary that does everything else.
const full = "camunda-credential-helper"

// maxStdin bounds the standard input sent to the agent; more is left to the
// full binary.
const maxStdin = agentwire.MaxMessage / 4

// Main runs the fast client with os.Args and exits. version is the release
// build's -X main.Version ("" for the build info's), which the agent
// compares with its own.
func Main(version string) {
	args := os.Args
	var stdin []byte
	if ok, reads := agentwire.Forwardable(agentwire.CommandLine(args)); ok && served() {
		if reads {
			var err error
			if stdin, err = io.ReadAll(io.LimitReader(os.Stdin, maxStdin+1)); err != nil || len(stdin) > maxStdin {
				os.Exit(fallback(args, stdin))
			}
		}
		if code, ok := forward(args, stdin, agentwire.BuildVersion(version)); ok {
			os.Exit(code)
		}
	}
	os.Exit(fallback(args, stdin))
}

// served reports whether the agent may take calls from this environment.
func served() bool {
	if !agentwire.Supported || agentwire.Off(os.LookupEnv) {
		return false
	}
	for _, n := range agentwire.SecretEnv {
		if os.Getenv(n) != "" {
			return false
		}
	}
	return true
}

// forward has the agent run the command line; ok is false when it could not.
func forward(args []string, stdin []byte, version string) (code int, ok bool) {
	c, err := agentwire.Dial(agentwire.Dir(os.LookupEnv))
	if err != nil {
		return 0, false
	}
	cwd, err := os.Getwd()
	if err != nil {
		return 0, false
	}
	r := &agentwire.Request{Op: agentwire.OpRun, Version: version, Args: args, Stdin: stdin, Cwd: cwd,
		Env:         agentwire.Environment(os.LookupEnv, agentwire.ProcessEnv, agentwire.CallEnv),
		Interactive: term.IsTerminal(int(os.Stderr.Fd()))}
	// The agent bounds the call by its --timeout; this only guards against
	// an agent that hangs.
	rep, err := agentwire.Call(c, r, time.Now().Add(10*time.Minute))
	if err != nil || rep.Unserved != "" {
		return 0, false
	}
	os.Stdout.Write(rep.Stdout)
	os.Stderr.Write(rep.Stderr)
	return rep.Exit, true
}

// fallback runs the full binary with the same arguments (and argv0, which
// names the protocol for shims), replaying the standard input read so far.
func fallback(args []string, stdin []byte) int {
	path, err := fullPath()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", full, err)
		return 1
	}
	if agentwire.ShimCommand(args[0]) == "" {
		args = append([]string{path}, args[1:]...) // the full binary by its own name
	}
	if stdin == nil {
		execFull(path, args) // returns only where exec(2) is not available
	}
	// A child, fed what was read of stdin and then the rest. (os/exec
	// would cost every call its start-up.)
	pr, pw, err := os.Pipe()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", full, err)
		return 1
	}
	proc, err := os.StartProcess(path, args, &os.ProcAttr{Files: []*os.File{pr, os.Stdout, os.Stderr}})
	pr.Close()
	if err != nil {
		pw.Close()
		fmt.Fprintf(os.Stderr, "%s: %v\n", full, err)
		return 1
	}
	go func() {
		_, _ = io.Copy(pw, io.MultiReader(bytes.NewReader(stdin), os.Stdin))
		pw.Close()
	}()
	ps, err := proc.Wait()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", full, err)
		return 1
	}
	return exitStatus(ps)
}

// fullPath finds camunda-credential-helper next to this binary (symlinks
// resolved), else on PATH.
func fullPath() (string, error) {
	self, err := os.Executable()
	if err == nil {
		if self, err = filepath.EvalSymlinks(self); err == nil {
			p := filepath.Join(filepath.Dir(self), full+filepath.Ext(self))
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				return p, nil
			}
		}
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		p := filepath.Join(dir, full+exeSuffix)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && (exeSuffix != "" || fi.Mode()&0o111 != 0) && filepath.IsAbs(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("cannot find %s next to %s or on PATH", full, self)
}

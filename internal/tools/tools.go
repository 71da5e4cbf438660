// Package tools is the one table of the tools that shell out to the helper:
// the command each speaks, and the name it looks the helper up by on PATH
// or in its plugin directory (the shim: a link to the binary, whose name
// selects the command). The command line, setup, the docker protocol and
// the fast client all read it here.
package tools

import (
	"path/filepath"
	"strings"
)

// Name is the program's name: the full binary's, the prefix of its
// messages and trace lines, its keychain service, and the directory of its
// config, cache and agent. The fast front is Name+"-fast".
const Name = "camunda-credential-helper"

// Tool is one tool the helper serves.
type Tool struct {
	Command string // the helper's command that speaks the tool's protocol
	Shim    string // the name the tool runs the helper under; "" when the tool runs the binary itself
}

// All are the tools, in the order setup and the help list them.
var All = []Tool{
	{Command: "git", Shim: "git-credential-camunda"},
	{Command: "docker", Shim: "docker-credential-camunda"},
	{Command: "kubectl"},
	{Command: "bazel", Shim: "bazel-credential-camunda"},
	{Command: "terraform", Shim: "terraform-credentials-camunda"},
}

// Names are the tools' commands, in order.
func Names() []string {
	out := make([]string, len(All))
	for i, t := range All {
		out[i] = t.Command
	}
	return out
}

// Find returns the tool that speaks command.
func Find(command string) (Tool, bool) {
	for _, t := range All {
		if t.Command == command {
			return t, true
		}
	}
	return Tool{}, false
}

// Shim is the name the tool speaking command runs the helper under, or "".
func Shim(command string) string {
	t, _ := Find(command)
	return t.Shim
}

// ShimCommand returns the command for the name argv0 was invoked as, or ""
// for any other name. Terraform may append _vX.Y.Z, Windows .exe.
func ShimCommand(argv0 string) string {
	base := strings.TrimSuffix(filepath.Base(argv0), ".exe")
	if i := strings.Index(base, "_v"); i > 0 {
		base = base[:i]
	}
	for _, t := range All {
		if t.Shim != "" && t.Shim == base {
			return t.Command
		}
	}
	return ""
}

// Args returns the arguments after argv0, with the shim's command in front
// when the binary runs under a shim's name: `git-credential-camunda
// --profile x get` means `git --profile x get` (global flags may follow the
// command).
func Args(args []string) []string {
	if cmd := ShimCommand(args[0]); cmd != "" {
		return append([]string{cmd}, args[1:]...)
	}
	return args[1:]
}

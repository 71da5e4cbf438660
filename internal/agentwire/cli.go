package agentwire

import (
	"path/filepath"
	"strings"
)

// Shims maps the names the binary may be invoked under to the command each
// stands for.
var Shims = map[string]string{
	"git-credential-camunda":        "git",
	"docker-credential-camunda":     "docker",
	"bazel-credential-camunda":      "bazel",
	"terraform-credentials-camunda": "terraform",
}

// ShimCommand returns the command for the name argv0 was invoked as ("" for
// any other name). Terraform may append _vX.Y.Z, Windows .exe.
func ShimCommand(argv0 string) string {
	base := strings.TrimSuffix(filepath.Base(argv0), ".exe")
	if i := strings.Index(base, "_v"); i > 0 {
		base = base[:i]
	}
	return Shims[base]
}

// CommandLine returns the arguments after argv0 with the shim's command
// inserted after the leading global flags, so that
// `git-credential-camunda --profile x get` means `--profile x git get`.
func CommandLine(args []string) []string {
	argv := args[1:]
	sub := ShimCommand(args[0])
	if sub == "" {
		return argv
	}
	i := 0
	for i < len(argv) && strings.HasPrefix(argv[i], "-") && argv[i] != "--" {
		if IsValueFlag(argv[i]) {
			i++
		}
		i++
	}
	i = min(i, len(argv))
	out := append([]string{}, argv[:i]...)
	out = append(out, sub)
	return append(out, argv[i:]...)
}

// IsValueFlag reports whether f is a global flag that takes the next
// argument as its value.
func IsValueFlag(f string) bool {
	switch f {
	case "--profile", "--config", "--timeout":
		return true
	}
	return false
}

// CommandWord returns the index of the first argument that is not a global
// flag or its value, the command if argv is well formed, or -1.
func CommandWord(argv []string) int {
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		switch {
		case !strings.HasPrefix(a, "-"):
			return i
		case a == "--":
			return -1
		case IsValueFlag(a):
			i++
		}
	}
	return -1
}

// WantsHelp reports whether argv asks for help or the version.
func WantsHelp(argv []string) bool {
	for _, a := range argv {
		if a == "--" {
			return false
		}
		if a == "-h" || a == "--help" || a == "--version" {
			return true
		}
	}
	return false
}

// Forwardable reports whether the agent may run command line argv (without
// argv0) for a client: only the commands that print a token and change
// nothing. stdin says whether the command reads its standard input, which
// the client then sends along.
func Forwardable(argv []string) (ok, stdin bool) {
	if WantsHelp(argv) {
		return false, false
	}
	i := CommandWord(argv)
	if i < 0 {
		return false, false
	}
	action := ""
	for j := i + 1; j < len(argv); j++ {
		a := argv[j]
		if IsValueFlag(a) { // global flags may follow the command: skip their values
			j++
			continue
		}
		if !strings.HasPrefix(a, "-") {
			action = a
			break
		}
	}
	switch argv[i] {
	case "token", "kubectl":
		return true, false
	case "get":
		return true, true
	case "git", "docker", "bazel":
		return action == "get", true
	case "terraform":
		return action == "get", false
	}
	return false, false
}

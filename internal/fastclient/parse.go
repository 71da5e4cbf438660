package fastclient

import (
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

// call is a command line the fast client answers itself.
type call struct {
	command string   // token, get, kubectl, git, docker, bazel or terraform
	args    []string // terraform's host

	profile    string // --profile
	profileSet bool
	config     string // --config: absolute (others go to the full binary)
	timeout    time.Duration

	format       string // token --format
	minTTL       time.Duration
	forceRefresh bool
}

// readsStdin reports whether the call's protocol reads standard input.
func (c call) readsStdin() bool {
	return slices.Contains([]string{"get", "git", "docker", "bazel"}, c.command)
}

// parse reads the command lines that print a token, as the full binary's
// command line reads them (global flags before or after the command). ok
// is false for anything else (help, other commands or actions, a flag it
// does not know, a relative --config), which goes to the full binary.
func parse(argv []string) (c call, ok bool) {
	c.format = "json"
	var pos []string
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		if !strings.HasPrefix(a, "-") {
			pos = append(pos, a)
			continue
		}
		name, value, inline := strings.Cut(a, "=")
		if !inline && TakesValue(name) {
			if i+1 >= len(argv) {
				return c, false
			}
			i++
			value = argv[i]
		}
		if !c.flag(name, value, inline) {
			return c, false
		}
	}
	if len(pos) == 0 {
		return c, false
	}
	c.command, pos = pos[0], pos[1:]
	switch c.command {
	case "token", "get", "kubectl":
		ok = len(pos) == 0
	case "git", "docker", "bazel":
		ok = len(pos) == 1 && pos[0] == "get"
	case "terraform":
		if ok = len(pos) == 2 && pos[0] == "get"; ok {
			c.args = pos[1:]
		}
	}
	if c.command != "token" && (c.format != "json" || c.minTTL != 0 || c.forceRefresh) {
		return c, false // token's flags, given to another command
	}
	return c, ok
}

// TakesValue reports the flags whose value is the next argument: the
// global flags that take one (internal/cli checks it against its own) and
// token's.
func TakesValue(name string) bool {
	return slices.Contains([]string{"--profile", "--config", "--timeout", "--format", "-f", "--min-ttl"}, name)
}

// flag applies one flag; false for a flag the fast client leaves to the
// full binary.
func (c *call) flag(name, value string, inline bool) bool {
	var err error
	switch name {
	case "--profile":
		c.profile, c.profileSet = value, true
	case "--config":
		c.config = value
		return filepath.IsAbs(value)
	case "--timeout":
		c.timeout, err = time.ParseDuration(value)
	case "--format", "-f":
		c.format = value
		return slices.Contains(protocol.TokenFormats, value)
	case "--min-ttl":
		c.minTTL, err = time.ParseDuration(value)
	case "--force-refresh":
		c.forceRefresh = !inline
		return !inline
	case "--verbose":
		return false // the full binary traces every decision
	default:
		return false
	}
	return err == nil
}

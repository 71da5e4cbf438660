package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/alecthomas/kong"
	"golang.org/x/term"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/forward"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokencache"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// newCore is the one place a core is built: for a call, with the caller's
// environment, and inside the agent for each config file it serves, with
// its memory in front of the file cache and no environment (callers with
// credentials in theirs are never served there).
func newCore(configPath string, lookup func(string) (string, bool), front tokencache.Store) *helper.Core {
	cacheDir, err := helper.DefaultCacheDir()
	if err != nil {
		cacheDir = "" // no cache rather than no tokens
	}
	service, _ := lookup("CAMUNDA_CREDENTIAL_HELPER_SERVICE")
	return &helper.Core{Secrets: keystore.Select(service, lookup), ConfigPath: configPath, CacheDir: cacheDir,
		Getenv: lookup, Front: front}
}

// newClient builds a call's token path from the global flags: the core,
// inside the agent's token path, which asks a running agent first (unless
// CAMUNDA_CREDENTIAL_HELPER_AGENT=off) and tells it what a call withdraws.
// The core is returned too, for the commands that examine the direct path
// (doctor, check); every other command gets only the token path.
func newClient(c *cli, ch choice, e env) (*helper.Core, *agent.TokenPath, error) {
	cfgPath, err := configPath(c, e)
	if err != nil {
		return nil, nil, err
	}
	core := newCore(cfgPath, e.lookup, nil)
	core.Profile, core.Explicit = ch.profile, ch.explicit
	core.Timeout = c.Timeout
	client := agent.NewTokenPath(core)
	if ep := agentwire.Locate(e.lookup); ep.Forwarded {
		// A forwarded agent serves every token (package forward).
		client.Forward = &forward.Source{Endpoint: ep, Version: version(), Timeout: core.TimeoutOrDefault()}
	} else if agentwire.Supported {
		client.Dir = ep.Dir
		client.Tokens = !agentwire.Off(e.lookup)
		client.Exe, client.Version, client.Interactive = e.exe, version(), interactive(e)
		client.Env = agentwire.Environment(e.lookup, agentwire.ProcessEnv)
	}
	return core, client, nil
}

// choice is the caller's choice of profile, which config.Select applies.
type choice struct {
	profile  string
	explicit bool // --profile on the command line: it also wins over host routing
	named    bool // --profile or CAMUNDA_PROFILE (else the default)
}

// String says where the choice came from, for the trace.
func (ch choice) String() string {
	switch {
	case ch.explicit:
		return fmt.Sprintf("%q by --profile (it wins over host routing)", ch.profile)
	case ch.named:
		return fmt.Sprintf("%q by CAMUNDA_PROFILE (for requests that route no host)", ch.profile)
	}
	return fmt.Sprintf("none named: %q for requests that route no host", ch.profile)
}

// selectedProfile reads the caller's choice: --profile on the command
// line, else CAMUNDA_PROFILE, else the flag's default.
func selectedProfile(c *cli, kctx *kong.Context, e env) choice {
	for _, a := range kctx.Args {
		if a == "--" {
			break
		}
		if a == "--profile" || strings.HasPrefix(a, "--profile=") {
			return choice{profile: c.Profile, explicit: true, named: true}
		}
	}
	if v, ok := e.lookup("CAMUNDA_PROFILE"); ok {
		return choice{profile: v, named: true}
	}
	return choice{profile: c.Profile}
}

// interactive reports whether a person is at the terminal: stderr is one,
// as it is under git and kubectl.
func interactive(e env) bool {
	if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return true
	}
	return e.interactive
}

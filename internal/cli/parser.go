package cli

import (
	"reflect"
	"slices"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

// onlyCommand is the command argv names, or "" when the parser needs the
// whole tree (help, completion, an unknown command).
func onlyCommand(argv []string, e env) string {
	only := ""
	if i := commandWord(argv); i >= 0 {
		only = argv[i]
	}
	_, completing := e.lookup("COMP_LINE")
	if completing || wantsHelp(argv) || !slices.ContainsFunc(commands, func(c command) bool { return c.name == only }) {
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
		kong.Vars{"config_default": configDefault, "default_token_var": defaultTokenVar, "version": version(), "token_url": config.DefaultTokenURL,
			"audience": config.DefaultAudience, "apis": strings.Join(config.PresetNames(), ","), "tools": strings.Join(tools.Names(), ","),
			"token_formats": strings.Join(protocol.TokenFormats, ",")},
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

// commandWord returns the index of the first argument that is neither a
// global flag nor its value (the command, when argv is well formed), or -1.
func commandWord(argv []string) int {
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		switch {
		case !strings.HasPrefix(a, "-"):
			return i
		case a == "--":
			return -1
		case slices.Contains(globalValueFlags, a):
			i++
		}
	}
	return -1
}

// globalValueFlags are the global flags that take the next argument as
// their value, read off the cli struct: --profile, --config, --timeout.
var globalValueFlags = func() []string {
	var out []string
	t := reflect.TypeFor[cli]()
	for i := range t.NumField() {
		if f := t.Field(i); f.Type.Kind() != reflect.Bool && f.Type != reflect.TypeFor[kong.VersionFlag]() {
			out = append(out, "--"+strings.ToLower(f.Name))
		}
	}
	return out
}()

// wantsHelp reports whether argv asks for help or the version.
func wantsHelp(argv []string) bool {
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

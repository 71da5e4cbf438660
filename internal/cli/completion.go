package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/posener/complete"
	"github.com/willabides/kongplete"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
)

type completionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"bash, zsh or fish."`
}

// Run prints the shell's completion script. The shell then runs this
// binary with COMP_LINE set, which completeIfAsked answers.
func (cmd *completionCmd) Run(e env) error {
	switch cmd.Shell {
	case "bash":
		fmt.Fprintf(e.stdout, "# Add to ~/.bashrc:  source <(%s completion bash)\ncomplete -C %q %s\n", name, e.exe, name)
	case "zsh":
		fmt.Fprintf(e.stdout, "# Add to ~/.zshrc:  source <(%s completion zsh)\nautoload -U +X bashcompinit && bashcompinit\ncomplete -o nospace -C %q %s\n", name, e.exe, name)
	case "fish":
		fmt.Fprintf(e.stdout, `# Save as ~/.config/fish/completions/%[1]s.fish
function __complete_%[1]s
    set -lx COMP_LINE (commandline -cp)
    test -z (commandline -ct)
    and set COMP_LINE "$COMP_LINE "
    %[2]q
end
complete -f -c %[1]s -a "(__complete_%[1]s)"
`, name, e.exe)
	}
	return nil
}

// completeIfAsked answers a shell's completion request (COMP_LINE set) and
// reports whether it did. Profile names come from the config file.
func completeIfAsked(parser *kong.Kong, e env) (bool, int) {
	if _, ok := e.lookup("COMP_LINE"); !ok {
		return false, 0
	}
	code := -1
	profiles := complete.PredictFunc(func(complete.Args) []string {
		path, err := configPath(completingConfig(e), e)
		if err != nil {
			return nil
		}
		cfg, err := config.Load(path)
		if err != nil {
			return nil
		}
		return cfg.Names()
	})
	kongplete.Complete(parser,
		kongplete.WithPredictor("profile", profiles),
		kongplete.WithPredictor("file", complete.PredictFiles("*")),
		kongplete.WithExitFunc(func(c int) { code = c }),
		kongplete.WithErrorHandler(func(err error) { fmt.Fprintln(os.Stderr, err) }),
	)
	if code < 0 {
		return false, 0
	}
	return true, code
}

// completingConfig is the --config of the command line being completed,
// so that profile names come from the file that line will use.
func completingConfig(e env) *cli {
	c := &cli{}
	line, _ := e.lookup("COMP_LINE")
	words := strings.Fields(line)
	for i, w := range words {
		if v, ok := strings.CutPrefix(w, "--config="); ok {
			c.Config = v
		} else if w == "--config" && i+1 < len(words) {
			c.Config = words[i+1]
		}
	}
	return c
}

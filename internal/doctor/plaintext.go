package doctor

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/envfile"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/importer"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
)

const prog = tools.Name

// Plaintext finds the client secrets Camunda's other tools keep in
// plaintext: c8ctl's profiles, Desktop Modeler's connections, and
// Console's credentials files in the working directory (.env,
// credentials-*.txt). Each finding names the file and the command that
// moves the secret into the keychain; never the secret.
func Plaintext(lookup func(string) (string, bool), cwd string) []helper.Finding {
	var out []helper.Finding
	sources := []struct {
		kind, cmd, path string
		parse           func([]byte) ([]importer.Entry, error)
		after           string
	}{
		{"c8ctl profile", "c8ctl", importer.C8ctlPath(lookup), importer.ParseC8ctl, " --scrub"},
		{"Modeler connection", "modeler", importer.ModelerPath(lookup), importer.ParseModeler, " (Modeler keeps its own copy)"},
	}
	for _, tool := range sources {
		b, err := importer.ReadSource(tool.path)
		if os.IsNotExist(err) {
			continue
		}
		var entries []importer.Entry
		if err == nil {
			entries, err = tool.parse(b)
		}
		if err != nil {
			out = append(out, helper.Finding{OK: true, Warn: true, Topic: "plaintext",
				Detail: fmt.Sprintf("%s: not checked for secrets: %v", tool.path, trimPath(err, tool.path))})
			continue
		}
		for _, e := range entries {
			if !e.Plaintext() {
				continue
			}
			f := helper.Finding{OK: true, Warn: true, Topic: "plaintext"}
			if e.Secret != "" {
				f.Detail = fmt.Sprintf("%s %q in %s holds a client secret%s", tool.kind, e.Source, tool.path, readable(tool.path))
				f.Fix = fmt.Sprintf("%s import %s %s%s", prog, tool.cmd, shellQuote(e.Source), tool.after)
			} else {
				f.Detail = fmt.Sprintf("%s %q in %s holds a basic-auth password%s", tool.kind, e.Source, tool.path, readable(tool.path))
				f.Fix = "the helper keeps OAuth client secrets only: use an OAuth client, or at least chmod 600 " + shellQuote(tool.path)
			}
			out = append(out, f)
		}
	}
	return append(out, consoleFiles(cwd)...)
}

// consoleFiles: the credentials Console offers for download, saved in the
// working directory as .env or credentials-*.txt, when one holds a secret.
func consoleFiles(cwd string) []helper.Finding {
	paths, _ := filepath.Glob(filepath.Join(cwd, "credentials-*.txt"))
	paths = append([]string{filepath.Join(cwd, ".env")}, paths...)
	var out []helper.Finding
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		vars, err := envfile.ParseEnvFile(f)
		f.Close()
		if err != nil {
			continue // not a credentials file
		}
		var names []string
		for _, k := range envfile.SecretVars() {
			if strings.TrimSpace(vars[k]) != "" {
				names = append(names, k)
			}
		}
		if len(names) == 0 {
			continue
		}
		slices.Sort(names)
		out = append(out, helper.Finding{OK: true, Warn: true, Topic: "plaintext",
			Detail: fmt.Sprintf("%s holds a client secret (%s)%s", path, strings.Join(names, ", "), readable(path)),
			Fix:    fmt.Sprintf("%s login --from-env-file %s, then delete the file", prog, shellQuote(path))})
	}
	return out
}

// readable says when other users may read the file (Unix mode bits).
func readable(path string) string {
	fi, err := os.Stat(path)
	if err != nil || runtime.GOOS == "windows" || fi.Mode().Perm()&0o044 == 0 {
		return ""
	}
	return fmt.Sprintf(", readable by other users (mode %04o)", fi.Mode().Perm())
}

func trimPath(err error, path string) string {
	return strings.TrimPrefix(strings.TrimPrefix(err.Error(), "open "+path+": "), path+" ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@=+,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/importer"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

type importCmd struct {
	C8ctl   importC8ctlCmd   `cmd:"" name:"c8ctl" help:"Import the OAuth profiles of c8ctl's profiles.json (all, or those named)."`
	Modeler importModelerCmd `cmd:"" help:"Import the OAuth connections of Desktop Modeler's settings.json (all, or those named)."`
}

// importFlags are what both sources take.
type importFlags struct {
	Names    []string `arg:"" optional:"" name:"NAME" help:"Entries to import (default: every OAuth entry)."`
	File     string   `help:"The file to read (default: the tool's own)." placeholder:"FILE" type:"path"`
	NoVerify bool     `help:"Store without checking the credentials against the token endpoint."`
	Force    bool     `help:"Replace a profile of the same name."`
}

type importC8ctlCmd struct {
	importFlags
	Scrub bool `help:"Then remove the imported secrets from profiles.json (other fields and the file's mode stay)."`
}

type importModelerCmd struct{ importFlags }

func (cmd *importC8ctlCmd) Run(ctx context.Context, c *agent.TokenPath, core *helper.Core, e env) error {
	path := cmd.path(e, importer.C8ctlPath)
	entries, err := readEntries(path, importer.ParseC8ctl)
	if err != nil {
		return err
	}
	imported, failed := cmd.importAll(ctx, c, core.Secrets, e, "c8ctl profile", path, entries)
	if cmd.Scrub && len(imported) > 0 {
		if err := scrub(e, path, imported); err != nil {
			failed = append(failed, err)
		}
	}
	return summary(e, failed)
}

func (cmd *importModelerCmd) Run(ctx context.Context, c *agent.TokenPath, core *helper.Core, e env) error {
	path := cmd.path(e, importer.ModelerPath)
	entries, err := readEntries(path, importer.ParseModeler)
	if err != nil {
		return err
	}
	imported, failed := cmd.importAll(ctx, c, core.Secrets, e, "Modeler connection", path, entries)
	if len(imported) > 0 {
		fmt.Fprintf(e.stderr, "The plaintext copy stays in %s: Desktop Modeler cannot get its secret from anywhere else yet.\n", path)
	}
	return summary(e, failed)
}

func (f *importFlags) path(e env, def func(func(string) (string, bool)) string) string {
	if f.File != "" {
		return absPath(f.File, e)
	}
	return def(e.lookup)
}

// readEntries reads and parses a tool's file; one that does not parse is
// reported with its path and left as it is.
func readEntries(path string, parse func([]byte) ([]importer.Entry, error)) ([]importer.Entry, error) {
	b, err := importer.ReadSource(path)
	if err != nil {
		return nil, &credential.Error{Kind: credential.KindUsage, Msg: "cannot read " + path + ": " + strings.TrimPrefix(err.Error(), "open "+path+": ")}
	}
	entries, err := parse(b)
	if err != nil {
		return nil, &credential.Error{Kind: credential.KindUsage, Msg: path + ": " + err.Error() + " (left as it is)"}
	}
	return entries, nil
}

// importAll logs in each chosen entry the way login does (verified unless
// --no-verify, then stored in the keychain), and goes on after a failure.
// It returns the entries imported and the failures. secrets is where
// they are stored, named in the messages (the token path stores them).
func (f *importFlags) importAll(ctx context.Context, c *agent.TokenPath, secrets keystore.Store, e env, kind, path string, entries []importer.Entry) (imported []importer.Entry, failed []error) {
	var cfgNames []string
	if cfg, err := c.Config(); err == nil {
		cfgNames = cfg.Names()
	} else {
		return nil, []error{err}
	}
	for _, n := range f.Names {
		if !slices.ContainsFunc(entries, func(en importer.Entry) bool { return en.Source == n || en.Profile == n }) {
			failed = append(failed, fail(e, kind, n, &credential.Error{Kind: credential.KindUsage, Msg: "not in " + path}))
		}
	}
	for _, en := range entries {
		if len(f.Names) > 0 && !slices.Contains(f.Names, en.Source) && !slices.Contains(f.Names, en.Profile) {
			continue
		}
		if en.Skip != "" {
			fmt.Fprintf(e.stderr, "Skipped %s %q: %s.\n", kind, en.Source, en.Skip)
			continue
		}
		if slices.Contains(cfgNames, en.Profile) && !f.Force {
			failed = append(failed, fail(e, kind, en.Source, &credential.Error{Kind: credential.KindUsage,
				Msg: fmt.Sprintf("profile %q exists (--force replaces it)", en.Profile)}))
			continue
		}
		id, tokenURL, audience, scope, apiURL, api := en.ClientID, en.TokenURL, en.Audience, en.Scope, en.APIURL, "zeebe"
		lp := helper.LoginParams{ClientID: &id, TokenURL: &tokenURL, Audience: &audience, Scope: &scope, API: &api,
			APIURL: &apiURL, Secret: en.Secret, NoVerify: f.NoVerify}
		tok, err := c.LoginProfile(ctx, en.Profile, lp)
		if err != nil {
			failed = append(failed, fail(e, kind, en.Source, err))
			continue
		}
		imported = append(imported, en)
		how := "verified"
		if f.NoVerify {
			how = "not verified"
		} else {
			how += ", token valid until " + tok.Expiry.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(e.stderr, "Imported %s %q as profile %q into %s (%s).\n", kind, en.Source, en.Profile, storeName(secrets), how)
	}
	if len(imported) > 0 {
		storeNote(secrets, e)
	}
	return imported, failed
}

// fail reports one entry's failure and returns it.
func fail(e env, kind, source string, err error) error {
	msg := strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "\n  ")
	fmt.Fprintf(e.stderr, "%s: not imported: %s %q: %s\n", name, kind, source, msg)
	return err
}

// scrub removes the imported secrets from c8ctl's file, read again (c8ctl
// may have written it meanwhile), and says how to run c8ctl without them.
func scrub(e env, path string, imported []importer.Entry) error {
	b, err := importer.ReadSource(path)
	var out []byte
	var done []string
	if err == nil {
		out, done, err = importer.ScrubImported(b, imported)
	}
	if err == nil && len(done) == 0 {
		fmt.Fprintf(e.stderr, "Nothing to scrub: the imported secrets are no longer in %s.\n", path)
		return nil
	}
	if err == nil {
		err = importer.Replace(path, out)
	}
	if err != nil {
		err = &credential.Error{Kind: credential.KindOther, Msg: path + " not scrubbed: " + err.Error() + " (left as it is)"}
		fmt.Fprintf(e.stderr, "%s: %s\n", name, err)
		return err
	}
	fmt.Fprintf(e.stderr, "Removed the client secret of %s from %s. Run c8ctl from now on as:\n", strings.Join(quoteAll(done), ", "), path)
	for _, n := range done {
		fmt.Fprintf(e.stderr, "  %s --profile %s exec --serve -- c8ctl ...\n", name, n)
	}
	return nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// summary is the exit status: the first failure's, when any.
func summary(e env, failed []error) error {
	if len(failed) == 0 {
		return nil
	}
	fmt.Fprintf(e.stderr, "%s: %d not imported (see above)\n", name, len(failed))
	return exitCode(credential.KindOf(failed[0]).ExitCode())
}

package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/setup"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
)

type setupCmd struct {
	Tool    string `arg:"" enum:"${tools}" help:"The tool: ${tools}." placeholder:"TOOL"`
	Install string `help:"Create the tool's shim in DIR (a symlink to camunda-credential-helper-fast when it is installed next to this binary, else to this binary)." placeholder:"DIR" type:"path"`
}

func (cmd *setupCmd) Run(ctx context.Context, c *agent.Client, e env) error {
	cfg, err := config.Load(c.ConfigPath)
	if err != nil {
		return err
	}
	p, ok := cfg.Profiles[c.Profile]
	if !ok {
		return &credential.Error{Kind: credential.KindUsage, Msg: fmt.Sprintf("no profile %q", c.Profile),
			Hint: fmt.Sprintf("Run: %s --profile %s login --client-id ID --host HOST", name, c.Profile)}
	}
	hosts := append([]string(nil), p.Hosts...)
	sort.Strings(hosts)
	exe := preferFast(e.exe)
	shimDir := cmd.Install
	if shimDir == "" {
		shimDir = filepath.Dir(exe)
	}
	// Name the profile in the snippet only when the user chose one: without
	// it, git and the shims route by host, and kubectl uses the default.
	profile := ""
	if _, fromEnv := e.lookup("CAMUNDA_PROFILE"); c.Explicit || fromEnv {
		profile = c.Profile
	}
	var snippet bytes.Buffer
	err = setup.Setup(&snippet, cmd.Tool, setup.Params{Exe: exe, Profile: profile, Hosts: hosts, ShimDir: shimDir})
	if errors.Is(err, setup.ErrNoHosts) {
		return &credential.Error{Kind: credential.KindUsage, Msg: err.Error(),
			Hint: fmt.Sprintf("Add the host the %s server has (repeat --host for more; the secret is asked again): %s login --profile %s --host HOST", cmd.Tool, name, c.Profile)}
	}
	if err != nil {
		return err
	}
	if cmd.Install != "" {
		if err := installShim(exe, cmd.Install, cmd.Tool); err != nil {
			return err
		}
	}
	_, err = e.stdout.Write(snippet.Bytes())
	return err
}

// preferFast returns camunda-credential-helper-fast when it is installed
// next to exe and the OS has the agent: the tools then get cached tokens
// from the agent in about the time of a bare process start.
func preferFast(exe string) string {
	if !agentwire.Supported {
		return exe
	}
	fast := filepath.Join(filepath.Dir(exe), name+"-fast"+filepath.Ext(exe))
	if fi, err := os.Stat(fast); err == nil && fi.Mode().IsRegular() {
		return fast
	}
	return exe
}

// installShim links dir/<shim name> to exe, replacing an older link.
func installShim(exe, dir, tool string) error {
	shim := tools.Shim(tool)
	if shim == "" {
		return nil // kubectl runs the binary itself
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return &credential.Error{Kind: credential.KindUsage, Msg: err.Error()}
	}
	link := filepath.Join(dir, shim)
	if fi, err := os.Lstat(link); err == nil {
		if fi.Mode()&fs.ModeSymlink == 0 {
			return &credential.Error{Kind: credential.KindUsage, Msg: link + " exists and is not a symlink; not replacing it"}
		}
		os.Remove(link)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return &credential.Error{Kind: credential.KindUsage, Msg: err.Error()}
	}
	if err := os.Symlink(exe, link); err != nil {
		return &credential.Error{Kind: credential.KindUsage, Msg: err.Error()}
	}
	return nil
}

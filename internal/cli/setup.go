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
	"strings"

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

func (cmd *setupCmd) Run(ctx context.Context, c *agent.TokenPath, e env, ch choice) error {
	cfg, err := config.Load(c.ConfigPath())
	if err != nil {
		return err
	}
	p, ok := cfg.Profiles[c.ProfileName()]
	if !ok {
		return &credential.Error{Kind: credential.KindUsage, Msg: fmt.Sprintf("no profile %q", c.ProfileName()),
			Hint: fmt.Sprintf("Run: %s --profile %s login --client-id ID --host HOST", name, c.ProfileName())}
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
	if ch.named {
		profile = c.ProfileName()
	}
	var snippet bytes.Buffer
	err = setup.Setup(&snippet, cmd.Tool, setup.Params{Exe: exe, Profile: profile, Hosts: hosts, ShimDir: shimDir,
		ShimMissing: cmd.Install == "" && !shimPresent(shimDir, cmd.Tool, exe)})
	if errors.Is(err, setup.ErrNoHosts) {
		return &credential.Error{Kind: credential.KindUsage, Msg: err.Error(),
			Hint: fmt.Sprintf("Add the host the %s server has (repeat --host for more; the secret is asked again): %s login --profile %s --host HOST", cmd.Tool, name, c.ProfileName())}
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

// installShim puts the tool's shim in dir: a symlink to exe, or on
// Windows (where a symlink needs a privilege, and the name needs ".exe") a
// hard link or copy of it. It replaces only an earlier shim of ours.
func installShim(exe, dir, tool string) error {
	shim := tools.Shim(tool)
	if shim == "" {
		return nil // kubectl runs the binary itself
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return &credential.Error{Kind: credential.KindUsage, Msg: err.Error()}
	}
	link := filepath.Join(dir, shim+filepath.Ext(exe))
	if err := removeOldShim(link, exe); err != nil {
		if _, ok := err.(*credential.Error); ok {
			return err
		}
		return &credential.Error{Kind: credential.KindUsage, Msg: err.Error()}
	}
	if err := placeShim(exe, link); err != nil {
		return &credential.Error{Kind: credential.KindUsage, Msg: err.Error()}
	}
	return nil
}

// shimPresent reports whether dir holds the tool's shim, under the name
// its OS looks for (with ".exe" on Windows).
func shimPresent(dir, tool, exe string) bool {
	_, err := os.Stat(filepath.Join(dir, tools.Shim(tool)+filepath.Ext(exe)))
	return err == nil
}

// removeOldShim removes link when it is an earlier shim of ours: a symlink
// to one of our binaries (ownLink), or this very binary (a hard link or a
// copy). Anything else stays, a symlink to another helper included (say
// docker-credential-pass installed under our shim's name).
func removeOldShim(link, exe string) error {
	fi, err := os.Lstat(link)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		if target, ok := ownLink(link, exe); !ok {
			return &credential.Error{Kind: credential.KindUsage,
				Msg:  fmt.Sprintf("%s is a symlink to %s, not to %s: not replacing it", link, target, name),
				Hint: fmt.Sprintf("That helper answers its tool now. To have %s answer instead, remove the link yourself and run this again, or install the shim into another directory (--install DIR) that comes first in PATH.", name)}
		}
	} else if !sameBinary(link, exe) {
		return &credential.Error{Kind: credential.KindUsage, Msg: link + " exists and is not a shim of this binary; not replacing it"}
	}
	return os.Remove(link)
}

// ownLink reports whether the symlink link points to one of our binaries,
// and returns its target. Ours are the full binary and the fast one: by
// name, also at an earlier install's path (a package upgrade moves them,
// and may have removed the old one), or by being exe itself.
func ownLink(link, exe string) (string, bool) {
	target, err := os.Readlink(link)
	if err != nil {
		return link, false
	}
	ourName := func(p string) bool {
		b := strings.TrimSuffix(filepath.Base(p), filepath.Ext(exe))
		return b == name || b == name+"-fast"
	}
	if ourName(target) {
		return target, true
	}
	real, err := filepath.EvalSymlinks(link)
	return target, err == nil && (ourName(real) || sameBinary(real, exe))
}

// sameBinary reports whether a and b are the same file, or equal copies.
func sameBinary(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA != nil || errB != nil {
		return false
	}
	if os.SameFile(fa, fb) {
		return true
	}
	if fa.Size() != fb.Size() {
		return false
	}
	ba, errA := os.ReadFile(a)
	bb, errB := os.ReadFile(b)
	return errA == nil && errB == nil && bytes.Equal(ba, bb)
}

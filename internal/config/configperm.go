package config

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/privfile"
)

// A trusted file decides where the client secret goes: the config file
// (the token URL) and a profile's CA bundle (ca_file: which servers pass
// for the token endpoint). One that someone other than the user (or root)
// could change is refused, as ssh refuses such a ~/.ssh/config. Its
// directory is checked too, since whoever may write a directory may
// replace the files in it; for a symlink, so is the target's. Doctor
// reports the same refusal, so the rule lives here only.
//
// The hint is a chmod only on what the user owns: a config under /tmp must
// not suggest "chmod 700 /tmp", and another user's file cannot be chowned
// by its victim either; then the hint says to move the file to a directory
// of the user's own. On Windows the mode and owner checks do nothing
// (privfile's perm_other.go): ACLs decide there.
type trusted struct {
	what, dirWhat   string // "config file", "config directory"
	fileFix, dirFix string // the chmod that closes them, when the user owns them
	move            string // the fix when the user does not own what is open
}

var configTrust = trusted{what: "config file", dirWhat: "config directory", fileFix: "chmod 600", dirFix: "chmod 700",
	move: "Move the config file into a directory of your own (the default is %s), or point --config at one there."}

var caTrust = trusted{what: "CA file", dirWhat: "CA file's directory", fileFix: "chmod go-w", dirFix: "chmod go-w",
	move: "Move the CA file into a directory of your own (next to the config file, %s, say) and log in with --ca-file pointing there."}

// checkConfigPerms applies the rule to the config file at path; fi
// describes the file as opened.
func checkConfigPerms(path string, fi fs.FileInfo) error { return configTrust.check(path, fi) }

// checkConfigDir applies the rule to the directory that holds (or will
// hold) the config file. A missing directory is left to the caller.
func checkConfigDir(dir string) error { return configTrust.checkDir(dir) }

// MaxCAFile bounds a CA bundle (the system's own is about 200 KiB).
const MaxCAFile = 4 << 20

// ReadCAFile reads a profile's CA bundle, refused like a config file that
// others could change (see trusted).
func ReadCAFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &credential.Error{Kind: credential.KindUsage, Msg: "cannot read CA file: " + err.Error(), Err: err}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, &credential.Error{Kind: credential.KindUsage, Msg: "cannot read CA file: " + err.Error(), Err: err}
	}
	if err := caTrust.check(path, fi); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxCAFile+1))
	if err == nil && len(b) > MaxCAFile {
		err = fmt.Errorf("larger than %d MiB", MaxCAFile>>20)
	}
	if err != nil {
		return nil, &credential.Error{Kind: credential.KindUsage, Msg: fmt.Sprintf("cannot read CA file %s: %v", path, err), Err: err}
	}
	return b, nil
}

func (t trusted) check(path string, fi fs.FileInfo) error {
	if err := t.checkOne(t.what, path, fi, t.fileFix); err != nil {
		return err
	}
	dirs := []string{filepath.Dir(path)}
	if real, err := filepath.EvalSymlinks(path); err == nil && filepath.Dir(real) != dirs[0] {
		dirs = append(dirs, filepath.Dir(real))
	}
	for _, dir := range dirs {
		if err := t.checkDir(dir); err != nil {
			return err
		}
	}
	return nil
}

func (t trusted) checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil
	}
	return t.checkOne(t.dirWhat, dir, fi, t.dirFix)
}

func (t trusted) checkOne(what, path string, fi fs.FileInfo, chmod string) error {
	uid, foreign := privfile.ForeignOwner(fi)
	if foreign {
		return &credential.Error{Kind: credential.KindUsage, Msg: fmt.Sprintf("%s %s is owned by another user (uid %d), who could change it: refusing to use it", what, path, uid),
			Hint: t.moveHint()}
	}
	if privfile.LooseBits(fi, 0o022) == 0 {
		return nil
	}
	e := &credential.Error{Kind: credential.KindUsage, Msg: fmt.Sprintf("%s %s is writable by other users (mode %04o): refusing to use it", what, path, fi.Mode().Perm())}
	if uid == os.Getuid() && fi.Mode()&fs.ModeSticky == 0 {
		e.Hint = "Run: " + chmod + " " + path
	} else {
		// Not the user's to chmod (root's /tmp, say), or shared on purpose
		// (a sticky directory such as /tmp, even for root).
		e.Hint = t.moveHint()
	}
	return e
}

func (t trusted) moveHint() string {
	def, err := DefaultPath()
	if err != nil {
		def = "~/.config/camunda-credential-helper/config.toml"
	}
	if t.what == caTrust.what {
		def = filepath.Dir(def)
	}
	return fmt.Sprintf(t.move, def)
}

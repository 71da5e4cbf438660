package config

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/privfile"
)

// checkConfigPerms refuses a config file that someone other than the user
// (or root) could have changed, as ssh refuses such a ~/.ssh/config: the
// file decides where the client secret goes and which CAs are trusted. fi
// describes the file as opened. Its directory is checked too, since whoever
// may write a directory may replace the files in it; for a symlink, so is
// the target's. Doctor reports the same refusal, so the rule lives here
// only. On Windows the mode and owner checks do nothing (see perm_other.go).
func checkConfigPerms(path string, fi fs.FileInfo) error {
	if err := checkWritable("config file", path, fi, "chmod 600 "+path); err != nil {
		return err
	}
	dirs := []string{filepath.Dir(path)}
	if real, err := filepath.EvalSymlinks(path); err == nil && filepath.Dir(real) != dirs[0] {
		dirs = append(dirs, filepath.Dir(real))
	}
	for _, dir := range dirs {
		if err := checkConfigDir(dir); err != nil {
			return err
		}
	}
	return nil
}

// checkConfigDir applies checkConfigPerms's rule to the directory that
// holds (or will hold) the config file. A missing directory is left to the
// caller.
func checkConfigDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil
	}
	return checkWritable("config directory", dir, fi, "chmod 700 "+dir)
}

func checkWritable(what, path string, fi fs.FileInfo, chmod string) error {
	if uid, foreign := privfile.ForeignOwner(fi); foreign {
		return &credential.Error{Kind: credential.KindUsage, Msg: fmt.Sprintf("%s %s is owned by another user (uid %d), who could change it: refusing to use it", what, path, uid),
			Hint: fmt.Sprintf("Make it yours (sudo chown %d %s), or use a %s of your own.", os.Getuid(), path, what)}
	}
	if privfile.LooseBits(fi, 0o022) != 0 {
		return &credential.Error{Kind: credential.KindUsage, Msg: fmt.Sprintf("%s %s is writable by other users (mode %04o): refusing to use it", what, path, fi.Mode().Perm()),
			Hint: "Run: " + chmod}
	}
	return nil
}

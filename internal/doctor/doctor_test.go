//go:build unix

package doctor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// A config file or directory others may write is refused by the core (see
// helper's TestConfigWritableByOthersRefused); doctor names the same
// problem and fix under "config", and stops there.
func TestConfigWritableByOthers(t *testing.T) {
	for _, tt := range []struct {
		name             string
		fileMode         os.FileMode
		dirMode          os.FileMode
		wantMsg, wantFix string // "" means accepted; FILE and DIR are replaced
	}{
		{name: "private", fileMode: 0o600, dirMode: 0o700},
		{name: "readable by others", fileMode: 0o644, dirMode: 0o755},
		{name: "group-writable file", fileMode: 0o664, dirMode: 0o700, wantMsg: "config file FILE is writable by other users (mode 0664)", wantFix: "chmod 600 FILE"},
		{name: "world-writable file", fileMode: 0o602, dirMode: 0o700, wantMsg: "config file FILE is writable by other users (mode 0602)", wantFix: "chmod 600 FILE"},
		{name: "world-writable directory", fileMode: 0o600, dirMode: 0o777, wantMsg: "config directory DIR is writable by other users (mode 0777)", wantFix: "chmod 700 DIR"},
		{name: "group-writable directory", fileMode: 0o600, dirMode: 0o770, wantMsg: "config directory DIR is writable", wantFix: "chmod 700 DIR"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newCore(t)
			err := config.Update(context.Background(), h.ConfigPath, func(c *config.Config) error {
				c.Profiles[config.DefaultProfile] = &config.Profile{ClientID: "id", TokenURL: "https://login.example.com/token"}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Dir(h.ConfigPath)
			chmod(t, h.ConfigPath, tt.fileMode)
			chmod(t, dir, tt.dirMode)

			findings := Run(context.Background(), h, "")
			var cfg []helper.Finding
			for _, f := range findings {
				if f.Topic == "config" {
					cfg = append(cfg, f)
				}
			}
			if len(cfg) != 1 {
				t.Fatalf("config findings = %+v; want one", cfg)
			}
			f := cfg[0]
			if tt.wantMsg == "" {
				if !f.OK || !strings.Contains(f.Detail, h.ConfigPath+": 1 profile(s): "+config.DefaultProfile) {
					t.Errorf("config finding = %+v; want the file accepted with its profile", f)
				}
				return
			}
			r := strings.NewReplacer("FILE", h.ConfigPath, "DIR", dir)
			if f.OK || !strings.Contains(f.Detail, r.Replace(tt.wantMsg)) || f.Fix != "Run: "+r.Replace(tt.wantFix) {
				t.Errorf("config finding = %+v; want %q with the fix %q", f, r.Replace(tt.wantMsg), "Run: "+r.Replace(tt.wantFix))
			}
			if last := findings[len(findings)-1]; last.Topic != "config" {
				t.Errorf("after a refused config file doctor went on to %q; want it to stop at config", last.Topic)
			}
		})
	}
}

// newCore is a core on temporary files, an in-memory keychain and an empty
// environment.
func newCore(t *testing.T) *helper.Core {
	t.Helper()
	dir := t.TempDir()
	return &helper.Core{
		Secrets:    &keystore.Memory{},
		ConfigPath: filepath.Join(dir, "config", "config.toml"),
		CacheDir:   filepath.Join(dir, "cache"),
		Profile:    config.DefaultProfile,
		Timeout:    10 * time.Second,
		Getenv:     func(string) (string, bool) { return "", false },
	}
}

func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	// t.TempDir's cleanup needs to be able to remove what is inside.
	t.Cleanup(func() { os.Chmod(path, 0o700) })
}

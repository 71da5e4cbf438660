//go:build unix

package helper

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// The config file and its directory must be the user's own: a file others
// may write is refused, with the chmod that fixes it, before anything is
// read from the keychain or sent. Readable by others is fine: the file
// holds no secret.
func TestConfigWritableByOthersRefused(t *testing.T) {
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
			srv := newTokenServer(t, nil)
			h := newTestHelper(t)
			mustLogin(t, h, loginParams(srv.Root, "id", testSecret))
			dir := filepath.Dir(h.ConfigPath)
			chmod(t, h.ConfigPath, tt.fileMode)
			chmod(t, dir, tt.dirMode)
			store := &keystore.Counting{Store: h.Secrets}
			h = sibling(h)
			h.Secrets = store
			_, err := h.Token(context.Background(), credential.Request{})
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("credential.Token = %v; want a token", err)
				}
				return
			}
			r := strings.NewReplacer("FILE", h.ConfigPath, "DIR", dir)
			e := wantKind(t, err, credential.KindUsage)
			if !strings.Contains(e.Msg, r.Replace(tt.wantMsg)) || e.Hint != "Run: "+r.Replace(tt.wantFix) {
				t.Errorf("error = %v; want %q with the fix %q", err, r.Replace(tt.wantMsg), r.Replace(tt.wantFix))
			}
			if srv.Count() != 0 || store.Gets.Load() != 0 {
				t.Errorf("requests %d, keychain reads %d; want none", srv.Count(), store.Gets.Load())
			}
			// Diagnose names the same problem and fix (doctor's own
			// "config" finding is tested in internal/doctor).
			var found bool
			for _, f := range h.Diagnose(context.Background()) {
				if !f.OK && strings.Contains(f.Detail, r.Replace(tt.wantMsg)) && f.Fix == "Run: "+r.Replace(tt.wantFix) {
					found = true
				}
			}
			if !found {
				t.Errorf("Diagnose does not report %q with its fix", r.Replace(tt.wantMsg))
			}
			if srv.Count() != 0 || store.Gets.Load() != 0 {
				t.Errorf("after Diagnose: requests %d, keychain reads %d; want none", srv.Count(), store.Gets.Load())
			}
			// login does not write into a directory others may write.
			if tt.dirMode&0o022 != 0 {
				_, err := h.Login(context.Background(), LoginParams{Secret: testSecret, NoVerify: true})
				wantKind(t, err, credential.KindUsage)
			}
		})
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

// A config file or directory owned by another user (root aside) is refused
// as well: that user could change it. Only root can give a file away, so
// the test needs root (as in CI) and is skipped otherwise.
func TestConfigOwnedByOthersRefused(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to chown a file to another user")
	}
	const nobody = 65534
	for _, which := range []string{"file", "directory"} {
		t.Run(which, func(t *testing.T) {
			srv := newTokenServer(t, nil)
			h := newTestHelper(t)
			mustLogin(t, h, loginParams(srv.Root, "id", testSecret))
			path := h.ConfigPath
			if which == "directory" {
				path = filepath.Dir(path)
			}
			if err := os.Chown(path, nobody, -1); err != nil {
				t.Fatal(err)
			}
			_, err := sibling(h).Token(context.Background(), credential.Request{})
			e := wantKind(t, err, credential.KindUsage)
			if !strings.Contains(e.Msg, "config "+which+" "+path+" is owned by another user (uid 65534)") || !strings.Contains(e.Hint, "Move the config file into a directory of your own") || strings.Contains(e.Hint, "chown") {
				t.Errorf("error = %v; want the owner named and moving the file as the fix", err)
			}
			if srv.Count() != 0 {
				t.Errorf("requests = %d; want 0", srv.Count())
			}
			// root's own files are trusted.
			if err := os.Chown(path, 0, -1); err != nil {
				t.Fatal(err)
			}
			mustToken(t, sibling(h), credential.Request{})
		})
	}
}

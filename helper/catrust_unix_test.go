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

// A profile's CA bundle gets the config file's trust: one that others may
// write, in a directory others may write, or owned by another user, is
// refused before the keychain is read or anything is sent, with the chmod
// that fixes it where the bundle is the user's, else with "move it";
// login refuses it as well.
func TestCAFileTrust(t *testing.T) {
	for _, tt := range []struct {
		name             string
		fileMode         os.FileMode
		dirMode          os.FileMode
		owner            int // -1: ours
		wantMsg, wantFix string
	}{
		{name: "private", fileMode: 0o600, dirMode: 0o700, owner: -1},
		{name: "readable by others", fileMode: 0o644, dirMode: 0o755, owner: -1},
		{name: "world-writable bundle", fileMode: 0o646, dirMode: 0o755, owner: -1, wantMsg: "CA file FILE is writable by other users (mode 0646)", wantFix: "Run: chmod go-w FILE"},
		{name: "group-writable bundle", fileMode: 0o664, dirMode: 0o755, owner: -1, wantMsg: "CA file FILE is writable by other users", wantFix: "Run: chmod go-w FILE"},
		{name: "world-writable directory", fileMode: 0o644, dirMode: 0o777, owner: -1, wantMsg: "CA file's directory DIR is writable by other users (mode 0777)", wantFix: "Run: chmod go-w DIR"},
		{name: "owned by another user", fileMode: 0o644, dirMode: 0o755, owner: 65534, wantMsg: "CA file FILE is owned by another user (uid 65534)", wantFix: "Move the CA file into a directory of your own"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.owner >= 0 && os.Getuid() != 0 {
				t.Skip("SKIPPED: needs root to give a file to another user")
			}
			srv := newTokenServer(t, nil)
			h := newTestHelper(t)
			dir := filepath.Join(t.TempDir(), "ca")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "bundle.pem")
			if err := os.WriteFile(file, srv.CAPEM, 0o600); err != nil {
				t.Fatal(err)
			}
			lp := loginParams(srv.TLSRoot, "id", testSecret)
			lp.CAFile = ptr(file)
			mustLogin(t, h, lp)
			chmod(t, file, tt.fileMode)
			chmod(t, dir, tt.dirMode)
			if tt.owner >= 0 {
				if err := os.Chown(file, tt.owner, tt.owner); err != nil {
					t.Fatal(err)
				}
			}
			store := &keystore.Counting{Store: h.Secrets}
			hh := sibling(h)
			hh.Secrets = store
			_, err := hh.Token(context.Background(), credential.Request{})
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("Token = %v; want a token", err)
				}
				return
			}
			r := strings.NewReplacer("FILE", file, "DIR", dir)
			e := wantKind(t, err, credential.KindUsage)
			if !strings.Contains(e.Msg, r.Replace(tt.wantMsg)) || !strings.HasPrefix(e.Hint, r.Replace(tt.wantFix)) {
				t.Errorf("error = %q, hint %q; want %q with the fix %q", e.Msg, e.Hint, r.Replace(tt.wantMsg), r.Replace(tt.wantFix))
			}
			if srv.Count() != 0 || store.Gets.Load() != 0 {
				t.Errorf("requests %d, keychain reads %d; want none", srv.Count(), store.Gets.Load())
			}
			_, err = h.Login(context.Background(), lp)
			if e := wantKind(t, err, credential.KindUsage); !strings.Contains(e.Msg, r.Replace(tt.wantMsg)) {
				t.Errorf("login: %v; want the bundle refused", err)
			}
			if srv.Count() != 0 {
				t.Errorf("login sent %d requests; want none", srv.Count())
			}
		})
	}
}

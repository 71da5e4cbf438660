package tokencache

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// Lock reports waiting too long only when its deadline ends it; a lock
// file it cannot open, or a cache directory it cannot make, is reported as
// what it is.
func TestLockFailures(t *testing.T) {
	k := NewKey(memCreds())
	t.Run("deadline", func(t *testing.T) {
		c := Files{Dir: t.TempDir()}
		unlock, err := c.Lock(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		defer unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		// flock(2) locks are per open file: a second handle in this
		// process waits like another process would.
		_, err = c.Lock(ctx, k)
		if e := credential.Classify(err); err == nil || e.Kind != credential.KindUnreachable || !strings.Contains(e.Msg, "timed out waiting") {
			t.Fatalf("Lock while held = %v; want a timeout of KindUnreachable", err)
		}
	})
	t.Run("lock file cannot be opened", func(t *testing.T) {
		c := Files{Dir: t.TempDir()}
		if err := os.Mkdir(c.path(k, ".lock"), 0o700); err != nil { // a directory where the file goes
			t.Fatal(err)
		}
		_, err := c.Lock(context.Background(), k)
		e := credential.Classify(err)
		if err == nil || strings.Contains(e.Msg, "timed out") || e.Kind == credential.KindUnreachable {
			t.Fatalf("Lock = %v (kind %v); want the open failure, not a timeout", err, e.Kind)
		}
		if !strings.Contains(e.Msg, "cannot lock the token cache") {
			t.Errorf("Lock = %q; want it to say it cannot lock the token cache", e.Msg)
		}
	})
	t.Run("directory cannot be made", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Files{Dir: filepath.Join(file, "cache")}.Lock(context.Background(), k)
		e := credential.Classify(err)
		if err == nil || strings.Contains(e.Msg, "timed out") || !strings.Contains(e.Msg, "cannot create the token cache directory") {
			t.Fatalf("Lock = %v; want it to say the cache directory cannot be made", err)
		}
	})
}

package helper

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokencache"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// agentHelper is a sibling of h serving from the agent's memory, as the
// agent's server builds its cores (the memory in front of the file cache),
// with a keychain that counts reads.
func agentHelper(h *Core) (*Core, *keystore.Counting) {
	store := &keystore.Counting{Store: h.Secrets}
	a := sibling(h)
	a.Secrets = store
	a.Front = tokencache.NewMemory()
	return a, store
}

// memSize is the number of tokens in the agent's memory in front of c's
// file cache.
func memSize(t *testing.T, c *Core) int {
	t.Helper()
	m, ok := c.Front.(*tokencache.Memory)
	if !ok {
		t.Fatalf("Front = %T; want the agent's memory", c.Front)
	}
	return m.Size()
}

// tokFiles lists the cache directory's token files; a missing directory
// has none.
func tokFiles(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		if strings.HasSuffix(de.Name(), ".tok") {
			out = append(out, filepath.Join(dir, de.Name()))
		}
	}
	return out
}

// Inside the agent, a hit costs no keychain read: the memory's keys leave
// the secret out.
func TestAgentMemoryHit(t *testing.T) {
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	mustLogin(t, h, loginParams(srv.Root, "cid", testSecret))
	a, store := agentHelper(h)

	first := mustToken(t, a, credential.Request{})
	if got := srv.Count(); got != 1 {
		t.Fatalf("token requests = %d; want 1", got)
	}
	if got := store.Gets.Load(); got != 1 {
		t.Errorf("keychain reads on a miss = %d; want 1", got)
	}
	if first.AccessToken != srv.Tokens()[0] || first.Profile != config.DefaultProfile || first.Username != "cid" {
		t.Errorf("token = %+v; want the issued one for the default profile", first)
	}

	store.Gets.Store(0)
	second := mustToken(t, a, credential.Request{})
	if !sameToken(second, first) {
		t.Errorf("second token = %+v; want %+v", second, first)
	}
	if got := srv.Count(); got != 1 {
		t.Errorf("token requests after a hit = %d; want 1", got)
	}
	if got := store.Gets.Load(); got != 0 {
		t.Errorf("keychain reads on a memory hit = %d; want 0", got)
	}

	// A second Core on the same memory (the next request to the agent)
	// hits as well.
	b := sibling(a)
	b.Secrets = store
	b.Front = a.Front
	if tok := mustToken(t, b, credential.Request{}); !sameToken(tok, first) || srv.Count() != 1 || store.Gets.Load() != 0 {
		t.Errorf("another request on the same memory: token %q, %d requests, %d keychain reads; want a hit", tok.AccessToken, srv.Count(), store.Gets.Load())
	}

	third := mustToken(t, a, credential.Request{ForceRefresh: true})
	if got := srv.Count(); got != 2 {
		t.Errorf("token requests after ForceRefresh = %d; want 2", got)
	}
	if third.AccessToken == first.AccessToken || third.AccessToken != srv.Tokens()[1] {
		t.Errorf("ForceRefresh token = %q; want the newly issued %q", third.AccessToken, srv.Tokens()[1])
	}
	store.Gets.Store(0)
	if tok := mustToken(t, a, credential.Request{}); tok.AccessToken != third.AccessToken || store.Gets.Load() != 0 || srv.Count() != 2 {
		t.Errorf("after ForceRefresh: token %q, %d keychain reads, %d requests; want the refreshed token from memory", tok.AccessToken, store.Gets.Load(), srv.Count())
	}
	if got := memSize(t, a); got != 1 {
		t.Errorf("tokens in memory = %d; want 1", got)
	}
	// The agent never writes a token to the file cache.
	if files := tokFiles(t, a.CacheDir); len(files) != 0 {
		t.Errorf("the agent wrote token files: %q", files)
	}
	// A Core without the memory does not see the agent's tokens.
	direct := sibling(h)
	if tok := mustToken(t, direct, credential.Request{}); tok.AccessToken == third.AccessToken || srv.Count() != 3 {
		t.Errorf("direct path: token %q after %d requests; want a token of its own", tok.AccessToken, srv.Count())
	}
}

// On a miss, the agent adopts the file cache's token instead of fetching.
func TestAgentAdoptsFileCache(t *testing.T) {
	t.Run("token", func(t *testing.T) {
		srv := newTokenServer(t, nil)
		h := newTestHelper(t)
		mustLogin(t, h, loginParams(srv.Root, "cid", testSecret))
		onDisk := mustToken(t, sibling(h), credential.Request{})
		if got := srv.Count(); got != 1 {
			t.Fatalf("token requests = %d; want 1", got)
		}
		a, store := agentHelper(h)
		tok := mustToken(t, a, credential.Request{})
		if !sameToken(tok, onDisk) {
			t.Errorf("agent token = %+v; want the file cache's %+v", tok, onDisk)
		}
		if got := srv.Count(); got != 1 {
			t.Errorf("token requests = %d; want 1 (adopted)", got)
		}
		if got := memSize(t, a); got != 1 {
			t.Errorf("tokens in memory = %d; want 1", got)
		}
		// Later hits come from memory: no keychain read, and the file
		// cache may go away.
		if err := os.RemoveAll(h.CacheDir); err != nil {
			t.Fatal(err)
		}
		store.Gets.Store(0)
		if tok := mustToken(t, a, credential.Request{}); !sameToken(tok, onDisk) {
			t.Errorf("memory hit = %+v; want %+v", tok, onDisk)
		}
		if got, reads := srv.Count(), store.Gets.Load(); got != 1 || reads != 0 {
			t.Errorf("memory hit: %d requests, %d keychain reads; want 1, 0", got, reads)
		}
	})
	t.Run("MinTTL", func(t *testing.T) {
		srv := newTokenServer(t, nil)
		h := newTestHelper(t)
		mustLogin(t, h, loginParams(srv.Root, "cid", testSecret))
		onDisk := mustToken(t, sibling(h), credential.Request{})
		// A one-hour token is served for 54 minutes (a 6-minute margin).
		a, _ := agentHelper(h)
		tok := mustToken(t, a, credential.Request{MinTTL: 50 * time.Minute})
		if tok.AccessToken != onDisk.AccessToken || srv.Count() != 1 {
			t.Errorf("MinTTL 50m: token %q after %d requests; want the adopted one", tok.AccessToken, srv.Count())
		}
		b, _ := agentHelper(h)
		_, err := b.Token(context.Background(), credential.Request{MinTTL: 55 * time.Minute})
		wantKind(t, err, credential.KindUsage) // no token lives that long
		if got := srv.Count(); got != 2 {
			t.Errorf("MinTTL 55m: token requests = %d; want 2 (the file's token is not adopted)", got)
		}
	})
	t.Run("expired token is not adopted", func(t *testing.T) {
		srv := newTokenServer(t, nil)
		clock := newFakeClock()
		h := newTestHelper(t)
		h.Now = clock.Now
		mustLogin(t, h, loginParams(srv.Root, "cid", testSecret))
		onDisk := mustToken(t, sibling(h), credential.Request{})
		clock.Advance(2 * time.Hour)
		a, _ := agentHelper(h)
		tok := mustToken(t, a, credential.Request{})
		if tok.AccessToken == onDisk.AccessToken || srv.Count() != 2 {
			t.Errorf("token %q after %d requests; want a new token from a second request", tok.AccessToken, srv.Count())
		}
	})
	t.Run("ForceRefresh does not adopt", func(t *testing.T) {
		srv := newTokenServer(t, nil)
		h := newTestHelper(t)
		mustLogin(t, h, loginParams(srv.Root, "cid", testSecret))
		onDisk := mustToken(t, sibling(h), credential.Request{})
		a, _ := agentHelper(h)
		tok := mustToken(t, a, credential.Request{ForceRefresh: true})
		if tok.AccessToken == onDisk.AccessToken || srv.Count() != 2 {
			t.Errorf("token %q after %d requests; want a new token", tok.AccessToken, srv.Count())
		}
	})
	t.Run("another secret is not adopted", func(t *testing.T) {
		srv := newTokenServer(t, nil)
		h := newTestHelper(t)
		mustLogin(t, h, loginParams(srv.Root, "cid", testSecret))
		onDisk := mustToken(t, sibling(h), credential.Request{})
		setStoredSecret(t, h, config.DefaultProfile, srv.Root, "cid", "rotated-"+testSecret)
		a, _ := agentHelper(h)
		tok := mustToken(t, a, credential.Request{})
		if tok.AccessToken == onDisk.AccessToken || srv.Count() != 2 {
			t.Errorf("token %q after %d requests; want a new token (the disk entry is the old secret's)", tok.AccessToken, srv.Count())
		}
		if got := srv.Last(t).Form.Get("client_secret"); got != "rotated-"+testSecret {
			t.Errorf("client_secret = %q; want the rotated one", got)
		}
	})
}

// A rejection remembered in the file cache is honoured by the agent.
func TestAgentAdoptsRejection(t *testing.T) {
	reject := func(w http.ResponseWriter, r *http.Request, n int) {
		tokenserver.OAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
	}
	setup := func(t *testing.T) (*Core, *tokenserver.Server, string) {
		t.Helper()
		srv := newTokenServer(t, reject)
		h := newTestHelper(t)
		mustLogin(t, h, loginParams(srv.Root, "cid", testSecret))
		_, err := sibling(h).Token(context.Background(), credential.Request{})
		e := wantKind(t, err, credential.KindRejected)
		if srv.Count() != 1 {
			t.Fatalf("token requests = %d; want 1", srv.Count())
		}
		srv.Respond(nil) // a fixed server must still not be asked
		if !strings.Contains(e.Msg, "Client authentication failed") {
			t.Fatalf("first answer = %q; want the server's description", e.Msg)
		}
		return h, srv, rememberedRejection
	}
	t.Run("remembered", func(t *testing.T) {
		h, srv, msg := setup(t)
		a, store := agentHelper(h)
		_, err := a.Token(context.Background(), credential.Request{})
		e := wantKind(t, err, credential.KindRejected)
		if e.Msg != msg || !strings.Contains(err.Error(), "--force-refresh") {
			t.Errorf("error = %q; want the remembered %q and a hint at --force-refresh", err, msg)
		}
		if got := srv.Count(); got != 1 {
			t.Errorf("token requests = %d; want 1", got)
		}
		// The agent now remembers it itself: neither the file cache nor
		// the keychain is needed for the next answer.
		if err := os.RemoveAll(h.CacheDir); err != nil {
			t.Fatal(err)
		}
		store.Gets.Store(0)
		_, err = a.Token(context.Background(), credential.Request{})
		wantKind(t, err, credential.KindRejected)
		if got, reads := srv.Count(), store.Gets.Load(); got != 1 || reads != 0 {
			t.Errorf("second rejection: %d requests, %d keychain reads; want 1, 0", got, reads)
		}
	})
	t.Run("ForceRefresh asks again and forgets the file's rejection", func(t *testing.T) {
		h, srv, _ := setup(t)
		a, _ := agentHelper(h)
		tok := mustToken(t, a, credential.Request{ForceRefresh: true})
		if got := srv.Count(); got != 2 || tok.AccessToken != srv.Tokens()[0] {
			t.Errorf("token %q after %d requests; want the newly issued one after 2", tok.AccessToken, got)
		}
		if files := cacheFiles(t, h, ".rejected"); len(files) != 0 {
			t.Errorf("the file cache still remembers the rejection: %q", files)
		}
		// The direct path is asked again too.
		mustToken(t, sibling(h), credential.Request{})
		if got := srv.Count(); got != 3 {
			t.Errorf("token requests = %d; want 3", got)
		}
	})
	t.Run("expired rejection", func(t *testing.T) {
		srv := newTokenServer(t, reject)
		clock := newFakeClock()
		h := newTestHelper(t)
		h.Now = clock.Now
		mustLogin(t, h, loginParams(srv.Root, "cid", testSecret))
		_, err := sibling(h).Token(context.Background(), credential.Request{})
		wantKind(t, err, credential.KindRejected)
		srv.Respond(nil)
		clock.Advance(tokencache.RejectionMemory)
		a, _ := agentHelper(h)
		mustToken(t, a, credential.Request{})
		if got := srv.Count(); got != 2 {
			t.Errorf("token requests = %d; want 2", got)
		}
	})
}

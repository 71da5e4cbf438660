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
)

// memCreds are the credentials the memStore tests vary.
func memCreds() creds {
	return creds{
		Profile:    "work",
		ClientID:   "client",
		Secret:     "secret-1",
		TokenURL:   "https://login.example.com/oauth/token",
		Audience:   "zeebe.camunda.io",
		Scope:      "openid",
		AuthMethod: config.AuthBasic,
		CAFile:     "/etc/ca.pem",
		Username:   "user",
	}
}

func TestMemStoreKey(t *testing.T) {
	m := newMemStore()
	base := m.key(memCreds())
	if base.prefix != profilePrefix("work") {
		t.Errorf("prefix = %q; want the profile's %q", base.prefix, profilePrefix("work"))
	}
	if base.id == "" {
		t.Fatal("empty key id")
	}
	if m.keyedBySecret() {
		t.Error("keyedBySecret() = true; the agent's keys must not need the secret")
	}
	tests := []struct {
		name   string
		change func(c *creds)
		same   bool
	}{
		{"nothing", func(*creds) {}, true},
		{"another secret", func(c *creds) { c.Secret = "secret-2" }, true},
		{"no secret", func(c *creds) { c.Secret = "" }, true},
		{"another CA file", func(c *creds) { c.CAFile = "" }, true},
		{"another username", func(c *creds) { c.Username = "other" }, true},
		{"token URL with a trailing slash", func(c *creds) { c.TokenURL += "/" }, true},
		{"token URL in upper case host", func(c *creds) { c.TokenURL = "https://LOGIN.example.com:443/oauth/token" }, true},
		{"another token URL", func(c *creds) { c.TokenURL = "https://login.example.com/other/token" }, false},
		{"another client ID", func(c *creds) { c.ClientID = "client2" }, false},
		{"another audience", func(c *creds) { c.Audience = "" }, false},
		{"another scope", func(c *creds) { c.Scope = "openid email" }, false},
		{"another auth method", func(c *creds) { c.AuthMethod = config.AuthPost }, false},
		{"another profile", func(c *creds) { c.Profile = "home" }, false},
		{"environment credentials", func(c *creds) { c.Profile = "" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := memCreds()
			tt.change(&c)
			k := m.key(c)
			if same := k.name() == base.name(); same != tt.same {
				t.Errorf("key %q vs base %q: same = %v; want %v", k.name(), base.name(), same, tt.same)
			}
			if k.prefix != profilePrefix(c.Profile) {
				t.Errorf("prefix = %q; want the profile's %q", k.prefix, profilePrefix(c.Profile))
			}
			if c.Secret != "" && strings.Contains(k.name(), c.Secret) {
				t.Errorf("key %q contains the secret", k.name())
			}
		})
	}
	// The file cache's key needs the secret; the agent's must differ from
	// it, so that a disk entry is never taken for a memory one.
	if fk := newCacheKey(memCreds()); fk.id == base.id {
		t.Errorf("memory key id equals the file cache's %q", fk.id)
	}
}

func TestMemStoreLoadStore(t *testing.T) {
	m := newMemStore()
	k1 := m.key(memCreds())
	c2 := memCreds()
	c2.ClientID = "other"
	k2 := m.key(c2)
	if _, ok := m.load(k1); ok {
		t.Fatal("load() on an empty store found an entry")
	}
	now := time.Now()
	e1 := &entry{AccessToken: "t1", Received: now, Expiry: now.Add(time.Hour)}
	if err := m.store(k1, e1); err != nil {
		t.Fatal(err)
	}
	if got, ok := m.load(k1); !ok || got != e1 {
		t.Errorf("load(k1) = %v, %v; want the stored entry", got, ok)
	}
	if _, ok := m.load(k2); ok {
		t.Error("load(k2) found k1's entry")
	}
	e1b := &entry{AccessToken: "t1b", Received: now, Expiry: now.Add(2 * time.Hour)}
	m.store(k1, e1b)
	if got, _ := m.load(k1); got != e1b {
		t.Errorf("load(k1) after a second store = %v; want the newer entry", got)
	}
	if got := m.size(); got != 1 {
		t.Errorf("size() = %d; want 1", got)
	}
	m.store(k2, &entry{AccessToken: "t2", Received: now, Expiry: now.Add(time.Hour)})
	if got := m.size(); got != 2 {
		t.Errorf("size() = %d; want 2", got)
	}
}

func TestMemStorePrunes(t *testing.T) {
	m := newMemStore()
	now := time.Now()
	keyFor := func(id string) cacheKey { c := memCreds(); c.ClientID = id; return m.key(c) }
	expired, fresh, justExpired, newer := keyFor("expired"), keyFor("fresh"), keyFor("just"), keyFor("newer")
	m.store(expired, &entry{AccessToken: "old", Received: now.Add(-2 * time.Hour), Expiry: now.Add(-time.Hour)})
	m.store(fresh, &entry{AccessToken: "fresh", Received: now, Expiry: now.Add(time.Hour)})
	m.store(justExpired, &entry{AccessToken: "just", Received: now.Add(-time.Hour), Expiry: now.Add(-time.Millisecond)})
	// Each store prunes what expired before it: "expired" went when
	// "fresh" came, "just" (stored already expired) is still held.
	if got := m.size(); got != 2 {
		t.Errorf("size() before the next store = %d; want 2 (fresh, just)", got)
	}
	if _, ok := m.load(expired); ok {
		t.Error("an expired entry survived the next store")
	}
	m.store(newer, &entry{AccessToken: "newer", Received: now, Expiry: now.Add(time.Hour)})
	for _, tc := range []struct {
		name string
		k    cacheKey
		want bool
	}{{"expired", expired, false}, {"just expired", justExpired, false}, {"fresh", fresh, true}, {"newer", newer, true}} {
		if _, ok := m.load(tc.k); ok != tc.want {
			t.Errorf("load(%s) found = %v; want %v", tc.name, ok, tc.want)
		}
	}
	if got := m.size(); got != 2 {
		t.Errorf("size() = %d; want 2", got)
	}
}

func TestMemStoreRejections(t *testing.T) {
	t0 := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	tests := []struct {
		name string
		at   time.Duration // after the rejection
		want bool
	}{
		{"at once", 0, true},
		{"after 10s", 10 * time.Second, true},
		{"just before the window ends", rejectionMemory - time.Nanosecond, true},
		{"when the window ends", rejectionMemory, false},
		{"after the window", rejectionMemory + time.Minute, false},
		{"clock went back a little", -time.Nanosecond, false},
		{"clock went back", -time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMemStore()
			k := m.key(memCreds())
			c := memCreds()
			c.Scope = "other"
			other := m.key(c)
			m.rememberRejection(k, "401 invalid_client", t0)
			r, ok := m.rejected(k, t0.Add(tt.at))
			if ok != tt.want {
				t.Fatalf("rejected(t0%+v) = %v; want %v", tt.at, ok, tt.want)
			}
			if ok {
				if r.Msg != "401 invalid_client" || !r.Until.Equal(t0.Add(rejectionMemory)) {
					t.Errorf("rejection = %+v; want the message until t0+%v", r, rejectionMemory)
				}
			} else if _, again := m.rejected(k, t0); again {
				t.Error("an expired rejection was kept")
			}
			if _, ok := m.rejected(other, t0); ok {
				t.Error("another key is rejected too")
			}
		})
	}
	t.Run("forget", func(t *testing.T) {
		m := newMemStore()
		k := m.key(memCreds())
		m.rememberRejection(k, "no", t0)
		m.forgetRejection(k)
		if _, ok := m.rejected(k, t0); ok {
			t.Error("rejected() after forgetRejection() = true")
		}
		m.forgetRejection(k) // forgetting twice is fine
	})
	t.Run("remembering again moves the window", func(t *testing.T) {
		m := newMemStore()
		k := m.key(memCreds())
		m.rememberRejection(k, "first", t0)
		m.rememberRejection(k, "second", t0.Add(20*time.Second))
		r, ok := m.rejected(k, t0.Add(40*time.Second))
		if !ok || r.Msg != "second" {
			t.Errorf("rejected() = %+v, %v; want the second rejection", r, ok)
		}
	})
	t.Run("the secret does not matter", func(t *testing.T) {
		m := newMemStore()
		m.rememberRejection(m.key(memCreds()), "no", t0)
		c := memCreds()
		c.Secret = "rotated"
		// A rotated secret reaches the agent through login, which erases
		// the profile: until then, the key is the same.
		if _, ok := m.rejected(m.key(c), t0); !ok {
			t.Error("a rejection is keyed by the secret")
		}
	})
}

func TestMemStoreErase(t *testing.T) {
	m := newMemStore()
	now := time.Now()
	t0 := now
	keys := map[string][]cacheKey{}
	for _, p := range []string{"a", "b", "", "a-b"} {
		for _, id := range []string{"x", "y"} {
			c := memCreds()
			c.Profile, c.ClientID = p, id
			k := m.key(c)
			keys[p] = append(keys[p], k)
			m.store(k, &entry{AccessToken: p + id, Received: now, Expiry: now.Add(time.Hour)})
			m.rememberRejection(k, "r", t0)
		}
	}
	if got := m.size(); got != 8 {
		t.Fatalf("size() = %d; want 8", got)
	}
	check := func(gone ...string) {
		t.Helper()
		for p, ks := range keys {
			want := true
			for _, g := range gone {
				if p == g {
					want = false
				}
			}
			for _, k := range ks {
				if _, ok := m.load(k); ok != want {
					t.Errorf("profile %q: token held = %v; want %v", p, ok, want)
				}
				if _, ok := m.rejected(k, t0); ok != want {
					t.Errorf("profile %q: rejection held = %v; want %v", p, ok, want)
				}
			}
		}
	}
	if err := m.erase("a"); err != nil {
		t.Fatal(err)
	}
	check("a")
	if got := m.size(); got != 6 {
		t.Errorf("size() after erase(a) = %d; want 6", got)
	}
	m.erase("")
	check("a", "")
	m.erase("missing")
	check("a", "")
	m.erase("b")
	m.erase("a-b")
	if got := m.size(); got != 0 {
		t.Errorf("size() after erasing every profile = %d; want 0", got)
	}
}

func TestMemStoreLock(t *testing.T) {
	m := newMemStore()
	k := m.key(memCreds())
	c := memCreds()
	c.ClientID = "other"
	other := m.key(c)
	ctx := context.Background()

	unlock, err := m.lock(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	// Another key is not held up.
	u2, err := m.lock(ctx, other)
	if err != nil {
		t.Fatalf("lock(other key) = %v", err)
	}
	u2()

	acquired := make(chan func(), 1)
	go func() {
		u, err := m.lock(ctx, k)
		if err != nil {
			t.Errorf("second lock() = %v", err)
			close(acquired)
			return
		}
		acquired <- u
	}()
	select {
	case <-acquired:
		t.Fatal("a second lock() did not wait for unlock")
	case <-time.After(50 * time.Millisecond):
	}

	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		u, err := m.lock(cctx, k)
		if err == nil {
			u()
			t.Fatal("lock() with a cancelled context = nil while the key is held")
		}
		e := wantKind(t, err, credential.KindUnreachable)
		if !errors.Is(err, context.Canceled) || !strings.Contains(e.Msg, "--timeout") {
			t.Errorf("error = %v (cause %v); want context.Canceled and a hint at --timeout", err, e.Err)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		dctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		if _, err := m.lock(dctx, k); !errors.Is(err, context.DeadlineExceeded) || credential.KindOf(err) != credential.KindUnreachable {
			t.Errorf("lock() past the deadline = %v; want credential.KindUnreachable and DeadlineExceeded", err)
		}
	})

	unlock()
	select {
	case u, ok := <-acquired:
		if !ok {
			t.Fatal("second lock() failed")
		}
		u()
	case <-time.After(5 * time.Second):
		t.Fatal("a second lock() did not get the lock after unlock")
	}
	// Released again: a third lock gets it at once.
	u3, err := m.lock(ctx, k)
	if err != nil {
		t.Fatalf("lock() after both unlocked = %v", err)
	}
	u3()
}

// agentHelper is a sibling of h serving from the agent's memory, as
// Agent.attach wires it, with a keychain that counts reads.
func agentHelper(h *Helper) (*Helper, *countingStore) {
	store := &countingStore{Store: h.Secrets}
	a := sibling(h)
	a.Secrets = store
	a.mem = newMemStore()
	return a, store
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
	mustLogin(t, h, loginParams(srv.URL, "cid", testSecret))
	a, store := agentHelper(h)

	first := mustToken(t, a, credential.Request{})
	if got := srv.count(); got != 1 {
		t.Fatalf("token requests = %d; want 1", got)
	}
	if got := store.gets.Load(); got != 1 {
		t.Errorf("keychain reads on a miss = %d; want 1", got)
	}
	if first.AccessToken != srv.issued()[0] || first.Profile != config.DefaultProfile || first.Username != "cid" {
		t.Errorf("token = %+v; want the issued one for the default profile", first)
	}

	store.gets.Store(0)
	second := mustToken(t, a, credential.Request{})
	if !sameToken(second, first) {
		t.Errorf("second token = %+v; want %+v", second, first)
	}
	if got := srv.count(); got != 1 {
		t.Errorf("token requests after a hit = %d; want 1", got)
	}
	if got := store.gets.Load(); got != 0 {
		t.Errorf("keychain reads on a memory hit = %d; want 0", got)
	}

	// A second Helper on the same memory (the next request to the agent)
	// hits as well.
	b := sibling(a)
	b.Secrets = store
	b.mem = a.mem
	if tok := mustToken(t, b, credential.Request{}); !sameToken(tok, first) || srv.count() != 1 || store.gets.Load() != 0 {
		t.Errorf("another request on the same memory: token %q, %d requests, %d keychain reads; want a hit", tok.AccessToken, srv.count(), store.gets.Load())
	}

	third := mustToken(t, a, credential.Request{ForceRefresh: true})
	if got := srv.count(); got != 2 {
		t.Errorf("token requests after ForceRefresh = %d; want 2", got)
	}
	if third.AccessToken == first.AccessToken || third.AccessToken != srv.issued()[1] {
		t.Errorf("ForceRefresh token = %q; want the newly issued %q", third.AccessToken, srv.issued()[1])
	}
	store.gets.Store(0)
	if tok := mustToken(t, a, credential.Request{}); tok.AccessToken != third.AccessToken || store.gets.Load() != 0 || srv.count() != 2 {
		t.Errorf("after ForceRefresh: token %q, %d keychain reads, %d requests; want the refreshed token from memory", tok.AccessToken, store.gets.Load(), srv.count())
	}
	if got := a.mem.size(); got != 1 {
		t.Errorf("tokens in memory = %d; want 1", got)
	}
	// The agent never writes a token to the file cache.
	if files := tokFiles(t, a.CacheDir); len(files) != 0 {
		t.Errorf("the agent wrote token files: %q", files)
	}
	// A Helper without the memory does not see the agent's tokens.
	direct := sibling(h)
	if tok := mustToken(t, direct, credential.Request{}); tok.AccessToken == third.AccessToken || srv.count() != 3 {
		t.Errorf("direct path: token %q after %d requests; want a token of its own", tok.AccessToken, srv.count())
	}
}

// On a miss, the agent adopts the file cache's token instead of fetching.
func TestAgentAdoptsFileCache(t *testing.T) {
	t.Run("token", func(t *testing.T) {
		srv := newTokenServer(t, nil)
		h := newTestHelper(t)
		mustLogin(t, h, loginParams(srv.URL, "cid", testSecret))
		onDisk := mustToken(t, sibling(h), credential.Request{})
		if got := srv.count(); got != 1 {
			t.Fatalf("token requests = %d; want 1", got)
		}
		a, store := agentHelper(h)
		tok := mustToken(t, a, credential.Request{})
		if !sameToken(tok, onDisk) {
			t.Errorf("agent token = %+v; want the file cache's %+v", tok, onDisk)
		}
		if got := srv.count(); got != 1 {
			t.Errorf("token requests = %d; want 1 (adopted)", got)
		}
		if got := a.mem.size(); got != 1 {
			t.Errorf("tokens in memory = %d; want 1", got)
		}
		// Later hits come from memory: no keychain read, and the file
		// cache may go away.
		if err := os.RemoveAll(h.CacheDir); err != nil {
			t.Fatal(err)
		}
		store.gets.Store(0)
		if tok := mustToken(t, a, credential.Request{}); !sameToken(tok, onDisk) {
			t.Errorf("memory hit = %+v; want %+v", tok, onDisk)
		}
		if got, reads := srv.count(), store.gets.Load(); got != 1 || reads != 0 {
			t.Errorf("memory hit: %d requests, %d keychain reads; want 1, 0", got, reads)
		}
	})
	t.Run("MinTTL", func(t *testing.T) {
		srv := newTokenServer(t, nil)
		h := newTestHelper(t)
		mustLogin(t, h, loginParams(srv.URL, "cid", testSecret))
		onDisk := mustToken(t, sibling(h), credential.Request{})
		// A one-hour token is served for 54 minutes (a 6-minute margin).
		a, _ := agentHelper(h)
		tok := mustToken(t, a, credential.Request{MinTTL: 50 * time.Minute})
		if tok.AccessToken != onDisk.AccessToken || srv.count() != 1 {
			t.Errorf("MinTTL 50m: token %q after %d requests; want the adopted one", tok.AccessToken, srv.count())
		}
		b, _ := agentHelper(h)
		_, err := b.Token(context.Background(), credential.Request{MinTTL: 55 * time.Minute})
		wantKind(t, err, credential.KindUsage) // no token lives that long
		if got := srv.count(); got != 2 {
			t.Errorf("MinTTL 55m: token requests = %d; want 2 (the file's token is not adopted)", got)
		}
	})
	t.Run("expired token is not adopted", func(t *testing.T) {
		srv := newTokenServer(t, nil)
		clock := newFakeClock()
		h := newTestHelper(t)
		h.Now = clock.Now
		mustLogin(t, h, loginParams(srv.URL, "cid", testSecret))
		onDisk := mustToken(t, sibling(h), credential.Request{})
		clock.Advance(2 * time.Hour)
		a, _ := agentHelper(h)
		tok := mustToken(t, a, credential.Request{})
		if tok.AccessToken == onDisk.AccessToken || srv.count() != 2 {
			t.Errorf("token %q after %d requests; want a new token from a second request", tok.AccessToken, srv.count())
		}
	})
	t.Run("ForceRefresh does not adopt", func(t *testing.T) {
		srv := newTokenServer(t, nil)
		h := newTestHelper(t)
		mustLogin(t, h, loginParams(srv.URL, "cid", testSecret))
		onDisk := mustToken(t, sibling(h), credential.Request{})
		a, _ := agentHelper(h)
		tok := mustToken(t, a, credential.Request{ForceRefresh: true})
		if tok.AccessToken == onDisk.AccessToken || srv.count() != 2 {
			t.Errorf("token %q after %d requests; want a new token", tok.AccessToken, srv.count())
		}
	})
	t.Run("another secret is not adopted", func(t *testing.T) {
		srv := newTokenServer(t, nil)
		h := newTestHelper(t)
		mustLogin(t, h, loginParams(srv.URL, "cid", testSecret))
		onDisk := mustToken(t, sibling(h), credential.Request{})
		setStoredSecret(t, h, config.DefaultProfile, srv.URL, "cid", "rotated-"+testSecret)
		a, _ := agentHelper(h)
		tok := mustToken(t, a, credential.Request{})
		if tok.AccessToken == onDisk.AccessToken || srv.count() != 2 {
			t.Errorf("token %q after %d requests; want a new token (the disk entry is the old secret's)", tok.AccessToken, srv.count())
		}
		if got := srv.last(t).Form.Get("client_secret"); got != "rotated-"+testSecret {
			t.Errorf("client_secret = %q; want the rotated one", got)
		}
	})
}

// A rejection remembered in the file cache is honoured by the agent.
func TestAgentAdoptsRejection(t *testing.T) {
	reject := func(w http.ResponseWriter, r *http.Request, n int) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
	}
	setup := func(t *testing.T) (*Helper, *tokenServer, string) {
		t.Helper()
		srv := newTokenServer(t, reject)
		h := newTestHelper(t)
		mustLogin(t, h, loginParams(srv.URL, "cid", testSecret))
		_, err := sibling(h).Token(context.Background(), credential.Request{})
		e := wantKind(t, err, credential.KindRejected)
		if srv.count() != 1 {
			t.Fatalf("token requests = %d; want 1", srv.count())
		}
		srv.setRespond(nil) // a fixed server must still not be asked
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
		if got := srv.count(); got != 1 {
			t.Errorf("token requests = %d; want 1", got)
		}
		// The agent now remembers it itself: neither the file cache nor
		// the keychain is needed for the next answer.
		if err := os.RemoveAll(h.CacheDir); err != nil {
			t.Fatal(err)
		}
		store.gets.Store(0)
		_, err = a.Token(context.Background(), credential.Request{})
		wantKind(t, err, credential.KindRejected)
		if got, reads := srv.count(), store.gets.Load(); got != 1 || reads != 0 {
			t.Errorf("second rejection: %d requests, %d keychain reads; want 1, 0", got, reads)
		}
	})
	t.Run("ForceRefresh asks again and forgets the file's rejection", func(t *testing.T) {
		h, srv, _ := setup(t)
		a, _ := agentHelper(h)
		tok := mustToken(t, a, credential.Request{ForceRefresh: true})
		if got := srv.count(); got != 2 || tok.AccessToken != srv.issued()[0] {
			t.Errorf("token %q after %d requests; want the newly issued one after 2", tok.AccessToken, got)
		}
		if files := cacheFiles(t, h, ".rejected"); len(files) != 0 {
			t.Errorf("the file cache still remembers the rejection: %q", files)
		}
		// The direct path is asked again too.
		mustToken(t, sibling(h), credential.Request{})
		if got := srv.count(); got != 3 {
			t.Errorf("token requests = %d; want 3", got)
		}
	})
	t.Run("expired rejection", func(t *testing.T) {
		srv := newTokenServer(t, reject)
		clock := newFakeClock()
		h := newTestHelper(t)
		h.Now = clock.Now
		mustLogin(t, h, loginParams(srv.URL, "cid", testSecret))
		_, err := sibling(h).Token(context.Background(), credential.Request{})
		wantKind(t, err, credential.KindRejected)
		srv.setRespond(nil)
		clock.Advance(rejectionMemory)
		a, _ := agentHelper(h)
		mustToken(t, a, credential.Request{})
		if got := srv.count(); got != 2 {
			t.Errorf("token requests = %d; want 2", got)
		}
	})
}

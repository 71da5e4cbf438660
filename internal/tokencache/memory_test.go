package tokencache

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// memCreds are the credentials the Memory tests vary.
func memCreds() Identity {
	return Identity{
		Profile:    "work",
		ClientID:   "client",
		Secret:     "secret-1",
		TokenURL:   "https://login.example.com/oauth/token",
		Audience:   "zeebe.camunda.io",
		Scope:      "openid",
		AuthMethod: config.AuthBasic,
	}
}

func TestMemStoreKey(t *testing.T) {
	m := NewMemory()
	base := m.Key(memCreds())
	if base.prefix != profilePrefix("work") {
		t.Errorf("prefix = %q; want the profile's %q", base.prefix, profilePrefix("work"))
	}
	if base.id == "" {
		t.Fatal("empty key id")
	}
	if m.KeyedBySecret() {
		t.Error("keyedBySecret() = true; the agent's keys must not need the secret")
	}
	tests := []struct {
		name   string
		change func(c *Identity)
		same   bool
	}{
		{"nothing", func(*Identity) {}, true},
		{"another secret", func(c *Identity) { c.Secret = "secret-2" }, true},
		{"no secret", func(c *Identity) { c.Secret = "" }, true},
		{"token URL with a trailing slash", func(c *Identity) { c.TokenURL += "/" }, true},
		{"token URL in upper case host", func(c *Identity) { c.TokenURL = "https://LOGIN.example.com:443/oauth/token" }, true},
		{"another token URL", func(c *Identity) { c.TokenURL = "https://login.example.com/other/token" }, false},
		{"another client ID", func(c *Identity) { c.ClientID = "client2" }, false},
		{"another audience", func(c *Identity) { c.Audience = "" }, false},
		{"another scope", func(c *Identity) { c.Scope = "openid email" }, false},
		{"another auth method", func(c *Identity) { c.AuthMethod = config.AuthPost }, false},
		{"another profile", func(c *Identity) { c.Profile = "home" }, false},
		{"environment credentials", func(c *Identity) { c.Profile = "" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := memCreds()
			tt.change(&c)
			k := m.Key(c)
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
	if fk := NewKey(memCreds()); fk.id == base.id {
		t.Errorf("memory key id equals the file cache's %q", fk.id)
	}
}

func TestMemStoreLoadStore(t *testing.T) {
	m := NewMemory()
	k1 := m.Key(memCreds())
	c2 := memCreds()
	c2.ClientID = "other"
	k2 := m.Key(c2)
	if _, ok := m.Load(k1); ok {
		t.Fatal("load() on an empty store found an entry")
	}
	now := time.Now()
	e1 := &Entry{AccessToken: "t1", Received: now, Expiry: now.Add(time.Hour)}
	if err := m.Store(k1, e1); err != nil {
		t.Fatal(err)
	}
	if got, ok := m.Load(k1); !ok || got != e1 {
		t.Errorf("load(k1) = %v, %v; want the stored entry", got, ok)
	}
	if _, ok := m.Load(k2); ok {
		t.Error("load(k2) found k1's entry")
	}
	e1b := &Entry{AccessToken: "t1b", Received: now, Expiry: now.Add(2 * time.Hour)}
	m.Store(k1, e1b)
	if got, _ := m.Load(k1); got != e1b {
		t.Errorf("load(k1) after a second store = %v; want the newer entry", got)
	}
	if got := m.Size(); got != 1 {
		t.Errorf("size() = %d; want 1", got)
	}
	m.Store(k2, &Entry{AccessToken: "t2", Received: now, Expiry: now.Add(time.Hour)})
	if got := m.Size(); got != 2 {
		t.Errorf("size() = %d; want 2", got)
	}
}

func TestMemStorePrunes(t *testing.T) {
	m := NewMemory()
	now := time.Now()
	keyFor := func(id string) Key { c := memCreds(); c.ClientID = id; return m.Key(c) }
	expired, fresh, justExpired, newer := keyFor("expired"), keyFor("fresh"), keyFor("just"), keyFor("newer")
	m.Store(expired, &Entry{AccessToken: "old", Received: now.Add(-2 * time.Hour), Expiry: now.Add(-time.Hour)})
	m.Store(fresh, &Entry{AccessToken: "fresh", Received: now, Expiry: now.Add(time.Hour)})
	m.Store(justExpired, &Entry{AccessToken: "just", Received: now.Add(-time.Hour), Expiry: now.Add(-time.Millisecond)})
	// Each store prunes what expired before it: "expired" went when
	// "fresh" came, "just" (stored already expired) is still held.
	if got := m.Size(); got != 2 {
		t.Errorf("size() before the next store = %d; want 2 (fresh, just)", got)
	}
	if _, ok := m.Load(expired); ok {
		t.Error("an expired entry survived the next store")
	}
	m.Store(newer, &Entry{AccessToken: "newer", Received: now, Expiry: now.Add(time.Hour)})
	for _, tc := range []struct {
		name string
		k    Key
		want bool
	}{{"expired", expired, false}, {"just expired", justExpired, false}, {"fresh", fresh, true}, {"newer", newer, true}} {
		if _, ok := m.Load(tc.k); ok != tc.want {
			t.Errorf("load(%s) found = %v; want %v", tc.name, ok, tc.want)
		}
	}
	if got := m.Size(); got != 2 {
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
		{"just before the window ends", RejectionMemory - time.Nanosecond, true},
		{"when the window ends", RejectionMemory, false},
		{"after the window", RejectionMemory + time.Minute, false},
		{"clock went back a little", -time.Nanosecond, false},
		{"clock went back", -time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMemory()
			k := m.Key(memCreds())
			c := memCreds()
			c.Scope = "other"
			other := m.Key(c)
			m.RememberRejection(k, "401 invalid_client", t0)
			r, ok := m.Rejected(k, t0.Add(tt.at))
			if ok != tt.want {
				t.Fatalf("rejected(t0%+v) = %v; want %v", tt.at, ok, tt.want)
			}
			if ok {
				if r.Msg != "401 invalid_client" || !r.Until.Equal(t0.Add(RejectionMemory)) {
					t.Errorf("rejection = %+v; want the message until t0+%v", r, RejectionMemory)
				}
			} else if _, again := m.Rejected(k, t0); again {
				t.Error("an expired rejection was kept")
			}
			if _, ok := m.Rejected(other, t0); ok {
				t.Error("another key is rejected too")
			}
		})
	}
	t.Run("forget", func(t *testing.T) {
		m := NewMemory()
		k := m.Key(memCreds())
		m.RememberRejection(k, "no", t0)
		m.ForgetRejection(k)
		if _, ok := m.Rejected(k, t0); ok {
			t.Error("rejected() after forgetRejection() = true")
		}
		m.ForgetRejection(k) // forgetting twice is fine
	})
	t.Run("remembering again moves the window", func(t *testing.T) {
		m := NewMemory()
		k := m.Key(memCreds())
		m.RememberRejection(k, "first", t0)
		m.RememberRejection(k, "second", t0.Add(20*time.Second))
		r, ok := m.Rejected(k, t0.Add(40*time.Second))
		if !ok || r.Msg != "second" {
			t.Errorf("rejected() = %+v, %v; want the second rejection", r, ok)
		}
	})
	t.Run("the secret does not matter", func(t *testing.T) {
		m := NewMemory()
		m.RememberRejection(m.Key(memCreds()), "no", t0)
		c := memCreds()
		c.Secret = "rotated"
		// A rotated secret reaches the agent through login, which erases
		// the profile: until then, the key is the same.
		if _, ok := m.Rejected(m.Key(c), t0); !ok {
			t.Error("a rejection is keyed by the secret")
		}
	})
}

func TestMemStoreErase(t *testing.T) {
	m := NewMemory()
	now := time.Now()
	t0 := now
	keys := map[string][]Key{}
	for _, p := range []string{"a", "b", "", "a-b"} {
		for _, id := range []string{"x", "y"} {
			c := memCreds()
			c.Profile, c.ClientID = p, id
			k := m.Key(c)
			keys[p] = append(keys[p], k)
			m.Store(k, &Entry{AccessToken: p + id, Received: now, Expiry: now.Add(time.Hour)})
			m.RememberRejection(k, "r", t0)
		}
	}
	if got := m.Size(); got != 8 {
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
				if _, ok := m.Load(k); ok != want {
					t.Errorf("profile %q: token held = %v; want %v", p, ok, want)
				}
				if _, ok := m.Rejected(k, t0); ok != want {
					t.Errorf("profile %q: rejection held = %v; want %v", p, ok, want)
				}
			}
		}
	}
	if err := m.Drop("a"); err != nil {
		t.Fatal(err)
	}
	check("a")
	if got := m.Size(); got != 6 {
		t.Errorf("size() after erase(a) = %d; want 6", got)
	}
	m.Drop("")
	check("a", "")
	m.Drop("missing")
	check("a", "")
	m.Drop("b")
	m.Drop("a-b")
	if got := m.Size(); got != 0 {
		t.Errorf("size() after erasing every profile = %d; want 0", got)
	}
}

func TestMemStoreLock(t *testing.T) {
	m := NewMemory()
	k := m.Key(memCreds())
	c := memCreds()
	c.ClientID = "other"
	other := m.Key(c)
	ctx := context.Background()

	unlock, err := m.Lock(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	// Another key is not held up.
	u2, err := m.Lock(ctx, other)
	if err != nil {
		t.Fatalf("lock(other key) = %v", err)
	}
	u2()

	acquired := make(chan func(), 1)
	go func() {
		u, err := m.Lock(ctx, k)
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
		u, err := m.Lock(cctx, k)
		if err == nil {
			u()
			t.Fatal("lock() with a cancelled context = nil while the key is held")
		}
		var e *credential.Error
		if !errors.As(err, &e) || e.Kind != credential.KindUnreachable {
			t.Fatalf("error = %v; want one of kind unreachable", err)
		}
		if !errors.Is(err, context.Canceled) || !strings.Contains(e.Msg, "--timeout") {
			t.Errorf("error = %v (cause %v); want context.Canceled and a hint at --timeout", err, e.Err)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		dctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		if _, err := m.Lock(dctx, k); !errors.Is(err, context.DeadlineExceeded) || credential.KindOf(err) != credential.KindUnreachable {
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
	u3, err := m.Lock(ctx, k)
	if err != nil {
		t.Fatalf("lock() after both unlocked = %v", err)
	}
	u3()
}

// The agent's memory drops expired rejections of every key, not just of the
// key asked for.
func TestMemStoreSweepsRejections(t *testing.T) {
	m := NewMemory()
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	a := m.Key(Identity{Profile: "a", ClientID: "a"})
	b := m.Key(Identity{Profile: "b", ClientID: "b"})
	m.RememberRejection(a, "x", t0)
	m.RememberRejection(b, "x", t0.Add(RejectionMemory))
	if _, ok := m.rejections[a.name()]; ok {
		t.Error("an expired rejection of another key is kept")
	}
	if _, ok := m.Rejected(b, t0.Add(RejectionMemory+time.Second)); !ok {
		t.Error("a rejection that holds was dropped")
	}
}

// Unusable says why a token is not served, in the words of the trace, and
// is Usable's rule.
func TestUnusable(t *testing.T) {
	now := time.Unix(1e9, 0)
	e := &Entry{AccessToken: "tok", Received: now.Add(-time.Minute), Expiry: now.Add(59 * time.Minute)} // refresh at now+53m
	for _, tc := range []struct {
		e      *Entry
		now    time.Time
		minTTL time.Duration
		why    string // "" usable
	}{
		{e, now, 0, ""},
		{e, now, 10 * time.Minute, ""},
		{e, now, time.Hour, "within --min-ttl: 53m0s left before its refresh time, 1h0m0s asked"},
		{e, now.Add(53 * time.Minute), 0, "expired: past its refresh time"},
		{e, now.Add(-2 * time.Minute), 0, "clock went back"},
		{&Entry{AccessToken: "a b", Received: now, Expiry: now.Add(time.Hour)}, now, 0, "never checked"},
	} {
		why := tc.e.Unusable(tc.now, tc.minTTL)
		if (why == "") != (tc.why == "") || !strings.Contains(why, tc.why) {
			t.Errorf("Unusable(%v, %v) = %q; want %q", tc.now.Sub(now), tc.minTTL, why, tc.why)
		}
		if tc.e.Usable(tc.now, tc.minTTL) != (why == "") {
			t.Errorf("Usable(%v, %v) disagrees with Unusable %q", tc.now.Sub(now), tc.minTTL, why)
		}
	}
}

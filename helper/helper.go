// Package helper is the token core of camunda-credential-helper: profiles
// and their config file, where credentials come from (environment, config,
// keychain), the OAuth 2.0 client-credentials client, and the encrypted
// token cache with its cross-process lock.
package helper

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokencache"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// MaxLifetime caps how long a token is kept, whatever expires_in says, so
// that a revoked client stops getting tokens within a day.
const MaxLifetime = 24 * time.Hour

// DefaultTimeout bounds one call, retries and waiting for other invocations
// included.
const DefaultTimeout = 30 * time.Second

// Core hands out tokens. Set its fields before first use.
type Core struct {
	Secrets    keystore.Store // where client secrets live
	ConfigPath string         // the config file
	CacheDir   string         // token cache directory; "" disables the cache
	Profile    string         // the selected profile; "" means config.DefaultProfile
	Explicit   bool           // Profile was given on the command line: it wins over host routing
	Timeout    time.Duration  // 0 means DefaultTimeout
	// Getenv reads the environment; nil means os.LookupEnv.
	Getenv func(string) (string, bool)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// HTTPClient overrides the client built for each profile (tests).
	HTTPClient *http.Client
	// Front, when set, is a faster store in front of the file cache (the
	// agent's memory): tokens are kept there, and on a miss what the file
	// cache holds is taken up into it, never written back.
	Front tokencache.Store

	mu     sync.Mutex
	cfg    *config.Config // as last read
	cfgSig os.FileInfo    // of the file cfg was read from; nil when it did not exist
}

// DefaultCacheDir is <os.UserCacheDir()>/camunda-credential-helper.
func DefaultCacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "camunda-credential-helper"), nil
}

func (h *Core) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// LookupEnv reads the caller's environment (Getenv, else the process's).
func (h *Core) LookupEnv(k string) (string, bool) {
	if h.Getenv != nil {
		return h.Getenv(k)
	}
	return os.LookupEnv(k)
}

func (h *Core) getenv(k string) string {
	v, _ := h.LookupEnv(k)
	return v
}

// TimeoutOrDefault is the bound on one call: Timeout, else DefaultTimeout.
func (h *Core) TimeoutOrDefault() time.Duration {
	if h.Timeout <= 0 {
		return DefaultTimeout
	}
	return h.Timeout
}

func (h *Core) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, h.TimeoutOrDefault())
}

// EnvCredentials reports whether the caller's environment holds a client
// ID or secret (see credential.EnvCredentials).
func (h *Core) EnvCredentials() bool { return credential.EnvCredentials(h.LookupEnv) }

// Config is the config file as last read: it is read again when its
// identity, size, modification time or mode changed, so a long-lived Core
// (the agent's) follows edits, and a mode others may write through gets it
// refused, as on the first read.
func (h *Core) Config() (*config.Config, error) { return h.config() }

func (h *Core) config() (*config.Config, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fi, err := os.Stat(h.ConfigPath)
	if err != nil {
		fi = nil
	}
	if h.cfg != nil && sameFile(fi, h.cfgSig) {
		return h.cfg, nil
	}
	cfg, err := config.Load(h.ConfigPath)
	if err != nil {
		return nil, err
	}
	h.cfg, h.cfgSig = cfg, fi
	return cfg, nil
}

func sameFile(a, b os.FileInfo) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime()) && a.Mode() == b.Mode()
}

// configChanged makes the next config() read the file again.
func (h *Core) configChanged() {
	h.mu.Lock()
	h.cfg = nil
	h.mu.Unlock()
}

func (h *Core) cache() tokencache.Files { return tokencache.Files{Dir: h.CacheDir} }

// tokens is where this Core keeps tokens: Front when set, else the
// encrypted file cache.
func (h *Core) tokens() tokencache.Store {
	if h.Front != nil {
		return h.Front
	}
	return h.cache()
}

// Stamp puts the caller's choice of profile on req: --profile as the
// profile named, CAMUNDA_PROFILE (or --profile) as the default (see
// config.Select).
func (h *Core) Stamp(req credential.Request) credential.Request {
	if req.Profile == "" && h.Explicit {
		req.Profile = h.ProfileName()
	}
	if req.Default == "" {
		req.Default = h.ProfileName()
	}
	return req
}

// ProfileName is the profile the caller selected: --profile, else
// CAMUNDA_PROFILE, else config.DefaultProfile.
func (h *Core) ProfileName() string {
	if h.Profile == "" {
		return config.DefaultProfile
	}
	return h.Profile
}

// Token returns a token for req: from the cache while it has more than the
// refresh margin and req.MinTTL left, otherwise from the token endpoint,
// with one request for any number of concurrent callers.
func (h *Core) Token(ctx context.Context, req credential.Request) (credential.Token, error) {
	ctx, cancel := h.withTimeout(ctx)
	defer cancel()
	c, err := h.resolve(req)
	if err != nil {
		return credential.Token{}, err
	}
	cc := h.tokens()
	if cc.KeyedBySecret() {
		if err := h.readSecret(ctx, &c); err != nil {
			return credential.Token{}, err
		}
	}
	k := cc.Key(c.identity())
	if !req.ForceRefresh {
		if e, ok := cc.Load(k); ok && e.Usable(h.now(), req.MinTTL) {
			return token(c, e), nil
		}
	}
	unlock, err := cc.Lock(ctx, k)
	if err != nil {
		return credential.Token{}, err
	}
	defer unlock()
	if req.ForceRefresh {
		cc.ForgetRejection(k)
	} else {
		// Another invocation may have fetched while we waited for the lock.
		if e, ok := cc.Load(k); ok && e.Usable(h.now(), req.MinTTL) {
			return token(c, e), nil
		}
		if r, ok := cc.Rejected(k, h.now()); ok {
			return credential.Token{}, rejectedAgain(r)
		}
	}
	if err := h.readSecret(ctx, &c); err != nil {
		return credential.Token{}, err
	}
	if h.Front != nil {
		if tok, err, ok := h.adopt(c, k, req); ok {
			return tok, err
		}
	}
	e, err := h.fetchEntry(ctx, c, k)
	if err != nil {
		return credential.Token{}, err
	}
	if !e.Usable(h.now(), req.MinTTL) {
		return credential.Token{}, credential.Errorf(credential.KindUsage, "the token endpoint issues tokens valid for %s, less than the requested minimum lifetime %s (plus the refresh margin %s)",
			e.Expiry.Sub(e.Received).Round(time.Second), req.MinTTL, e.Margin())
	}
	return token(c, e), nil
}

// adopt takes up into Front, on a miss, what an earlier call left in the
// encrypted file cache (login's verified token, a remembered rejection), so
// that starting the agent costs no extra token request. The file cache is
// only read here; a token is never written back to it.
func (h *Core) adopt(c creds, k tokencache.Key, req credential.Request) (credential.Token, error, bool) {
	disk := h.cache()
	dk := disk.Key(c.identity())
	if req.ForceRefresh {
		disk.ForgetRejection(dk)
		return credential.Token{}, nil, false
	}
	if e, ok := disk.Load(dk); ok && e.Usable(h.now(), req.MinTTL) {
		_ = h.Front.Store(k, e)
		return token(c, e), nil, true
	}
	if r, ok := disk.Rejected(dk, h.now()); ok {
		h.Front.RememberRejection(k, r.Msg, h.now())
		return credential.Token{}, rejectedAgain(r), true
	}
	return credential.Token{}, nil, false
}

// fetchEntry fetches a token, caches it, and remembers a rejection.
func (h *Core) fetchEntry(ctx context.Context, c creds, k tokencache.Key) (*tokencache.Entry, error) {
	cc := h.tokens()
	tok, err := fetch(ctx, c, h.HTTPClient)
	if err != nil {
		// fetch took the secret out of what the server said (creds.scrub).
		if credential.KindOf(err) == credential.KindRejected {
			cc.RememberRejection(k, rejectionReason(err), h.now())
		}
		return nil, err
	}
	// x/oauth2 turns expires_in into an Expiry on the real clock: carry the
	// lifetime (whole seconds on the wire) over to the helper's clock. A JWT
	// whose exp comes sooner wins; without expires_in, its exp decides.
	now := h.now()
	e := &tokencache.Entry{AccessToken: tok.AccessToken, Received: now}
	life, ok := time.Until(tok.Expiry).Round(time.Second), !tok.Expiry.IsZero()
	if jl, jok := jwtLifetime(tok.AccessToken, time.Now()); jok && (!ok || jl < life) {
		life, ok = jl.Round(time.Second), true
	}
	if ok && life > 0 {
		e.Expiry = now.Add(min(life, MaxLifetime))
	} else {
		e.Expiry = now.Add(DefaultLifetime)
	}
	cc.ForgetRejection(k)
	_ = cc.Store(k, e) // a token that cannot be cached is still good
	return e, nil
}

func rejectedAgain(r *tokencache.Rejection) error {
	return &credential.Error{Kind: credential.KindRejected, Msg: r.Msg,
		Hint: "The token endpoint rejected these credentials moments ago, so it was not asked again. Fix the credentials (login), or retry with --force-refresh."}
}

func token(c creds, e *tokencache.Entry) credential.Token {
	return credential.Token{AccessToken: e.AccessToken, Expiry: e.RefreshAt(), Profile: c.Profile, Username: c.Username}
}

// Drop drops the cached tokens of the profile req selects, never its
// secret, and returns that profile's name ("" for environment
// credentials). A resource no profile serves is a no-op.
func (h *Core) Drop(ctx context.Context, req credential.Request) (string, error) {
	cfg, err := h.config()
	if err != nil {
		return "", err
	}
	name, err := cfg.Select(h.Stamp(req))
	if credential.KindOf(err) == credential.KindNoRoute {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if _, ok := cfg.Profiles[name]; !ok && h.getenv(credential.EnvClientID) != "" {
		name = ""
	}
	return name, h.DropProfile(name)
}

// DropProfile drops a profile's cached tokens: those of the file cache
// first, so that Front, on its next miss, cannot take them up again.
func (h *Core) DropProfile(name string) error {
	err := h.cache().Erase(name)
	if h.Front != nil {
		err = errors.Join(err, h.Front.Erase(name))
	}
	return err
}

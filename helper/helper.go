// Package helper is the token core of camunda-credential-helper: profiles
// and their config file, where credentials come from (environment, config,
// keychain), the OAuth 2.0 client-credentials client, and the encrypted
// token cache with its cross-process lock.
package helper

import (
	"context"
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

// Helper hands out tokens. Set its fields before first use.
type Helper struct {
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
	// Agent, when set, is asked first for tokens and told about logins,
	// logouts and erasures (see agentclient.go).
	Agent *AgentClient
	// AgentDir, when set, is the agent's directory (agentwire.Dir): a
	// running agent there is told about logins, logouts and erasures also
	// when Agent is nil (the agent turned off for this call): it must not
	// go on serving a token the call withdrew.
	AgentDir string

	mu  sync.Mutex
	cfg *config.Config // loaded on first use; nil after a change

	mem *tokencache.Memory // the agent's memory, when this Helper serves inside the agent
}

// DefaultCacheDir is <os.UserCacheDir()>/camunda-credential-helper.
func DefaultCacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "camunda-credential-helper"), nil
}

func (h *Helper) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Helper) lookupEnv(k string) (string, bool) {
	if h.Getenv != nil {
		return h.Getenv(k)
	}
	return os.LookupEnv(k)
}

func (h *Helper) getenv(k string) string {
	v, _ := h.lookupEnv(k)
	return v
}

func (h *Helper) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	d := h.Timeout
	if d <= 0 {
		d = DefaultTimeout
	}
	return context.WithTimeout(ctx, d)
}

// config loads the config file on first use.
func (h *Helper) config() (*config.Config, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cfg == nil {
		cfg, err := config.Load(h.ConfigPath)
		if err != nil {
			return nil, err
		}
		h.cfg = cfg
	}
	return h.cfg, nil
}

// configChanged makes the next config() read the file again.
func (h *Helper) configChanged() {
	h.mu.Lock()
	h.cfg = nil
	h.mu.Unlock()
}

func (h *Helper) cache() tokencache.Files { return tokencache.Files{Dir: h.CacheDir} }

// tokens is where this Helper keeps tokens: the agent's memory inside the
// agent, the encrypted file cache everywhere else.
func (h *Helper) tokens() tokencache.Store {
	if h.mem != nil {
		return h.mem
	}
	return h.cache()
}

// stamp puts this Helper's choice of profile on req: --profile as the
// profile named, CAMUNDA_PROFILE (or --profile) as the default (see
// config.Select).
func (h *Helper) stamp(req credential.Request) credential.Request {
	if req.Profile == "" && h.Explicit {
		req.Profile = h.profileName()
	}
	if req.Default == "" {
		req.Default = h.profileName()
	}
	return req
}

func (h *Helper) profileName() string {
	if h.Profile == "" {
		return config.DefaultProfile
	}
	return h.Profile
}

// Token returns a token for req: from the cache while it has more than the
// refresh margin and req.MinTTL left, otherwise from the token endpoint,
// with one request for any number of concurrent callers.
//
// With an agent, the agent is asked first; the rest of this function is
// then the same steps on the agent's side, over its memory.
func (h *Helper) Token(ctx context.Context, req credential.Request) (credential.Token, error) {
	if tok, err, ok := h.agentToken(ctx, req); ok {
		return tok, err
	}
	return h.directToken(ctx, req)
}

// directToken is Token without the agent.
func (h *Helper) directToken(ctx context.Context, req credential.Request) (credential.Token, error) {
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
	if h.mem != nil {
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

// adopt lets the agent, on a miss, take up what the direct path of an
// earlier call left in the encrypted file cache (login's verified token, a
// remembered rejection), so that starting the agent costs no extra token
// request. The agent only reads that cache; it never writes a token there.
func (h *Helper) adopt(c creds, k tokencache.Key, req credential.Request) (credential.Token, error, bool) {
	disk := h.cache()
	dk := disk.Key(c.identity())
	if req.ForceRefresh {
		disk.ForgetRejection(dk)
		return credential.Token{}, nil, false
	}
	if e, ok := disk.Load(dk); ok && e.Usable(h.now(), req.MinTTL) {
		_ = h.mem.Store(k, e)
		return token(c, e), nil, true
	}
	if r, ok := disk.Rejected(dk, h.now()); ok {
		h.mem.RememberRejection(k, r.Msg, h.now())
		return credential.Token{}, rejectedAgain(r), true
	}
	return credential.Token{}, nil, false
}

// fetchEntry fetches a token, caches it, and remembers a rejection.
func (h *Helper) fetchEntry(ctx context.Context, c creds, k tokencache.Key) (*tokencache.Entry, error) {
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

// Erase drops the cached tokens of the profile req selects, never its
// secret. A resource no profile serves is a no-op.
func (h *Helper) Erase(ctx context.Context, req credential.Request) error {
	cfg, err := h.config()
	if err != nil {
		return err
	}
	name, err := cfg.Select(h.stamp(req))
	if credential.KindOf(err) == credential.KindNoRoute {
		return nil
	}
	if err != nil {
		return err
	}
	if _, ok := cfg.Profiles[name]; !ok && h.getenv(EnvClientID) != "" {
		name = ""
	}
	// The file cache first: the agent, on its next miss, takes up what it
	// still holds (see adopt).
	err = h.tokens().Erase(name)
	h.agentErase(name)
	return err
}

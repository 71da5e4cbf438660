package helper

import (
	"context"
	"errors"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokencache"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// Token returns a token for req: from the cache while it has more than the
// refresh margin and req.MinTTL left, otherwise from the token endpoint,
// with one request for any number of concurrent callers.
func (h *Core) Token(ctx context.Context, req credential.Request) (credential.Token, error) {
	ctx, cancel := h.withTimeout(ctx)
	defer cancel()
	c, err := h.resolve(ctx, req)
	if err != nil {
		if credential.KindOf(err) == credential.KindNoRoute {
			trace.Printf(ctx, "profile", "not served: %v", err) // a hostless profile named for a host, say
		}
		return credential.Token{}, err
	}
	cc := h.tokens()
	if cc.KeyedBySecret() {
		trace.Printf(ctx, "cache", "%s is keyed by the client secret: the secret is read first", h.storeName())
		if err := h.readSecret(ctx, &c); err != nil {
			return credential.Token{}, err
		}
	}
	k := cc.Key(c.identity())
	if req.ForceRefresh {
		trace.Printf(ctx, "cache", "skipped: --force-refresh")
	} else if tok, ok := h.cached(ctx, cc, k, c, req, "lookup"); ok {
		return tok, nil
	}
	locking := time.Now()
	unlock, err := cc.Lock(ctx, k)
	if err != nil {
		trace.Printf(ctx, "cache", "no lock on this token after %s: %v", since(locking), err)
		return credential.Token{}, err
	}
	defer unlock()
	trace.Printf(ctx, "cache", "locked this token in %s (concurrent callers wait here for one request)", since(locking))
	if req.ForceRefresh {
		cc.ForgetRejection(k)
	} else {
		// Another invocation may have fetched while we waited for the lock.
		if tok, ok := h.cached(ctx, cc, k, c, req, "after the lock"); ok {
			return tok, nil
		}
		if r, ok := cc.Rejected(k, h.now()); ok {
			trace.Printf(ctx, "cache", "the token endpoint rejected these credentials moments ago: not asked again before %s", r.Until.UTC().Format(time.RFC3339))
			return credential.Token{}, rejectedAgain(r)
		}
	}
	if err := h.readSecret(ctx, &c); err != nil {
		return credential.Token{}, err
	}
	if h.Front != nil {
		if tok, err, ok := h.adopt(ctx, c, k, req); ok {
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

// cached is the token cc holds for k when it may be served for req; the
// trace says which store answered, or why it did not.
func (h *Core) cached(ctx context.Context, cc tokencache.Store, k tokencache.Key, c creds, req credential.Request, when string) (credential.Token, bool) {
	e, ok := cc.Load(k)
	if !ok {
		trace.Printf(ctx, "cache", "miss in %s (%s): no token for profile %q", h.storeName(), when, c.Profile)
		return credential.Token{}, false
	}
	if why := e.Unusable(h.now(), req.MinTTL); why != "" {
		trace.Printf(ctx, "cache", "miss in %s (%s): %s", h.storeName(), when, why)
		return credential.Token{}, false
	}
	tok := token(c, e)
	trace.Printf(ctx, "cache", "hit in %s (%s): served until %s (%s left), expires %s", h.storeName(), when,
		tok.RefreshAt.UTC().Format(time.RFC3339), tok.RefreshAt.Sub(h.now()).Round(time.Second), tok.Expiry.UTC().Format(time.RFC3339))
	return tok, true
}

// storeName says where this Core keeps tokens, for the trace.
func (h *Core) storeName() string {
	switch {
	case h.Front != nil:
		return "the agent's memory"
	case h.CacheDir == "":
		return "no cache (no cache directory)"
	}
	return "the encrypted file cache"
}

// adopt takes up into Front, on a miss, what an earlier call left in the
// encrypted file cache (login's verified token, a remembered rejection), so
// that starting the agent costs no extra token request. The file cache is
// only read here; a token is never written back to it.
func (h *Core) adopt(ctx context.Context, c creds, k tokencache.Key, req credential.Request) (credential.Token, error, bool) {
	disk := h.cache()
	dk := disk.Key(c.identity())
	if req.ForceRefresh {
		disk.ForgetRejection(dk)
		return credential.Token{}, nil, false
	}
	if e, ok := disk.Load(dk); ok && e.Usable(h.now(), req.MinTTL) {
		_ = h.Front.Store(k, e)
		trace.Printf(ctx, "cache", "took up the encrypted file cache's token into memory (no request)")
		return token(c, e), nil, true
	}
	if r, ok := disk.Rejected(dk, h.now()); ok {
		h.Front.RememberRejection(k, r.Msg, h.now())
		trace.Printf(ctx, "cache", "the encrypted file cache remembers a rejection: not asked again before %s", r.Until.UTC().Format(time.RFC3339))
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
	trace.Printf(ctx, "token", "fetched; kept in %s, served until %s, expires %s", h.storeName(),
		e.RefreshAt().UTC().Format(time.RFC3339), e.Expiry.UTC().Format(time.RFC3339))
	return e, nil
}

func rejectedAgain(r *tokencache.Rejection) error {
	return &credential.Error{Kind: credential.KindRejected, Msg: r.Msg,
		Hint: "The token endpoint rejected these credentials moments ago, so it was not asked again. Fix the credentials (login), or retry with --force-refresh."}
}

func token(c creds, e *tokencache.Entry) credential.Token {
	return credential.Token{AccessToken: e.AccessToken, Expiry: e.Expiry, RefreshAt: e.RefreshAt(), Profile: c.Profile, Username: c.Username}
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
	err := h.cache().Drop(name)
	if h.Front != nil {
		err = errors.Join(err, h.Front.Drop(name))
	}
	return err
}

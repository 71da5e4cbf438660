// Package helper is the token core of camunda-credential-helper: it
// resolves a request to a profile's credentials (environment, config file,
// keychain; source.go), gets a token from the token cache or the token
// endpoint (token.go, oauth.go), and stores and deletes secrets (account.go).
// Core implements credential.Source and knows nothing of the agent or the
// command line: those are layers around it (internal/agent, internal/cli).
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
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// MaxLifetime caps how long a token is kept, whatever expires_in says, so
// that a revoked client stops getting tokens within a day.
const MaxLifetime = 24 * time.Hour

// DefaultTimeout bounds one call, retries and waiting for other invocations
// included.
const DefaultTimeout = credential.DefaultTimeout

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
	return filepath.Join(dir, tools.Name), nil
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

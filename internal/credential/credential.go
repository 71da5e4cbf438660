// Package credential holds what every part of camunda-credential-helper
// exchanges: the Token handed out, the Request for one, the Source that
// hands tokens out (the core, the agent's client, a test double), and the
// classified Error that decides exit codes and protocol answers. It imports
// nothing of the project, so the wire protocols need no core.
package credential

import (
	"context"
	"time"
)

// Token is an access token as handed to callers. As in x/oauth2, Expiry
// is the token's real expiry and the margin before it is kept apart:
// RefreshAt is when the helper stops serving the token (a margin before
// Expiry). The protocols tell their tools RefreshAt, so that a tool that
// honours it never holds a token the helper would not serve.
type Token struct {
	AccessToken string    // visible ASCII, checked where it arrived
	Expiry      time.Time // when the token endpoint says it expires (expires_in, or a sooner JWT exp; capped)
	RefreshAt   time.Time // when the helper stops serving it and fetches another
	Profile     string    // the profile that produced the token ("" for environment credentials)
	Username    string    // the profile's username for protocols that need one (default: client ID)
}

// DefaultTimeout bounds one call, retries and waiting for other invocations
// included, when the caller sets no --timeout.
const DefaultTimeout = 30 * time.Second

// Request says which token a caller wants. Which profile serves it is
// config.Select's one rule.
type Request struct {
	// Profile is the profile the caller named (--profile, or "profile" in
	// get's JSON). It wins over host routing, but never serves a host
	// outside its own host patterns.
	Profile string
	// Default is the profile for a request that names none and routes no
	// host: CAMUNDA_PROFILE ("" means config.DefaultProfile).
	Default string
	// Resource is a URL, host, host:port or host/path named by the caller.
	Resource string
	// MinTTL demands at least this much remaining lifetime.
	MinTTL time.Duration
	// ForceRefresh always fetches a new token.
	ForceRefresh bool
}

// Source hands out tokens. Every command, protocol and server gets its
// token through one: the core, or the agent's client around it.
type Source interface {
	Token(ctx context.Context, req Request) (Token, error)
}

// Printable reports whether tok is visible ASCII, as RFC 6750's
// b64token is. Every output carries the token inside a line-based format
// (git's key=value lines, an HTTP header, a shell variable): a line break
// in it would let the token endpoint add lines of its own, such as another
// username for git.
func Printable(tok string) bool {
	for i := 0; i < len(tok); i++ {
		if c := tok[i]; c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return tok != ""
}

// The variables of Camunda's docs that carry a client ID and secret. When
// both are set they take precedence over the stored profile's, as AWS's
// variables beat its config files; such a caller is never served by the
// token agent, so a secret from the environment never crosses its socket
// nor outlives the caller.
const (
	EnvClientID     = "CAMUNDA_CONSOLE_CLIENT_ID"
	EnvClientSecret = "CAMUNDA_CONSOLE_CLIENT_SECRET"
)

// EnvCredentials reports whether lookup holds either variable.
func EnvCredentials(lookup func(string) (string, bool)) bool { return EnvCredentialVar(lookup) != "" }

// EnvCredentialVar is the first of the variables that lookup holds, or "".
func EnvCredentialVar(lookup func(string) (string, bool)) string {
	for _, n := range [...]string{EnvClientID, EnvClientSecret} {
		if v, _ := lookup(n); v != "" {
			return n
		}
	}
	return ""
}

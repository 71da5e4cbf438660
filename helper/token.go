package helper

import "time"

// Token is an access token as handed to callers. Expiry is the time at which
// the helper itself stops serving the token (the cache's refresh time), which
// is a margin before the endpoint's real expiry, so a caller that honours it
// never holds a token the helper would not serve.
type Token struct {
	AccessToken string
	TokenType   string // always "Bearer"
	Expiry      time.Time
	Profile     string // the profile that produced the token ("" for environment credentials)
	Username    string // the profile's username for protocols that need one (default: client ID)
}

// Request says which token a caller wants.
type Request struct {
	// Profile names the profile explicitly. When empty, Resource is routed
	// through the profiles' host patterns; when both are empty the selected
	// default profile is used.
	Profile string
	// Resource is a URL, host, host:port or host/path named by the caller.
	Resource string
	// MinTTL demands at least this much remaining lifetime.
	MinTTL time.Duration
	// ForceRefresh always fetches a new token.
	ForceRefresh bool
}

package helper

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/clientauth"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/loopdial"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokencache"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// DefaultLifetime is assumed for a token whose response carries no
// expires_in: short, so that a token of unknown lifetime is never kept long.
const DefaultLifetime = 5 * time.Minute

// maxAttempts bounds the requests one fetch makes: a persistently failing
// endpoint is reported within seconds, not at the timeout.
const maxAttempts = 4

// creds is everything a token request needs, resolved from a profile, the
// keychain and the environment.
type creds struct {
	Profile    string // "" for environment-only credentials
	ClientID   string
	Secret     string
	Key        *clientauth.Key // in place of Secret, for private_key_jwt
	TokenURL   string
	Audience   string
	Scope      string
	AuthMethod string
	CAFile     string
	Username   string
	Loopback   loopdial.Policy
	KeyID      string // kid for Key's assertions; "" means its thumbprint
	SigningAlg string // alg for Key's assertions; "" means its default

	sent []string // what else this attempt sent that is as secret as Secret (see redactAll)
}

// profileCreds is what a stored profile's settings say about its token
// requests; the secret is read separately (readSecret).
func profileCreds(name string, p *config.Profile) creds {
	return creds{Profile: name, ClientID: p.ClientID, TokenURL: p.TokenURLOrDefault(), Audience: p.AudienceOrDefault(),
		Scope: p.Scope, AuthMethod: p.AuthMethodOrDefault(), CAFile: p.CAFile, Username: p.UsernameOrDefault(),
		Loopback: LoopbackPolicy(p), KeyID: p.KeyID, SigningAlg: p.SigningAlg}
}

// identity is what decides which token c yields, for the token stores. A
// key stands in by its fingerprint (a hash, not the key): a new key never
// gets a token that was cached for the old one.
func (c creds) identity() tokencache.Identity {
	secret := c.Secret
	if c.Key != nil {
		secret = "private_key_jwt:" + c.Key.Fingerprint()
	}
	return tokencache.Identity{Profile: c.Profile, TokenURL: c.TokenURL, ClientID: c.ClientID, Audience: c.Audience,
		Scope: c.Scope, AuthMethod: c.AuthMethod, Secret: secret}
}

// hasCredential reports whether c holds its secret or key (read from the
// keychain or the environment).
func (c creds) hasCredential() bool { return c.Secret != "" || c.Key != nil }

// CheckTokenURL refuses URLs the secret must not be sent to: anything but
// https, except plain http to a loopback host.
func CheckTokenURL(raw string) error { return checkURL(raw, "token URL", "the client secret") }

// CheckAPIURL refuses URLs an access token must not be sent to, by the
// rule of CheckTokenURL.
func CheckAPIURL(raw string) error { return checkURL(raw, "API URL", "the access token") }

// checkURL is the rule of CheckTokenURL for a URL named what, to which
// carried would travel.
func checkURL(raw, what, carried string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return credential.Errorf(credential.KindUsage, "invalid %s %q: want an absolute https:// URL", what, route.StripUserinfo(raw))
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if route.IsLoopback(u.Hostname()) {
			return nil
		}
		return credential.Errorf(credential.KindUsage, "refusing to send %s over plain http to %s: use https (plain http is allowed only to loopback)", carried, u.Host)
	}
	return credential.Errorf(credential.KindUsage, "invalid %s %q: want an https:// URL", what, route.StripUserinfo(raw))
}

// LoopbackPolicy is what profile p says about loopback listeners.
func LoopbackPolicy(p *config.Profile) loopdial.Policy {
	return loopdial.Policy{TrustUnverified: p.TrustLoopbackListener}
}

// NewHTTPClient builds the client for the token endpoint: proxy variables
// honoured, the system roots plus an optional CA bundle, no redirects, so
// the form carrying the secret never travels to another origin, and
// loopdial's rules for this machine (localhost is loopback; plain http to
// loopback only to this user's listener, or as lb allows).
func NewHTTPClient(caFile string, lb loopdial.Policy) (*http.Client, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if caFile != "" {
		pem, err := config.ReadCAFile(caFile) // refused when others could change it
		if err != nil {
			return nil, err
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, credential.Errorf(credential.KindUsage, "CA file %s holds no PEM certificate", caFile)
		}
		t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: loopdial.Apply(t, lb), CheckRedirect: noRedirect}, nil
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// fetch requests a token with the client-credentials grant, retrying
// network errors, 5xx and 429 (honouring Retry-After) with exponential
// backoff and jitter, within ctx's deadline. 4xx is never retried.
func fetch(ctx context.Context, c creds, client *http.Client) (*oauth2.Token, error) {
	if err := CheckTokenURL(c.TokenURL); err != nil {
		return nil, err
	}
	if client == nil {
		var err error
		if client, err = NewHTTPClient(c.CAFile, c.Loopback); err != nil {
			return nil, err
		}
	} else {
		// A client passed in follows redirects by default, and on a 307
		// or 308 would resend the form with the secret to another origin.
		cl := *client
		cl.CheckRedirect = noRedirect
		client = &cl
	}
	cfg := clientcredentials.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.Secret,
		TokenURL:     c.TokenURL,
		AuthStyle:    oauth2.AuthStyleInParams,
	}
	if c.AuthMethod == config.AuthBasic {
		cfg.AuthStyle = oauth2.AuthStyleInHeader
	}
	if c.Scope != "" {
		cfg.Scopes = strings.Fields(c.Scope)
	}
	if c.Audience != "" {
		cfg.EndpointParams = url.Values{"audience": {c.Audience}}
	}
	if trace.On(ctx) {
		client = traced(ctx, client)
		trace.Printf(ctx, "request", "client credentials grant for client ID %s at %s (audience %q, scope %q, client authentication %s)",
			c.ClientID, c.TokenURL, c.Audience, c.Scope, c.AuthMethod)
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, client)
	delay := 200 * time.Millisecond
	for attempt := 1; ; attempt++ {
		assertion, err := c.authenticate(&cfg)
		if err != nil {
			return nil, err
		}
		tok, err := cfg.Token(ctx)
		if err == nil {
			return tok, checkToken(tok)
		}
		e, wait := classify(ctx, TokenEndpoint, c.TokenURL, c.withSent(assertion).scrub(err))
		c.keyHint(e)
		if wait < 0 || attempt == maxAttempts {
			trace.Printf(ctx, "request", "attempt %d failed, not retried: %v", attempt, e)
			return nil, e
		}
		if wait == 0 {
			wait = delay + rand.N(delay/2)
			delay *= 2
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			trace.Printf(ctx, "request", "attempt %d failed, no time left to retry: %v", attempt, e)
			return nil, e
		}
		trace.Printf(ctx, "request", "attempt %d failed: %v; retrying in %s", attempt, e, wait.Round(time.Millisecond))
		select {
		case <-ctx.Done():
			return nil, e
		case <-time.After(wait):
		}
	}
}

func checkToken(tok *oauth2.Token) error {
	if tok.AccessToken == "" {
		return credential.Errorf(credential.KindUnreachable, "token endpoint sent no access_token")
	}
	if t := tok.TokenType; t != "" && !strings.EqualFold(t, "bearer") {
		return credential.Errorf(credential.KindUnreachable, "token endpoint issued a token of type %q; only Bearer tokens are supported", t)
	}
	if !credential.Printable(tok.AccessToken) {
		// The message must not quote it: it is a credential, and its line
		// breaks are the problem.
		return credential.Errorf(credential.KindUnreachable, "token endpoint issued an access token with spaces, control or non-ASCII characters; refusing it")
	}
	return nil
}

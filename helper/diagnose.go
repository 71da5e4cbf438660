package helper

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/loopdial"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/privfile"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/sockowner"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokencache"
)

// Finding is one result of a check: doctor prints it with its fix.
type Finding struct {
	OK     bool
	Warn   bool // OK but worth a look
	Topic  string
	Detail string
	Fix    string // the step that fixes it, when not OK
	// Then is a command of the helper's for the profile diagnosed that
	// follows Fix ("token --force-refresh"); doctor spells the command
	// line out, as the core knows no program name.
	Then string
	// Cause is the failure found, when it is one: doctor makes the
	// command that fixes it from its facts when Fix and Then are "".
	Cause *credential.Error
}

// Diagnose checks and explains what the core owns for the profile it
// selects: the profile and its secret, the token endpoint (reachability,
// TLS, proxy), a token (clock skew against its issue time, its claims) and
// the cache. Nothing it reports holds a secret or a token.
func (h *Core) Diagnose(ctx context.Context) []Finding {
	var out []Finding
	add := func(f Finding) { out = append(out, f) }
	name := h.ProfileName()
	envID, envSecret := h.getenv(credential.EnvClientID), h.getenv(credential.EnvClientSecret)

	// Profile and secret.
	c, err := h.resolve(ctx, credential.Request{})
	if err == nil {
		err = h.readSecret(ctx, &c)
	}
	if err != nil {
		e := credential.Classify(err)
		add(Finding{Topic: "profile " + name, Detail: e.Msg, Fix: e.Hint, Cause: e})
		return out
	}
	src := "secret in the keychain"
	switch {
	case envID != "" && envSecret != "":
		src = "secret from the environment"
	case c.Key != nil:
		src = fmt.Sprintf("%s key in the keychain (%s, kid %s", c.Key.Type(), c.Key.Algorithm(), c.Key.KeyID())
		if c.Key.Cert != nil {
			src += ", certificate until " + c.Key.Cert.NotAfter.UTC().Format(time.DateOnly)
		}
		src += ")"
	}
	aud := c.Audience
	if aud == "" {
		aud = "(none)"
	}
	add(Finding{OK: true, Topic: "profile " + name, Detail: fmt.Sprintf("client ID %s, %s, token URL %s, audience %s, auth %s", c.ClientID, src, route.StripUserinfo(c.TokenURL), aud, config.AuthMethodName(c.AuthMethod))})

	// Token endpoint: proxy, reachability and TLS.
	add(h.probeEndpoint(ctx, c))

	// Token, clock skew and cache: the direct path, keychain and endpoint
	// included, whatever the agent holds.
	tok, err := h.Token(ctx, credential.Request{})
	if err != nil {
		e := credential.Classify(err)
		f := Finding{Topic: "token", Detail: e.Msg, Fix: e.Hint, Cause: e}
		if f.Fix == "" && e.Missing == credential.MissingNothing {
			f.Fix, f.Then = "Check the settings above, then:", "token --force-refresh"
		}
		add(f)
	} else {
		add(Finding{OK: true, Topic: "token", Detail: "a valid token is available until " + tok.RefreshAt.UTC().Format(time.RFC3339)})
		if e, ok := h.cache().Load(tokencache.NewKey(c.identity())); ok {
			out = append(out, claimFindings(e, c.Audience)...)
		}
	}
	add(h.cacheFinding(c))
	return out
}

func (h *Core) probeEndpoint(ctx context.Context, c creds) Finding {
	f := Finding{Topic: "token endpoint"}
	if err := CheckTokenURL(c.TokenURL); err != nil {
		f.Detail, f.Then = err.Error(), "login --oauth-url https://..."
		return f
	}
	u, _ := url.Parse(c.TokenURL)
	req, _ := http.NewRequest(http.MethodPost, c.TokenURL, nil)
	via := "direct"
	if p, err := http.ProxyFromEnvironment(req); err == nil && p != nil {
		via = "via proxy " + p.Redacted()
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), map[string]string{"https": "443", "http": "80"}[u.Scheme])
	}
	if via != "direct" || u.Scheme != "https" {
		f.OK = true
		f.Detail = fmt.Sprintf("%s (%s; TLS not probed)", route.StripUserinfo(c.TokenURL), via)
		if u.Scheme == "http" {
			loopbackFinding(&f, c, sockowner.Supported)
		}
		return f
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	client, err := NewHTTPClient(c.CAFile, c.Loopback)
	if err != nil {
		e := credential.Classify(err)
		f.Detail, f.Fix, f.Cause = e.Msg, e.Hint, e // a CA file others could change, say
		return f
	}
	cfg := &tls.Config{ServerName: u.Hostname()}
	if t, ok := client.Transport.(*http.Transport); ok && t.TLSClientConfig != nil {
		cfg.RootCAs = t.TLSClientConfig.RootCAs
	}
	start := time.Now()
	conn, err := (&tls.Dialer{Config: cfg}).DialContext(ctx, "tcp", host)
	if err != nil {
		e, _ := classify(ctx, TokenEndpoint, c.TokenURL, err)
		f.Detail = e.Msg
		f.Fix = e.Hint
		if f.Fix == "" {
			f.Fix = "Check the token URL, DNS, firewall and proxy settings (HTTPS_PROXY, NO_PROXY)."
		}
		return f
	}
	defer conn.Close()
	st := conn.(*tls.Conn).ConnectionState()
	leaf := st.PeerCertificates[0]
	ca := "system roots"
	if c.CAFile != "" {
		ca = "system roots + " + c.CAFile
	}
	f.OK = true
	f.Detail = fmt.Sprintf("%s reachable %s in %s; TLS certificate %q issued by %q, valid until %s, verified against %s",
		host, via, time.Since(start).Round(time.Millisecond), leaf.Subject.CommonName, leaf.Issuer.CommonName, leaf.NotAfter.Format("2006-01-02"), ca)
	return f
}

// loopbackFinding says who may receive the secret at a plain-http loopback
// token URL: a listener of this user, where the system can tell
// (supported); else nobody, or whoever listens when the profile trusts it.
func loopbackFinding(f *Finding, c creds, supported bool) {
	const unknown = "; plain http: this system cannot tell which user listens on that port"
	switch {
	case supported:
		f.Detail += "; plain http: the secret goes only to a listener of this user (checked on each connection)"
	case c.Loopback.TrustUnverified:
		f.Warn = true
		f.Detail += unknown + ", and " + loopdial.Setting + " = true sends the secret to whoever does"
	default:
		f.OK = false
		f.Detail += unknown + ", so the secret is not sent there"
		f.Fix = "If no one else can run programs on this machine, add " + loopdial.Setting + " = true to the profile in the config file; otherwise use https."
	}
}

// claimFindings show a JWT token's audience, scope and lifetime, and
// compare its issue time (iat) with the local time at which it was
// received (clock skew) and its audience with the one asked for.
func claimFindings(e *tokencache.Entry, audience string) []Finding {
	c, ok := parseJWT(e.AccessToken)
	if !ok {
		return []Finding{{OK: true, Topic: "token claims", Detail: "the token is opaque (not a JWT): nothing to decode"}}
	}
	auds := c.audiences()
	f := Finding{OK: true, Topic: "token claims", Detail: fmt.Sprintf("aud %v, scope %v", auds, c.scopes())}
	if c.Exp > 0 {
		f.Detail += ", exp " + time.Unix(int64(c.Exp), 0).UTC().Format(time.RFC3339)
	}
	if audience != "" && len(auds) > 0 && !slices.Contains(auds, audience) && !slices.Contains(auds, "https://"+audience) {
		f.Warn = true
		f.Detail += fmt.Sprintf("; the requested audience %q is not among them (some identity providers ignore the audience parameter)", audience)
	}
	out := []Finding{f}
	if c.Iat == 0 {
		return out
	}
	skew := e.Received.Sub(time.Unix(int64(c.Iat), 0)).Round(time.Second)
	s := Finding{OK: true, Topic: "clock", Detail: fmt.Sprintf("local clock is %s ahead of the token issuer's (received vs iat)", skew)}
	if skew < 0 {
		s.Detail = fmt.Sprintf("local clock is %s behind the token issuer's (received vs iat)", -skew)
	}
	if skew > 2*time.Minute || skew < -2*time.Minute {
		s.OK = false
		s.Fix = "Synchronise the system clock (e.g. timedatectl set-ntp true); a skewed clock makes tokens look expired or not yet valid."
	}
	return append(out, s)
}

func (h *Core) cacheFinding(c creds) Finding {
	f := Finding{OK: true, Topic: "cache"}
	if h.CacheDir == "" {
		f.Detail = "disabled"
		return f
	}
	fi, err := os.Stat(h.CacheDir)
	if err != nil {
		f.Detail = h.CacheDir + " does not exist yet"
		return f
	}
	if privfile.LooseBits(fi, 0o077) != 0 {
		f.OK, f.Fix = false, "chmod 700 "+h.CacheDir
	}
	des, _ := os.ReadDir(h.CacheDir)
	n := 0
	for _, de := range des {
		if strings.HasSuffix(de.Name(), ".tok") {
			n++
		}
	}
	f.Detail = fmt.Sprintf("%s: %d encrypted token(s)", h.CacheDir, n)
	if runtime.GOOS != "windows" { // Go makes Windows mode bits up; ACLs decide there
		f.Detail += fmt.Sprintf(", mode %v", fi.Mode().Perm())
	}
	if e, ok := h.cache().Load(tokencache.NewKey(c.identity())); ok {
		f.Detail += fmt.Sprintf("; this profile's token expires %s, refreshed from %s", e.Expiry.UTC().Format(time.RFC3339), e.RefreshAt().UTC().Format(time.RFC3339))
	}
	return f
}

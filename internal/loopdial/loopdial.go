// Package loopdial holds the two rules for connections the token path
// makes to this machine, in the transport every token request (and every
// call check makes with a token) goes through, whatever the client
// authentication it carries:
//
//   - "localhost" and names under ".localhost" are this machine: they are
//     dialled at 127.0.0.1 and ::1 only, never looked up in /etc/hosts or
//     DNS, and never sent to a proxy.
//   - plain http to a loopback address goes only to a listener of this
//     user (or root). Every local user can bind a loopback port, for
//     instance the one a port-forward to the identity provider used before
//     it stopped. The owner is checked on the connection itself, after it
//     is made and before a byte is written (sockowner.ListenerUID), so a
//     port that changes hands between a check and the connect cannot
//     fool it. Where the owner cannot be learned (macOS, Windows), plain
//     http to loopback needs the profile's trust_loopback_listener.
package loopdial

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/sockowner"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// Policy is what a profile says about loopback listeners.
type Policy struct {
	// TrustUnverified sends over plain http to a loopback listener whose
	// owner this system cannot tell (the profile's trust_loopback_listener).
	// A listener known to be another user's is refused all the same.
	TrustUnverified bool
}

// Setting is the config key behind Policy.TrustUnverified, for messages.
const Setting = "trust_loopback_listener"

// Apply sets t's dialer and proxy choice to the rules, and returns the
// RoundTripper to use in t's place.
func Apply(t *http.Transport, p Policy) http.RoundTripper {
	d := &dialer{net: &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}, policy: p}
	t.DialContext = d.dial
	base := t.Proxy
	t.Proxy = func(r *http.Request) (*url.URL, error) {
		if h := r.URL.Hostname(); route.IsLoopback(h) || route.IsLocalhostName(h) {
			return nil, nil // loopback is reached directly, never through a proxy
		}
		if base == nil {
			return nil, nil
		}
		return base(r)
	}
	return plainMarker{t}
}

// plainKey marks the context of a plain-http request: its connection, if
// it reaches loopback, must be checked.
type plainKey struct{}

// plainMarker tells the dialer which connections carry plain http. The
// transport pools connections by scheme and address, so a connection
// dialled (and checked) for plain http is only ever reused for plain http
// to the same address.
type plainMarker struct{ t *http.Transport }

func (m plainMarker) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Scheme == "http" {
		r = r.WithContext(context.WithValue(r.Context(), plainKey{}, true))
	}
	return m.t.RoundTrip(r)
}

type dialer struct {
	net    *net.Dialer
	policy Policy
	// loopback are the addresses a localhost name is dialled at, in
	// order; nil means 127.0.0.1 then ::1 (tests change them).
	loopback []string
	// owner learns who listens at a connection's other end; nil means
	// sockowner.ListenerUID (tests change it).
	owner func(net.Conn) (uint32, error)
}

func (d *dialer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var c net.Conn
	if route.IsLocalhostName(host) {
		c, err = d.dialLocalhost(ctx, network, host, port)
	} else {
		c, err = d.net.DialContext(ctx, network, addr)
	}
	if err != nil {
		return nil, err
	}
	if plain, _ := ctx.Value(plainKey{}).(bool); plain && isLoopback(c.RemoteAddr()) {
		if err := d.checkOwner(ctx, c, addr); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

func (d *dialer) dialLocalhost(ctx context.Context, network, host, port string) (net.Conn, error) {
	addrs := d.loopback
	if addrs == nil {
		addrs = []string{"127.0.0.1", "::1"}
	}
	var first error
	for _, a := range addrs {
		ip := net.ParseIP(a)
		if (network == "tcp4" && ip.To4() == nil) || (network == "tcp6" && ip.To4() != nil) {
			continue
		}
		c, err := d.net.DialContext(ctx, network, net.JoinHostPort(a, port))
		if err == nil {
			trace.Printf(ctx, "dial", "%s is this machine: connected to %s, without the resolver", host, c.RemoteAddr())
			return c, nil
		}
		if first == nil {
			first = err
		}
	}
	if first == nil {
		first = &net.AddrError{Err: "no loopback address for network " + network, Addr: host}
	}
	return nil, first
}

// checkOwner lets plain http go over c only to a listener of this user or
// root, or, where no owner can be learned, to any listener when the
// profile says so.
func (d *dialer) checkOwner(ctx context.Context, c net.Conn, addr string) error {
	owner := d.owner
	if owner == nil {
		owner = sockowner.ListenerUID
	}
	uid, err := owner(c)
	me := os.Getuid()
	switch {
	case err == nil && (int(uid) == me || uid == 0):
		trace.Printf(ctx, "listener", "%s (plain http) is uid %d's: allowed", addr, uid)
		return nil
	case err == nil:
		trace.Printf(ctx, "listener", "%s (plain http) is uid %d's, not uid %d's: refused, nothing sent", addr, uid, me)
		return &credential.Error{Kind: credential.KindUsage,
			Msg:  "refusing to send credentials over plain http to " + addr + ": the listener there belongs to another user (uid " + strconv.FormatUint(uint64(uid), 10) + ")",
			Hint: "Another local user may have taken the port after your server stopped. Start your server again (or use https), then retry."}
	case d.policy.TrustUnverified:
		trace.Printf(ctx, "listener", "%s (plain http): owner unknown (%v): allowed by %s", addr, err, Setting)
		return nil
	}
	trace.Printf(ctx, "listener", "%s (plain http): owner unknown (%v): refused, nothing sent", addr, err)
	why := "its owner cannot be learned"
	if !errors.Is(err, sockowner.ErrUnsupported) {
		why += " (" + err.Error() + ")"
	}
	return &credential.Error{Kind: credential.KindUsage, Err: err,
		Msg:  "refusing to send credentials over plain http to " + addr + ": another local user could be listening there, and " + why,
		Hint: "If no one else can run programs on this machine, log in with --trust-loopback-listener (it sets " + Setting + " = true in the profile); otherwise use https."}
}

func isLoopback(a net.Addr) bool {
	t, ok := a.(*net.TCPAddr)
	return ok && t.IP.IsLoopback()
}

package loopdial

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/sockowner"
)

// TestUnknownOwner: where the owner of a loopback listener cannot be
// learned (macOS, Windows), plain http to it is refused, naming the
// setting, unless the profile trusts loopback listeners; TLS to loopback
// needs no owner.
func TestUnknownOwner(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	unknown := func(net.Conn) (uint32, error) { return 0, sockowner.ErrUnsupported }
	plain := context.WithValue(context.Background(), plainKey{}, true)
	for _, tc := range []struct {
		ctx   context.Context
		trust bool
		ok    bool
	}{
		{plain, false, false},
		{plain, true, true},
		{context.Background(), false, true}, // not plain http: TLS authenticates the server
	} {
		d := &dialer{net: &net.Dialer{}, policy: Policy{TrustUnverified: tc.trust}, owner: unknown}
		c, err := d.dial(tc.ctx, "tcp", ln.Addr().String())
		if tc.ok != (err == nil) {
			t.Errorf("trust %v, plain %v: dial = %v; want ok %v", tc.trust, tc.ctx != context.Background(), err, tc.ok)
		}
		if c != nil {
			c.Close()
		}
		var ce *credential.Error
		if err != nil && (!errors.As(err, &ce) || ce.Kind != credential.KindUsage || !strings.Contains(ce.Hint, Setting+" = true")) {
			t.Errorf("refusal = %#v; want a usage error naming %s", err, Setting)
		}
	}
}

// TestLoopbackNotProxied: loopback hosts and localhost names never go to
// a proxy (it would resolve the name, and see the request).
func TestLoopbackNotProxied(t *testing.T) {
	proxy, _ := url.Parse("http://proxy.example:3128")
	tr := &http.Transport{Proxy: func(*http.Request) (*url.URL, error) { return proxy, nil }}
	Apply(tr, Policy{})
	for host, want := range map[string]bool{"localhost": false, "idp.localhost": false, "127.0.0.1": false, "[::1]": false, "login.example.com": true} {
		req, _ := http.NewRequest(http.MethodPost, "https://"+host+"/oauth/token", nil)
		got, err := tr.Proxy(req)
		if err != nil || (got != nil) != want {
			t.Errorf("%s: proxy %v, %v; want proxied %v", host, got, err, want)
		}
	}
}

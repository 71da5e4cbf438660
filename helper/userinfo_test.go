package helper

import (
	"context"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
)

func TestStripUserinfo(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"git.example.com", "git.example.com"},
		{"https://git.example.com:8443/x?y#z", "https://git.example.com:8443/x?y#z"},
		{"https://bob:hunter2@git.example.com/x", "https://git.example.com/x"},
		{"bob:hunter2@git.example.com", "git.example.com"},
		{"https://bob:hunter2/x@git.example.com", "https://git.example.com"},
		{"https://bob:hun?ter2#@git.example.com/p", "https://git.example.com/p"},
		{"https://bob:p@ss@git.example.com", "https://git.example.com"},
		{"grpcs://bob:hunter2@cache.example.com/pkg.S/M", "grpcs://cache.example.com/pkg.S/M"},
		{"https://@git.example.com", "https://git.example.com"},
		{"h.example.com/path?q=https://evil.example.org", "h.example.com/path?q=https://evil.example.org"},
		// A '@' in a path costs the host, not a password.
		{"reg.example.com/img@sha256:abc", "sha256:abc"},
	} {
		if got := route.StripUserinfo(tt.in); got != tt.want {
			t.Errorf("route.StripUserinfo(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// canaryInputs hold the canary in their userinfo, in the shapes that URL
// parsers read differently.
var canaryInputs = []string{
	"https://bob:hunter2@git.example.com/x",
	"https://bob:hunter2/x@git.example.com",
	"https://bob:hunter2/x@bad host",
	"http://bob:hunter2@other.example.net",
	"bob:hunter2@other.example.net",
	"bob:hunter2/x@other.example.net",
	"https://bob:hunter2?x@git.example.com",
	"https://bob:hunter2@",
	`https://bob:hunter2@h\x`,
	"ftp://bob:hunter2@git.example.com",
	"https://hunter2@other.example.net:99999",
}

// TestErrorsHideUserinfo: no error that quotes a resource, host pattern or
// token URL quotes its userinfo.
func TestErrorsHideUserinfo(t *testing.T) {
	const canary = "hunter2"
	check := func(what, in string, err error) {
		t.Helper()
		if err != nil && strings.Contains(err.Error(), canary) {
			t.Errorf("%s(%q) error quotes the password: %v", what, in, err)
		}
	}
	h, _ := routed(t)
	for _, in := range canaryInputs {
		_, _, err := route.HostPort(in)
		check("route.HostPort", in, err)
		check("route.ValidHostPattern", in, route.ValidHostPattern(in))
		check("checkTokenURL", in, CheckTokenURL(in))
		_, err = sibling(h).Token(context.Background(), credential.Request{Resource: in})
		check("credential.Token", in, err)
		explicit := sibling(h)
		explicit.Profile, explicit.Explicit = "exact", true
		_, err = explicit.Token(context.Background(), credential.Request{Resource: in})
		check("credential.Token with --profile", in, err)
		_, err = sibling(h).Token(context.Background(), credential.Request{Profile: "port", Resource: in})
		check("credential.Token with a profile", in, err)
		_, err = sibling(h).LoginRegistry(context.Background(), in, "id", "secret")
		check("LoginRegistry", in, err)
	}
}

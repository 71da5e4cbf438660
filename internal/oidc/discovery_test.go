package oidc

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Discover takes the token endpoint from the issuer's own document and
// refuses one that is not JSON, names another issuer, or names no endpoint.
func TestDiscover(t *testing.T) {
	var body, ctype string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != WellKnown {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", ctype)
		w.Write([]byte(strings.ReplaceAll(body, "ROOT", "http://"+r.Host)))
	}))
	defer srv.Close()
	for _, tc := range []struct {
		name, issuer, body, ctype, want string
	}{
		{"ok", srv.URL, `{"issuer":"ROOT","token_endpoint":"ROOT/token","token_endpoint_auth_methods_supported":["private_key_jwt"]}`, "application/json", ""},
		{"trailing slash kept", srv.URL + "/", `{"issuer":"ROOT/","token_endpoint":"ROOT/token"}`, "application/json", ""},
		{"another issuer", srv.URL, `{"issuer":"https://evil.example.com","token_endpoint":"https://evil.example.com/token"}`, "application/json", `names the issuer "https://evil.example.com"`},
		{"slash differs", srv.URL, `{"issuer":"ROOT/","token_endpoint":"ROOT/token"}`, "application/json", "names the issuer"},
		{"HTML", srv.URL, `<html>sign in</html>`, "text/html", `not JSON; content type "text/html"`},
		{"no endpoint", srv.URL, `{"issuer":"ROOT"}`, "application/json", "names no token_endpoint"},
		{"not found", srv.URL + "/nothing", ``, "", "404"},
	} {
		body, ctype = tc.body, tc.ctype
		m, err := Discover(context.Background(), srv.Client(), tc.issuer)
		switch {
		case tc.want == "" && (err != nil || m.TokenEndpoint != strings.TrimSuffix(srv.URL, "/")+"/token"):
			t.Errorf("%s: %+v, %v; want the token endpoint", tc.name, m, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v; want an error with %q", tc.name, err, tc.want)
		}
	}
}

func TestSupports(t *testing.T) {
	none := &Metadata{}
	if !none.Supports("client_secret_basic") || !none.Supports("client_secret_post") || none.Supports("private_key_jwt") {
		t.Error("without a list: want the secret methods only")
	}
	m := &Metadata{AuthMethods: []string{"private_key_jwt"}}
	if !m.Supports("private_key_jwt") || m.Supports("client_secret_post") {
		t.Error("with a list: want exactly its methods")
	}
}

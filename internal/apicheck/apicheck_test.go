package apicheck

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// source hands out one token (or err) and counts the calls.
type source struct {
	err   error
	calls atomic.Int32
}

func (s *source) Token(context.Context, credential.Request) (credential.Token, error) {
	s.calls.Add(1)
	if s.err != nil {
		return credential.Token{}, s.err
	}
	return credential.Token{AccessToken: "tok-1", Expiry: time.Now().Add(time.Hour)}, nil
}

func newCore(t *testing.T, p *config.Profile) *helper.Core {
	t.Helper()
	h := &helper.Core{Secrets: &keystore.Memory{}, ConfigPath: filepath.Join(t.TempDir(), "config.toml"),
		Profile: config.DefaultProfile, Timeout: 5 * time.Second, Getenv: func(string) (string, bool) { return "", false }}
	if p != nil {
		err := config.Update(context.Background(), h.ConfigPath, func(c *config.Config) error {
			c.Profiles[config.DefaultProfile] = p
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// seen is what the API received.
type seen struct {
	method, path, auth, accept, contentType, body string
}

func api(t *testing.T, status int, answer string) (*httptest.Server, *seen) {
	t.Helper()
	var s seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s = seen{r.Method, r.URL.RequestURI(), r.Header.Get("Authorization"), r.Header.Get("Accept"), r.Header.Get("Content-Type"), string(b)}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv, &s
}

// A named URL is called with GET and the token; a refusal is an answer,
// not an error.
func TestCallNamedURL(t *testing.T) {
	srv, s := api(t, http.StatusForbidden, `{"error":"forbidden"}`)
	r, err := Call(context.Background(), &source{}, newCore(t, nil), srv.URL+"/v2/topology")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != http.StatusForbidden || string(r.Body) != `{"error":"forbidden"}` || r.ContentType != "application/json" || r.Method != "GET" {
		t.Errorf("result = %+v; want the API's 403 and its body", r)
	}
	if s.method != "GET" || s.path != "/v2/topology" || s.auth != "Bearer tok-1" || s.accept != "application/json" || s.body != "" {
		t.Errorf("the API saw %+v; want GET /v2/topology with the bearer token", *s)
	}
}

// Without a URL the profile's API preset says what to call: operate's is
// a POST with a JSON body, at the profile's api_url.
func TestCallPreset(t *testing.T) {
	srv, s := api(t, http.StatusOK, `{"items":[]}`)
	h := newCore(t, &config.Profile{ClientID: "id", TokenURL: "https://login.example.com/token", API: "operate", APIURL: srv.URL + "/"})
	r, err := Call(context.Background(), &source{}, h, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != http.StatusOK || r.Method != "POST" || r.URL != srv.URL+"/v1/process-definitions/search" {
		t.Errorf("result = %+v; want operate's search answered", r)
	}
	if s.method != "POST" || s.body != `{"size":1}` || s.contentType != "application/json" || s.auth != "Bearer tok-1" {
		t.Errorf("the API saw %+v; want operate's POST with its JSON body", *s)
	}
}

// The answer kept is at most 64 KiB.
func TestCallBodyBounded(t *testing.T) {
	srv, _ := api(t, http.StatusOK, strings.Repeat("x", 100<<10))
	r, err := Call(context.Background(), &source{}, newCore(t, nil), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Body) != 64<<10 {
		t.Errorf("kept %d bytes; want 64 KiB", len(r.Body))
	}
}

// A URL the token must not travel to is refused before a token is asked
// for, in the words of the API, not of the token endpoint.
func TestCallRefusesURL(t *testing.T) {
	for _, tt := range []struct{ url, want string }{
		{"http://api.example.com/v1", "refusing to send the access token over plain http to api.example.com"},
		{"ftp://api.example.com/v1", `invalid API URL "ftp://api.example.com/v1"`},
		{"/v1/info", "invalid API URL"},
	} {
		src := &source{}
		_, err := Call(context.Background(), src, newCore(t, nil), tt.url)
		if e := credential.Classify(err); err == nil || e.Kind != credential.KindUsage || !strings.Contains(e.Msg, tt.want) {
			t.Errorf("Call(%q) = %v; want a usage error with %q", tt.url, err, tt.want)
		}
		if strings.Contains(err.Error(), "token URL") || strings.Contains(err.Error(), "client secret") {
			t.Errorf("Call(%q) = %v; speaks of the token endpoint", tt.url, err)
		}
		if src.calls.Load() != 0 {
			t.Errorf("Call(%q) asked for a token", tt.url)
		}
	}
}

// An API that cannot be reached is named as the API.
func TestCallUnreachable(t *testing.T) {
	srv, _ := api(t, http.StatusOK, "")
	url := srv.URL
	srv.Close()
	_, err := Call(context.Background(), &source{}, newCore(t, nil), url)
	e := credential.Classify(err)
	if err == nil || e.Kind != credential.KindUnreachable || !strings.HasPrefix(e.Msg, "cannot reach API ") {
		t.Fatalf("Call to a closed port = %v (kind %v); want \"cannot reach API ...\"", err, e.Kind)
	}
	if strings.Contains(e.Error(), "token endpoint") {
		t.Errorf("the error %q speaks of the token endpoint", e.Error())
	}
}

// The token path's failure is the check's, unchanged.
func TestCallTokenFailure(t *testing.T) {
	srv, s := api(t, http.StatusOK, "")
	want := &credential.Error{Kind: credential.KindNotLoggedIn, Msg: "no client secret stored"}
	_, err := Call(context.Background(), &source{err: want}, newCore(t, nil), srv.URL)
	if !errors.Is(err, want) {
		t.Errorf("Call = %v; want the token path's error", err)
	}
	if s.method != "" {
		t.Error("the API was called without a token")
	}
}

package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

type fakeSource struct {
	tok  credential.Token
	err  error
	reqs []credential.Request
}

func (f *fakeSource) Token(_ context.Context, req credential.Request) (credential.Token, error) {
	f.reqs = append(f.reqs, req)
	return f.tok, f.err
}

var t0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func start(t *testing.T, src credential.Source, log io.Writer) string {
	t.Helper()
	e := &Endpoint{Source: src, ClientID: "cid", Secret: "per-run-secret", Log: log, Now: func() time.Time { return t0 }}
	u, stop, err := e.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	if !strings.HasPrefix(u, "http://127.0.0.1:") || !strings.HasSuffix(u, Path) {
		t.Fatalf("url = %s; want loopback %s", u, Path)
	}
	return u
}

func post(t *testing.T, u string, form url.Values, basic bool) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(url.QueryEscape("cid"), url.QueryEscape("per-run-secret"))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&v)
	return resp.StatusCode, v
}

func TestEndpoint(t *testing.T) {
	const jwt = "eyJhbGciOiJub25lIn0.eyJleHAiOjF9.sig"
	src := &fakeSource{tok: credential.Token{AccessToken: jwt, RefreshAt: t0.Add(90 * time.Second)}}
	var log bytes.Buffer
	u := start(t, src, &log)
	good := url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"per-run-secret"}, "audience": {"zeebe.camunda.io"}, "scope": {"x"}}

	code, v := post(t, u, good, false)
	if code != 200 || v["access_token"] != jwt || v["token_type"] != "Bearer" || v["expires_in"] != float64(90) {
		t.Errorf("form auth: %d %v; want the token unchanged, Bearer, expires_in 90", code, v)
	}
	if len(src.reqs) != 1 || src.reqs[0] != (credential.Request{}) {
		t.Errorf("requests = %+v; want one for the profile's token, audience and scope ignored", src.reqs)
	}
	code, v = post(t, u, url.Values{"grant_type": {"client_credentials"}}, true)
	if code != 200 || v["access_token"] != jwt {
		t.Errorf("Basic auth: %d %v; want the token", code, v)
	}
	for name, form := range map[string]url.Values{
		"wrong secret": {"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"per-run-secreT"}},
		"wrong id":     {"grant_type": {"client_credentials"}, "client_id": {"other"}, "client_secret": {"per-run-secret"}},
		"no secret":    {"grant_type": {"client_credentials"}, "client_id": {"cid"}},
	} {
		if code, v := post(t, u, form, false); code != 401 || v["error"] != "invalid_client" {
			t.Errorf("%s: %d %v; want 401 invalid_client", name, code, v)
		}
	}
	other := url.Values{"grant_type": {"password"}, "client_id": {"cid"}, "client_secret": {"per-run-secret"}}
	if code, v := post(t, u, other, false); code != 400 || v["error"] != "unsupported_grant_type" {
		t.Errorf("password grant: %d %v; want 400 unsupported_grant_type", code, v)
	}
	if len(src.reqs) != 2 {
		t.Errorf("token asked %d times; want only for the 2 good requests", len(src.reqs))
	}
	for _, tc := range []struct {
		method, path string
		body         string
		want         int
	}{
		{http.MethodGet, Path, "", 405},
		{http.MethodPost, "/other", good.Encode(), 404},
		{http.MethodPost, Path, "client_id=" + strings.Repeat("x", 70<<10), 413},
	} {
		req, _ := http.NewRequest(tc.method, strings.TrimSuffix(u, Path)+tc.path, strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s %s (%d bytes) = %d; want %d", tc.method, tc.path, len(tc.body), resp.StatusCode, tc.want)
		}
	}
	if log.Len() != 0 {
		t.Errorf("log = %q; want nothing logged", log.String())
	}
}

func TestEndpointNoToken(t *testing.T) {
	src := &fakeSource{err: &credential.Error{Kind: credential.KindKeychain, Msg: "the keyring is locked", Hint: "Unlock it."}}
	var log bytes.Buffer
	u := start(t, src, &log)
	code, v := post(t, u, url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"per-run-secret"}}, false)
	if code != 503 || v["error"] != "temporarily_unavailable" || !strings.Contains(v["error_description"].(string), "keyring is locked") {
		t.Errorf("%d %v; want 503 temporarily_unavailable with the reason", code, v)
	}
	if !strings.Contains(log.String(), "keyring is locked") {
		t.Errorf("log = %q; want the reason on the helper's stderr", log.String())
	}
}

func TestNewSecret(t *testing.T) {
	a, err := NewSecret()
	b, _ := NewSecret()
	if err != nil || len(a) < 43 || a == b {
		t.Errorf("NewSecret = %q, %q, %v; want two different 32-byte secrets", a, b, err)
	}
}

func TestFormat(t *testing.T) {
	vars := [][2]string{{"A", `x"$y'z`}}
	for format, want := range map[string]string{
		"env":        "A=x\"$y'z\n",
		"dotenv":     "A=\"x\\\"\\$y'z\"\n",
		"powershell": "$Env:A = 'x\"$y''z'\n",
	} {
		if got := Format(vars, format); got != want {
			t.Errorf("Format(%s) = %q; want %q", format, got, want)
		}
	}
}

package helper

import (
	"encoding/base64"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokencache"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

func TestParseJWT(t *testing.T) {
	for _, tc := range []struct {
		name       string
		tok        string
		ok         bool
		aud, scope []string
	}{
		{"opaque", "tok-1", false, nil, nil},
		{"two parts", "a.b", false, nil, nil},
		{"bad base64", "a.!!!.c", false, nil, nil},
		{"not JSON", "a." + base64.RawURLEncoding.EncodeToString([]byte("x")) + ".c", false, nil, nil},
		{"string aud and scope", tokenserver.JWT(map[string]any{"aud": "zeebe.camunda.io", "scope": "a b"}), true, []string{"zeebe.camunda.io"}, []string{"a", "b"}},
		{"list aud and scope", tokenserver.JWT(map[string]any{"aud": []string{"x", "y"}, "scope": []string{"s"}}), true, []string{"x", "y"}, []string{"s"}},
	} {
		c, ok := parseJWT(tc.tok)
		if ok != tc.ok || !slices.Equal(c.audiences(), tc.aud) || !slices.Equal(c.scopes(), tc.scope) {
			t.Errorf("%s: parseJWT = %v, aud %v, scope %v; want %v, %v, %v", tc.name, ok, c.audiences(), c.scopes(), tc.ok, tc.aud, tc.scope)
		}
	}
}

// TestJWTExpiry: a JWT whose exp comes before expires_in says wins, and a
// JWT's exp replaces the default lifetime when expires_in is missing.
func TestJWTExpiry(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		name   string
		fields func() map[string]any
		life   time.Duration // the lifetime the cache should use
	}{
		{"exp sooner than expires_in", func() map[string]any {
			return map[string]any{"expires_in": 3600, "access_token": tokenserver.JWT(map[string]any{"iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()})}
		}, 10 * time.Minute},
		{"expires_in sooner than exp", func() map[string]any {
			return map[string]any{"expires_in": 600, "access_token": tokenserver.JWT(map[string]any{"exp": now.Add(time.Hour).Unix()})}
		}, 10 * time.Minute},
		{"no expires_in: exp-iat", func() map[string]any {
			return map[string]any{"expires_in": nil, "access_token": tokenserver.JWT(map[string]any{"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})}
		}, time.Hour},
		{"no expires_in, exp in the past: the default", func() map[string]any {
			return map[string]any{"expires_in": nil, "access_token": tokenserver.JWT(map[string]any{"exp": now.Add(-time.Hour).Unix()})}
		}, DefaultLifetime},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newTokenServer(t, func(w http.ResponseWriter, r *http.Request, n int) {})
			srv.Respond(func(w http.ResponseWriter, r *http.Request, n int) { srv.Issue(w, tc.fields()) })
			h := newTestHelper(t)
			clock := newFakeClock()
			h.Now = clock.Now
			mustLogin(t, h, loginParams(srv.Root, "cid", testSecret))
			tok := mustToken(t, h, credential.Request{})
			e := tokencache.Entry{Received: clock.Now(), Expiry: clock.Now().Add(tc.life)}
			if d := tok.RefreshAt.Sub(e.RefreshAt()); d < -2*time.Second || d > 2*time.Second {
				t.Errorf("credential.Token().RefreshAt = %v; want %v (a lifetime of %v)", tok.RefreshAt, e.RefreshAt(), tc.life)
			}
		})
	}
}

func TestClaimFindings(t *testing.T) {
	received := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		tok      string
		audience string
		want     []string // per finding: "ok", "warn" or "fail"
	}{
		{"opaque", "tok-1", "a", []string{"ok"}},
		{"matching audience, no iat", tokenserver.JWT(map[string]any{"aud": "a"}), "a", []string{"ok"}},
		{"other audience", tokenserver.JWT(map[string]any{"aud": "b"}), "a", []string{"warn"}},
		{"small skew", tokenserver.JWT(map[string]any{"aud": "a", "iat": received.Add(-5 * time.Second).Unix()}), "a", []string{"ok", "ok"}},
		{"clock 10 minutes ahead", tokenserver.JWT(map[string]any{"aud": "a", "iat": received.Add(-10 * time.Minute).Unix()}), "a", []string{"ok", "fail"}},
		{"clock 10 minutes behind", tokenserver.JWT(map[string]any{"iat": received.Add(10 * time.Minute).Unix()}), "", []string{"ok", "fail"}},
	} {
		var got []string
		for _, f := range claimFindings(&tokencache.Entry{AccessToken: tc.tok, Received: received}, tc.audience) {
			switch {
			case !f.OK:
				got = append(got, "fail")
			case f.Warn:
				got = append(got, "warn")
			default:
				got = append(got, "ok")
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: claimFindings = %v; want %v", tc.name, got, tc.want)
		}
	}
}

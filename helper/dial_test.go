package helper

import (
	"context"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

// TestFetchDialFaults covers the faults below HTTP: a refused connection is
// retried a few times and reported within seconds; a host that does not
// exist is reported at once (retrying cannot help).
func TestFetchDialFaults(t *testing.T) {
	refused := "http://" + refusingAddr(t) + "/oauth/token"

	var dials atomic.Int32
	noSuchHost := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return nil, &net.DNSError{Err: "no such host", Name: "login.example.invalid", IsNotFound: true}
		},
	}}

	for _, tc := range []struct {
		name      string
		url       string
		client    *http.Client
		wantMsg   string
		wantDials int32 // with the no-such-host client
		maxTime   time.Duration
	}{
		{name: "connection refused", url: refused, wantMsg: "connection refused", maxTime: 5 * time.Second},
		{name: "no such host", url: "https://login.example.invalid/oauth/token", client: noSuchHost, wantMsg: "no such host login.example.invalid", wantDials: 1, maxTime: time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dials.Store(0)
			h := newTestHelper(t)
			h.HTTPClient = tc.client
			start := time.Now()
			_, err := fetch(context.Background(), creds{ClientID: "cid", Secret: testSecret, TokenURL: tc.url, AuthMethod: config.AuthPost}, h.HTTPClient)
			elapsed := time.Since(start)
			e := wantKind(t, err, credential.KindUnreachable)
			if !strings.Contains(e.Msg, tc.wantMsg) {
				t.Errorf("message = %q; want it to mention %q", e.Msg, tc.wantMsg)
			}
			wantNoLeak(t, "message", e.Error(), testSecret)
			if elapsed > tc.maxTime {
				t.Errorf("took %v; want at most %v", elapsed, tc.maxTime)
			}
			if tc.client != nil && dials.Load() != tc.wantDials {
				t.Errorf("dial attempts = %d; want %d (no retry)", dials.Load(), tc.wantDials)
			}
		})
	}
}

// TestRejectionEchoingSecretIsRedacted: a server that echoes the request in
// its error description must not make the helper print or store the secret.
func TestRejectionEchoingSecretIsRedacted(t *testing.T) {
	srv := newTokenServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		tokenserver.OAuthError(w, http.StatusUnauthorized, "invalid_client", "bad secret "+testSecret) // as if echoing the form
	})
	h := newTestHelper(t)
	mustLogin(t, h, loginParams(srv.Root, "cid", testSecret))
	for i := 0; i < 2; i++ { // the second answer comes from the rejection memory
		_, err := h.Token(context.Background(), credential.Request{})
		e := wantKind(t, err, credential.KindRejected)
		if i == 0 && !strings.Contains(e.Msg, "[redacted]") {
			t.Errorf("call %d: message = %q; want the echoed secret replaced by [redacted]", i+1, e.Msg)
		}
		if i == 1 && e.Msg != rememberedRejection {
			t.Errorf("call %d: message = %q; want %q (the memory keeps no server text)", i+1, e.Msg, rememberedRejection)
		}
		wantNoLeak(t, "message", e.Error(), testSecret)
	}
	for _, f := range cacheFiles(t, h, ".rejected") {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		wantNoLeak(t, f, string(b), testSecret)
	}
	if got := srv.Count(); got != 1 {
		t.Errorf("token requests = %d; want 1", got)
	}
}

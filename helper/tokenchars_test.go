package helper

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokencache"
)

// A token that is not visible ASCII is refused where it arrives, on the
// direct path and inside the agent, and neither the file cache nor the
// agent's memory keeps it: no output can then carry it.
func TestTokenRefusedAtReceipt(t *testing.T) {
	bad := []string{
		"tok\r\nusername=evil",
		"tök",
		"tok en",
		"tok\ten",
		"tok\x00",
		"tok\x7f",
		"\ntok",
	}
	for _, tok := range bad {
		for _, agent := range []bool{false, true} {
			t.Run("", func(t *testing.T) {
				srv := newTokenServer(t, nil)
				srv.Respond(func(w http.ResponseWriter, r *http.Request, n int) {
					srv.Issue(w, map[string]any{"access_token": tok})
				})
				h := newTestHelper(t)
				mustLogin(t, h, loginParams(srv.Root, "cid", testSecret))
				c := h
				if agent {
					c, _ = agentHelper(h)
				}
				got, err := c.Token(context.Background(), credential.Request{})
				e := wantKind(t, err, credential.KindUnreachable)
				if got.AccessToken != "" {
					t.Errorf("credential.Token(%q) returned the token %q", tok, got.AccessToken)
				}
				wantNoLeak(t, "error", e.Error(), "evil", "tök")
				if agent && memSize(t, c) != 0 {
					t.Errorf("the agent's memory keeps %d token(s)", memSize(t, c))
				}
				if files := tokFiles(t, h.CacheDir); len(files) != 0 {
					t.Errorf("the file cache keeps %q", files)
				}
				// Nothing remembered: the next call asks again.
				_, _ = c.Token(context.Background(), credential.Request{})
				if got := srv.Count(); got != 2 {
					t.Errorf("token requests = %d; want 2 (one per call)", got)
				}
			})
		}
	}
}

// A token cached before the check existed (by an older build) is not served.
func TestCachedUnprintableTokenNotServed(t *testing.T) {
	e := &tokencache.Entry{AccessToken: "tok\r\nusername=evil", Received: newFakeClock().Now()}
	e.Expiry = e.Received.Add(time.Hour)
	if e.Usable(e.Received, 0) {
		t.Error("usable() = true for a token with CR LF")
	}
	e.AccessToken = "tok-1"
	if !e.Usable(e.Received, 0) {
		t.Error("usable() = false for a visible-ASCII token")
	}
}

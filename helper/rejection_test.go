package helper

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokencache"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

// The rejection memory keeps the status and the error code of a refusal,
// not the server's free text: not in the file (which is not encrypted),
// not in the agent's memory, and not in the answers it gives.
func TestRejectionMemoryKeepsNoServerText(t *testing.T) {
	const text = "FREE-TEXT from the server"
	for _, agent := range []bool{false, true} {
		t.Run(map[bool]string{false: "file cache", true: "agent memory"}[agent], func(t *testing.T) {
			srv := newTokenServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				tokenserver.OAuthError(w, http.StatusUnauthorized, "invalid_client", text)
			})
			h := newTestHelper(t)
			mustLogin(t, h, loginParams(srv.Root, "cid", testSecret))
			c := h
			if agent {
				c, _ = agentHelper(h)
			}
			_, err := c.Token(context.Background(), credential.Request{})
			if e := wantKind(t, err, credential.KindRejected); !strings.Contains(e.Msg, text) {
				t.Errorf("first answer = %q; want the server's text, shown once", e.Msg)
			}
			_, err = c.Token(context.Background(), credential.Request{})
			if e := wantKind(t, err, credential.KindRejected); e.Msg != rememberedRejection {
				t.Errorf("remembered answer = %q; want %q", e.Msg, rememberedRejection)
			}
			if srv.Count() != 1 {
				t.Errorf("token requests = %d; want 1", srv.Count())
			}
			if agent {
				return // the remembered answer above is the memory's message
			}
			files := cacheFiles(t, h, ".rejected")
			if len(files) != 1 {
				t.Fatalf("rejection files = %q; want 1", files)
			}
			b, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), "FREE-TEXT") || !strings.Contains(string(b), "invalid_client") {
				t.Errorf("rejection file = %s; want the status and code only", b)
			}
		})
	}
}

// A remembered rejection's file goes once it has expired, also when no call
// asks for its key again (here: the secret changed).
func TestExpiredRejectionFileDeleted(t *testing.T) {
	srv := newTokenServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		tokenserver.OAuthError(w, http.StatusUnauthorized, "invalid_client", "bad")
	})
	clock := newFakeClock()
	h := newTestHelper(t)
	h.Now = clock.Now
	mustLogin(t, h, loginParams(srv.Root, "cid", testSecret))
	_, err := h.Token(context.Background(), credential.Request{})
	wantKind(t, err, credential.KindRejected)
	if files := cacheFiles(t, h, ".rejected"); len(files) != 1 {
		t.Fatalf("rejection files = %q; want 1", files)
	}
	mustLogin(t, h, LoginParams{Secret: "another-secret"})
	srv.Respond(nil)
	clock.Advance(tokencache.RejectionMemory)
	mustToken(t, sibling(h), credential.Request{})
	if files := cacheFiles(t, h, ".rejected"); len(files) != 0 {
		t.Errorf("expired rejection files left: %q", files)
	}
}

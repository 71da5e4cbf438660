package helper

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/otheruser"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// TestLoopbackListenerOfAnotherUser: a plain-http loopback token URL whose
// port another local user listens on (a port-forward that stopped, taken
// over) gets no byte of the token request, whatever the profile says; the
// call fails as a refused endpoint (exit 2), and that user's token is
// never handed out. The trace says whose listener it was.
func TestLoopbackListenerOfAnotherUser(t *testing.T) {
	other, addr := otheruser.Listen(t, "127.0.0.1:0")
	for _, trust := range []bool{false, true} {
		h := newTestHelper(t)
		mustLogin(t, h, loginParams("http://"+addr+"/oauth/token", "cid", testSecret))
		if trust {
			appendConfig(t, h, "trust_loopback_listener = true\n") // the profile is the file's last table
		}
		var tr bytes.Buffer
		tok, err := h.Token(trace.With(context.Background(), &tr), credential.Request{})
		e := wantKind(t, err, credential.KindUsage)
		if !strings.Contains(e.Msg, "belongs to another user (uid 65534)") || tok.AccessToken != "" {
			t.Errorf("trust %v: %q, token %q; want a refusal naming the other user", trust, e.Msg, tok.AccessToken)
		}
		wantNoLeak(t, "message", e.Error(), testSecret)
		if !strings.Contains(tr.String(), "is uid 65534's, not uid 0's: refused") {
			t.Errorf("trace = %q; want the listener's owner and the refusal", tr.String())
		}
		if line := other.Next(t, 5*time.Second); line != "received 0" {
			t.Errorf("trust %v: the other user's listener: %q; want a connection that carried nothing", trust, line)
		}
	}
}

// TestLoopbackListenerOwn: this user's own plain-http loopback endpoint
// gets the token request through the client the token path builds.
func TestLoopbackListenerOwn(t *testing.T) {
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	mustLogin(t, h, loginParams(srv.URL, "cid", testSecret))
	var tr bytes.Buffer
	mustToken(t, h, credential.Request{})
	if _, err := h.Token(trace.With(context.Background(), &tr), credential.Request{ForceRefresh: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tr.String(), fmt.Sprintf("(plain http) is uid %d's: allowed", os.Getuid())) {
		t.Errorf("trace = %q; want the listener's owner", tr.String())
	}
}

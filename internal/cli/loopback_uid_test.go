//go:build linux

package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/otheruser"
)

// TestLoopbackListenerOfAnotherUserCLI: the real binary, through its agent,
// logs in to and asks for a token from a plain-http loopback token URL
// that another local user listens on: both fail as a refused endpoint
// (exit 2) before anything is sent, print nothing on stdout, and never that
// user's token.
func TestLoopbackListenerOfAnotherUserCLI(t *testing.T) {
	requireBinaryTests(t)
	other, addr := otheruser.Listen(t, "127.0.0.1:0")
	s := newSandbox(t, buildBinary(t))
	tokenURL := "http://" + addr + "/oauth/token"
	check := func(what string, r result) {
		t.Helper()
		if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, "belongs to another user (uid 65534)") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2, nothing on stdout, the refusal on stderr", what, r.code, r.stdout, r.stderr)
		}
		for _, leak := range []string{"s3cr3t", otheruser.Token} {
			if strings.Contains(r.stdout+r.stderr, leak) {
				t.Errorf("%s: the output holds %q", what, leak)
			}
		}
		if line := other.Next(t, 5*time.Second); line != "received 0" {
			t.Errorf("%s: the other user's listener: %q; want a connection that carried nothing", what, line)
		}
	}
	check("login", s.run("s3cr3t\n", nil, "login", "--client-id", "cid", "--oauth-url", tokenURL, "--client-secret-stdin"))
	if r := s.run("s3cr3t\n", nil, "login", "--client-id", "cid", "--oauth-url", tokenURL, "--client-secret-stdin", "--no-verify"); r.code != 0 {
		t.Fatalf("login --no-verify: %d %s", r.code, r.stderr)
	}
	check("token", s.run("", nil, "token", "--format", "raw"))
}

package protocol_test

import (
	"context"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

// TestTokenGolden: the token command's outputs (args: the format), among
// them curl's config line for `curl -K -`, which keeps the token out of
// curl's argv.
func TestTokenGolden(t *testing.T) {
	runGolden(t, "token", true, func(ctx context.Context, src *recorder, x *exchange, s protocol.Stdio) int {
		return protocol.Token(ctx, src, credential.Request{}, x.action(), s)
	})
}

type fixedToken string

func (f fixedToken) Token(context.Context, credential.Request) (credential.Token, error) {
	return credential.Token{AccessToken: string(f)}, nil
}

// TestTokenCurlQuoted: a token may hold any visible ASCII; curl's config
// syntax takes \ and " escaped inside the quotes.
func TestTokenCurlQuoted(t *testing.T) {
	var out, errb strings.Builder
	if code := protocol.Token(context.Background(), fixedToken(`a"b\c`), credential.Request{}, "curl", protocol.Stdio{Out: &out, Err: &errb}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if want := `header = "Authorization: Bearer a\"b\\c"` + "\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

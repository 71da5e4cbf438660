package protocol_test

import (
	"context"
	"errors"
	"io"
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

// TestTokenOneWrite: a printed token is one write of one line, with no
// buffer or formatter set up for it (the cached call's path), and a failed
// write is exit 1.
func TestTokenOneWrite(t *testing.T) {
	var src credential.Source = fixedToken(strings.Repeat("t", 900))
	for _, format := range []string{"raw", "header"} {
		var w countingWriter
		allocs := testing.AllocsPerRun(50, func() {
			if code := protocol.Token(context.Background(), src, credential.Request{}, format, protocol.Stdio{Out: &w, Err: &w}); code != 0 {
				t.Fatalf("exit %d", code)
			}
		})
		if w.writes != 51 {
			t.Errorf("%s: %d writes for 51 tokens; want one each", format, w.writes)
		}
		if allocs > 1 {
			t.Errorf("%s: %.0f allocations per token; want at most 1 (the line)", format, allocs)
		}
	}
	if code := protocol.Token(context.Background(), src, credential.Request{}, "raw", protocol.Stdio{Out: failingWriter{}, Err: io.Discard}); code != 1 {
		t.Errorf("exit %d on a failed write; want 1", code)
	}
}

type countingWriter struct{ writes int }

func (w *countingWriter) Write(p []byte) (int, error) { w.writes++; return len(p), nil }

// WriteString, as os.File and bytes.Buffer have it: no copy to bytes.
func (w *countingWriter) WriteString(s string) (int, error) { w.writes++; return len(s), nil }

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

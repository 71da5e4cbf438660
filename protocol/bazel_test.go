package protocol_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

func TestBazelGolden(t *testing.T) {
	runGolden(t, "bazel", true, func(ctx context.Context, src *recorder, x *exchange, s protocol.Stdio) int {
		return protocol.Bazel(ctx, src, x.action(), s)
	})
}

func FuzzBazelRequest(f *testing.F) {
	for _, s := range []string{
		`{"uri":"https://git.example.com/v1/pkg.tar.gz"}`,
		`{"uri":"grpcs://cache.example.io/pkg.Service/Method","extra":1}`,
		`{"url":"https://git.example.com/x"}`,
		`{"uri":"https://git.example.com/x","uri":"https://other.example.net/"}`,
		`{"URI":"https://git.example.com/x"}`,
		`{"uri":null}`, `[]`, `"uri"`, `{"uri":"https://git.example.com\\@evil/"}`,
	} {
		f.Add(s)
	}
	w := newWorld(f)
	f.Fuzz(func(t *testing.T, in string) {
		var out, errb strings.Builder
		code := protocol.Bazel(context.Background(), w.source(), "get", protocol.Stdio{In: strings.NewReader(in), Out: &out, Err: &errb})
		assertNoLeak(t, "Bazel", in, code, out.String(), errb.String())
		if code != 0 {
			if out.Len() != 0 {
				t.Fatalf("Bazel(%q) = %d, stdout %q; want empty stdout", in, code, out.String())
			}
			return
		}
		if !strings.Contains(out.String(), "tok-") {
			return
		}
		// A token was printed: the request must name a served host.
		var req map[string]any
		if err := json.Unmarshal([]byte(in), &req); err != nil {
			t.Fatalf("Bazel(%q) printed a token for invalid JSON", in)
		}
		uri, _ := req["uri"].(string)
		u, err := url.Parse(uri)
		if err != nil || u.Host == "" || !w.served(t, uri) {
			t.Fatalf("Bazel(%q) printed a token for uri %q", in, uri)
		}
	})
}

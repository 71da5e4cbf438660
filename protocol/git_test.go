package protocol_test

import (
	"context"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

func TestGitGolden(t *testing.T) {
	runGolden(t, "git", true, func(ctx context.Context, src *recorder, x *exchange, s protocol.Stdio) int {
		return protocol.Git(ctx, src, x.action(), s)
	})
}

func FuzzGitRequest(f *testing.F) {
	for _, s := range []string{
		"protocol=https\nhost=git.example.com\n",
		"capability[]=authtype\ncapability[]=state\nprotocol=https\nhost=git.example.com\nwwwauth[]=Bearer realm=\"x\"\n",
		"protocol=https\r\nhost=git.example.com\r\n",
		"protocol=https\nhost=other.example.com\npath=a/b\n",
		"protocol=https\nbroken\nhost=git.example.com\n",
		"protocol=https\nhost=badtoken.example.com\n",
	} {
		f.Add(s)
	}
	w := newWorld(f)
	f.Fuzz(func(t *testing.T, in string) {
		for _, action := range []string{"get", "erase", "store", "capability"} {
			var out, errb strings.Builder
			code := protocol.Git(context.Background(), w.source(), action, protocol.Stdio{In: strings.NewReader(in), Out: &out, Err: &errb})
			assertNoLeak(t, "Git", in, code, out.String(), errb.String())
			if action != "get" && out.Len() > 0 {
				t.Fatalf("Git(%q, %q) stdout = %q; want empty", action, in, out.String())
			}
			if !strings.Contains(out.String(), "tok-") {
				continue
			}
			// A token was printed: the request must name a served host.
			res, err := protocol.GitResource([]byte(in))
			if err != nil || code != 0 || !w.served(t, res) {
				t.Fatalf("Git(get, %q) printed a token for resource %q (%v)", in, res, err)
			}
		}
	})
}

package protocol

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// static is a Source that answers every request with one token. It has no
// routing at all: the tests of routing and of what the core answers run
// over the real token path (package protocol_test, world_test.go); these
// check what an adapter does with a token whatever the Source.
type static struct{ tok credential.Token }

var _ Registry = static{}

func (s static) Token(context.Context, credential.Request) (credential.Token, error) {
	return s.tok, nil
}
func (static) Drop(context.Context, credential.Request) error { return nil }
func (static) LoginRegistry(_ context.Context, _, _, secret string) error {
	return fmt.Errorf("store failed for secret %q", secret) // against the contract: the adapter redacts it
}
func (static) LogoutRegistry(context.Context, string) error     { return nil }
func (static) Hosts(context.Context) (map[string]string, error) { return nil, nil }

var expiry = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

// TestNoExpiry: a Source may hand out a token without an expiry (the core
// never does); each adapter then leaves the expiry out rather than print a
// zero time.
func TestNoExpiry(t *testing.T) {
	src := static{credential.Token{AccessToken: "tok-noexp", Profile: "env", Username: "client-4"}}
	tests := []struct {
		name, stdin, want string
		run               func(Stdio) int
	}{
		{"git", "protocol=https\nhost=h\n", "username=client-4\npassword=tok-noexp\n",
			func(s Stdio) int { return Git(context.Background(), src, "get", s) }},
		{"git authtype", "capability[]=authtype\nprotocol=https\nhost=h\n", "capability[]=authtype\nauthtype=Bearer\ncredential=tok-noexp\nephemeral=1\n",
			func(s Stdio) int { return Git(context.Background(), src, "get", s) }},
		{"bazel", `{"uri":"https://h/x"}`, `{"headers":{"Authorization":["Bearer tok-noexp"]}}` + "\n",
			func(s Stdio) int { return Bazel(context.Background(), src, "get", s) }},
		{"get", "h\n", `{"access_token":"tok-noexp","token_type":"Bearer","profile":"env"}` + "\n",
			func(s Stdio) int { return Get(context.Background(), src, s) }},
		{"kubectl", "", `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},"status":{"token":"tok-noexp"}}` + "\n",
			func(s Stdio) int { return Kubectl(context.Background(), src, nil, s) }},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := tt.run(Stdio{In: strings.NewReader(tt.stdin), Out: &out, Err: &errb, Now: func() time.Time { return expiry.Add(-time.Minute) }})
		if code != 0 || out.String() != tt.want || errb.Len() != 0 {
			t.Errorf("%s without expiry = %d, %q, stderr %q; want 0, %q", tt.name, code, out.String(), errb.String(), tt.want)
		}
	}
}

// TestUnprintableToken: whatever the Source hands out, no adapter prints
// a token or a git username that could inject a line or an attribute.
func TestUnprintableToken(t *testing.T) {
	for _, tok := range []credential.Token{
		{AccessToken: "tok-bad\nusername=evil", Expiry: expiry, RefreshAt: expiry, Username: "client"},
		{AccessToken: "tok bad", Expiry: expiry, RefreshAt: expiry, Username: "client"},
	} {
		for name, run := range map[string]func(src static, s Stdio) int{
			"git":     func(src static, s Stdio) int { return Git(context.Background(), src, "get", s) },
			"bazel":   func(src static, s Stdio) int { return Bazel(context.Background(), src, "get", s) },
			"get":     func(src static, s Stdio) int { return Get(context.Background(), src, s) },
			"kubectl": func(src static, s Stdio) int { return Kubectl(context.Background(), src, nil, s) },
		} {
			stdin := map[string]string{"git": "protocol=https\nhost=h\n", "bazel": `{"uri":"https://h/x"}`, "get": "h\n"}[name]
			var out, errb bytes.Buffer
			code := run(static{tok}, Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errb})
			if code == 0 || strings.Contains(out.String()+errb.String(), "bad") {
				t.Errorf("%s with token %q = %d, stdout %q, stderr %q; want a failure that does not print it", name, tok.AccessToken, code, out.String(), errb.String())
			}
		}
	}
	var out, errb bytes.Buffer
	src := static{credential.Token{AccessToken: "tok", Expiry: expiry, RefreshAt: expiry, Username: "client\r\n6"}}
	if code := Git(context.Background(), src, "get", Stdio{In: strings.NewReader("protocol=https\nhost=h\n"), Out: &out, Err: &errb}); code == 0 || out.Len() != 0 {
		t.Errorf("git with username %q = %d, %q; want a failure and no output", src.tok.Username, code, out.String())
	}
}

// TestDockerStoreRedacts: should a Registry quote the secret in its error,
// docker store's message does not show it, raw or Go-quoted.
func TestDockerStoreRedacts(t *testing.T) {
	bare := func(s string) string { return strings.ReplaceAll(s, `\`, "") }
	for _, secret := range []string{"s3cr3t-value", `a"b\c-s3cr3t`} {
		in := `{"ServerURL":"h","Username":"u","Secret":` + strconv.Quote(secret) + `}`
		var out, errb bytes.Buffer
		code := Docker(context.Background(), static{}, "store", Stdio{In: strings.NewReader(in), Out: &out, Err: &errb})
		if code != 1 || !strings.Contains(out.String(), "[redacted]") || strings.Contains(bare(out.String()), bare(secret)) {
			t.Errorf("Docker(store, %s) = %d, %q; want 1 and the secret redacted", in, code, out.String())
		}
	}
}

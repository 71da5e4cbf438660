package protocol

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestDockerGolden(t *testing.T) {
	runGolden(t, "docker", false, func(ctx context.Context, f *fakeCore, x *exchange, s Stdio) int {
		return Docker(ctx, f, x.action(), s)
	})
}

func TestDockerListEmpty(t *testing.T) {
	f := newFake()
	f.hosts = nil
	var out, errb strings.Builder
	if code := Docker(context.Background(), f, "list", Stdio{In: strings.NewReader("unused"), Out: &out, Err: &errb}); code != 0 || out.String() != "{}\n" {
		t.Errorf("Docker(list) = %d, %q; want 0, %q", code, out.String(), "{}\n")
	}
}

func FuzzDockerStore(f *testing.F) {
	for _, s := range []string{
		`{"ServerURL":"git.example.com","Username":"client-1","Secret":"s3cr3t-value"}`,
		`{"ServerURL":"https://h:5000/v2/","Username":"<token>","Secret":"x"}`,
		`{"serverurl":"h","username":"u","secret":"s"}`,
		`{"ServerURL":"h","Username":"u","Secret":"s"} trailing`,
		`null`, `[]`, `{"ServerURL":1}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c := newFake()
		c.echo = true
		var out, errb strings.Builder
		code := Docker(context.Background(), c, "store", Stdio{In: strings.NewReader(in), Out: &out, Err: &errb})
		if code == 0 || out.Len() == 0 || errb.Len() != 0 {
			t.Fatalf("Docker(store, %q) = %d, stdout %q, stderr %q; want 1, a message on stdout only", in, code, out.String(), errb.String())
		}
		var cred dockerCredentials
		_ = json.Unmarshal([]byte(in), &cred)
		for _, call := range c.calls {
			if strings.HasPrefix(call, "store ") && (cred.ServerURL == "" || cred.Username == "" || cred.Username == "<token>" || cred.Secret == "") {
				t.Fatalf("Docker(store, %q) called %s for an invalid request", in, call)
			}
		}
		msg := strings.TrimSuffix(strings.TrimPrefix(out.String(), progName+": "), "\n")
		if len(c.calls) > 0 && !strings.Contains("[redacted]", cred.Secret) && strings.Contains(msg, cred.Secret) {
			t.Fatalf("Docker(store, %q) stdout = %q; leaks the secret", in, out.String())
		}
		for _, get := range []string{"get", "erase"} {
			var out, errb strings.Builder
			code := Docker(context.Background(), newFake(), get, Stdio{In: strings.NewReader(in), Out: &out, Err: &errb})
			assertNoLeak(t, "Docker("+get+")", in, code, out.String(), errb.String())
			if strings.Contains(out.String(), "tok-") && !served(strings.TrimSpace(in)) {
				t.Fatalf("Docker(%s, %q) printed a token for an unserved host", get, in)
			}
		}
	})
}

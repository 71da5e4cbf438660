package protocol_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

func TestDockerGolden(t *testing.T) {
	runGolden(t, "docker", false, func(ctx context.Context, src *recorder, x *exchange, s protocol.Stdio) int {
		return protocol.Docker(ctx, src, x.action(), s)
	})
}

// TestDockerListEmpty: with nothing stored, docker list is an empty object.
func TestDockerListEmpty(t *testing.T) {
	w := newWorld(t)
	w.set(t, "keychain", "empty")
	var out, errb strings.Builder
	if code := protocol.Docker(context.Background(), w.source(), "list", protocol.Stdio{In: strings.NewReader("unused"), Out: &out, Err: &errb}); code != 0 || out.String() != "{}\n" {
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
	w := newWorld(f)
	w.set(f, "keychain", "echo") // nothing is stored, and the secret comes back in the error
	f.Fuzz(func(t *testing.T, in string) {
		w.calls = nil
		var out, errb strings.Builder
		code := protocol.Docker(context.Background(), w.source(), "store", protocol.Stdio{In: strings.NewReader(in), Out: &out, Err: &errb})
		if code == 0 || out.Len() == 0 || errb.Len() != 0 {
			t.Fatalf("Docker(store, %q) = %d, stdout %q, stderr %q; want 1, a message on stdout only", in, code, out.String(), errb.String())
		}
		var cred struct{ ServerURL, Username, Secret string }
		_ = json.Unmarshal([]byte(in), &cred)
		for _, call := range w.calls {
			if strings.HasPrefix(call, "login ") && (cred.ServerURL == "" || cred.Username == "" || cred.Username == "<token>" || cred.Secret == "") {
				t.Fatalf("Docker(store, %q) called %s for an invalid request", in, call)
			}
		}
		msg := strings.TrimSuffix(strings.TrimPrefix(out.String(), protocol.ProgName+": "), "\n")
		if len(w.calls) > 0 && !strings.Contains("[redacted]", cred.Secret) && strings.Contains(msg, cred.Secret) {
			t.Fatalf("Docker(store, %q) stdout = %q; leaks the secret", in, out.String())
		}
		for _, get := range []string{"get", "erase"} {
			var out, errb strings.Builder
			code := protocol.Docker(context.Background(), w.source(), get, protocol.Stdio{In: strings.NewReader(in), Out: &out, Err: &errb})
			assertNoLeak(t, "Docker("+get+")", in, code, out.String(), errb.String())
			if strings.Contains(out.String(), "tok-") && !w.served(t, strings.TrimSpace(in)) {
				t.Fatalf("Docker(%s, %q) printed a token for an unserved host", get, in)
			}
		}
	})
}

package protocol_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

func TestKubectlGolden(t *testing.T) {
	runGolden(t, "kubectl", true, func(ctx context.Context, src *recorder, x *exchange, s protocol.Stdio) int {
		in := s.In.(*strings.Reader)
		n := in.Len()
		code := protocol.Kubectl(ctx, src, func(k string) string { return x.env[k] }, s)
		if in.Len() != n {
			t.Errorf("Kubectl read %d bytes of stdin; want none", n-in.Len())
		}
		return code
	})
}

func TestKubectlNilGetenv(t *testing.T) {
	var out, errb strings.Builder
	code := protocol.Kubectl(context.Background(), newWorld(t).source(), nil, protocol.Stdio{Out: &out, Err: &errb})
	if code != 0 || !strings.Contains(out.String(), `"apiVersion":"client.authentication.k8s.io/v1beta1"`) {
		t.Errorf("Kubectl(nil getenv) = %d, %q; want 0 and v1beta1", code, out.String())
	}
}

func FuzzExecInfo(f *testing.F) {
	for _, s := range []string{
		"",
		`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`,
		`{"apiVersion":"client.authentication.k8s.io/v1beta1"}`,
		`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1alpha1"}`,
		`{"kind":`, `null`, `[]`, `{"apiVersion":"client.authentication.k8s.io/v1","apiVersion":"x"}`,
	} {
		f.Add(s)
	}
	w := newWorld(f)
	f.Fuzz(func(t *testing.T, info string) {
		var out, errb strings.Builder
		code := protocol.Kubectl(context.Background(), w.source(), func(string) string { return info }, protocol.Stdio{Out: &out, Err: &errb})
		assertNoLeak(t, "Kubectl", info, code, out.String(), errb.String())
		if code != 0 {
			if out.Len() != 0 {
				t.Fatalf("Kubectl(%q) = %d, stdout %q; want empty stdout", info, code, out.String())
			}
			return
		}
		var got struct {
			Kind, APIVersion string
			Status           struct{ Token string }
		}
		if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
			t.Fatalf("Kubectl(%q) stdout = %q; not JSON: %v", info, out.String(), err)
		}
		want, err := protocol.ParseExecInfo(info)
		if err != nil || got.APIVersion != want || got.Kind != "ExecCredential" || got.Status.Token != "tok-default-0" {
			t.Fatalf("Kubectl(%q) = %+v; want kind ExecCredential, apiVersion %q, the default token", info, got, want)
		}
	})
}

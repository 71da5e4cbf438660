package protocol_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

func TestPlainGolden(t *testing.T) {
	runGolden(t, "get", false, func(ctx context.Context, src *recorder, x *exchange, s protocol.Stdio) int {
		return protocol.Get(ctx, src, s)
	})
}

func TestWriteTokenJSON(t *testing.T) {
	tok := credential.Token{AccessToken: "tok", RefreshAt: t0.Add(1500 * time.Millisecond), Profile: "prod"}
	tests := []struct {
		name        string
		tok         credential.Token
		now         time.Time
		withProfile bool
		want        string
	}{
		{"profile", tok, t0, true, `{"access_token":"tok","token_type":"Bearer","expires_in":1,"expires_at":"2026-01-01T12:00:01Z","profile":"prod"}`},
		{"no profile", tok, t0, false, `{"access_token":"tok","token_type":"Bearer","expires_in":1,"expires_at":"2026-01-01T12:00:01Z"}`},
		{"expired", tok, t0.Add(time.Hour), false, `{"access_token":"tok","token_type":"Bearer","expires_in":0,"expires_at":"2026-01-01T12:00:01Z"}`},
		{"no expiry", credential.Token{AccessToken: "tok"}, t0, true, `{"access_token":"tok","token_type":"Bearer","profile":""}`},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := protocol.WriteTokenJSON(&b, tt.tok, tt.now, tt.withProfile); err != nil || b.String() != tt.want+"\n" {
			t.Errorf("WriteTokenJSON(%s) = %q, %v; want %q", tt.name, b.String(), err, tt.want+"\n")
		}
	}
	if err := protocol.WriteTokenJSON(&bytes.Buffer{}, credential.Token{}, t0, false); err == nil {
		t.Errorf("WriteTokenJSON(empty token) = nil; want an error")
	}
}

func FuzzGetRequest(f *testing.F) {
	for _, s := range []string{
		"", "git.example.com\n", "https://registry.example.com:5000/v2/", `{"profile":"prod"}`,
		`{"url":"https://a.example.io/x","min_ttl":"5m"}`, `{"min_ttl":1e400}`, `{"url":`, "a\nb", "null",
	} {
		f.Add(s)
	}
	w := newWorld(f)
	f.Fuzz(func(t *testing.T, in string) {
		var out, errb strings.Builder
		code := protocol.Get(context.Background(), w.source(), protocol.Stdio{In: strings.NewReader(in), Out: &out, Err: &errb})
		assertNoLeak(t, "Get", in, code, out.String(), errb.String())
		if errb.Len() != 0 {
			t.Fatalf("Get(%q) stderr = %q; want empty", in, errb.String())
		}
		dec := json.NewDecoder(strings.NewReader(out.String()))
		var v map[string]any
		if err := dec.Decode(&v); err != nil || dec.More() || !strings.HasSuffix(out.String(), "}\n") {
			t.Fatalf("Get(%q) stdout = %q; want exactly one JSON object and a newline", in, out.String())
		}
		if code != 0 {
			if _, ok := v["error"].(string); !ok || len(v) != 2 {
				t.Fatalf("Get(%q) = %d, %q; want an error object", in, code, out.String())
			}
			return
		}
		req, err := protocol.ReadGetRequest(strings.NewReader(in))
		if err != nil {
			t.Fatalf("Get(%q) succeeded for a request that does not parse: %v", in, err)
		}
		if req.Profile == "" && req.Resource != "" && !w.served(t, req.Resource) {
			t.Fatalf("Get(%q) printed a token for unserved %q", in, req.Resource)
		}
	})
}

package helper

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

// rememberedRejection is what the rejection memory answers for the fake
// server's 401 invalid_client: the status and the error code only.
const rememberedRejection = "token endpoint rejected the credentials: HTTP 401 Unauthorized: invalid_client"

func TestRedact(t *testing.T) {
	const id = "my client" // form-encoded in Basic: "my+client"
	const sec = `s3cr3t+/=@ !%&x"\<`
	basic := func(user, pass string) string { return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass)) }
	q := url.QueryEscape(sec)
	tests := []struct {
		name, secret, text string
		want               string // "" with ok false: dropped
		ok                 bool
	}{
		{"raw", sec, "bad secret " + sec + ".", "bad secret [redacted].", true},
		{"twice", sec, sec + sec, "[redacted][redacted]", true},
		{"form-encoded", sec, "client_secret=" + q + "&x=1", "client_secret=[redacted]&x=1", true},
		{"form-encoded, %20 for space", sec, "body: " + strings.ReplaceAll(q, "+", "%20"), "body: [redacted]", true},
		{"form-encoded, lower-case hex", sec, "body: " + lowerHex(q), "body: [redacted]", true},
		{"path-escaped", sec, "/x/" + url.PathEscape(sec) + "/y", "/x/[redacted]/y", true},
		{"path-escaped, + for space", sec, "/" + strings.ReplaceAll(url.PathEscape(sec), "%20", "+"), "/[redacted]", true},
		{"Basic, form-encoded (RFC 6749 2.3.1)", sec, "Authorization: Basic " + basic(url.QueryEscape(id), q), "Authorization: Basic [redacted]", true},
		{"Basic, not encoded", sec, "Basic " + basic(id, sec) + " rejected", "Basic [redacted] rejected", true},
		{"Basic, unpadded", sec, "Basic " + strings.TrimRight(basic(id, sec), "=") + ".", "Basic [redacted].", true},
		{"JSON-escaped", sec, `{"client_secret":"s3cr3t+/=@ !%\u0026x\"\\\u003c"}`, `{"client_secret":"[redacted]"}`, true},
		{"JSON-escaped, no HTML escaping", sec, `"s3cr3t+/=@ !%&x\"\\<"`, `"[redacted]"`, true},
		{"JSON-escaped slash", sec, `"s3cr3t+\/=@ !%&x\"\\<"`, `"[redacted]"`, true},
		{"not there", sec, "invalid client", "invalid client", true},
		{"no secret", "", "anything", "anything", true},
		{"short: dropped", "abc1234", "bad secret abc1234", "", false},
		{"short, form-encoded: dropped", "a b+c", "client_secret=a+b%2Bc", "", false},
		{"short, in Basic: dropped", "a b+c", "Basic " + basic(url.QueryEscape(id), url.QueryEscape("a b+c")), "", false},
		{"short, absent: kept", "abc1234", "Client authentication failed", "Client authentication failed", true},
		{"eight characters: cut out", "abcd1234", "bad abcd1234", "bad [redacted]", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := redact(tt.text, id, tt.secret)
			if got != tt.want || ok != tt.ok {
				t.Errorf("redact(%q) = %q, %v; want %q, %v", tt.text, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// A server that echoes the request in its error text: the message keeps the
// status and error code, and the secret in none of its forms; a short
// secret's text is dropped whole.
func TestRejectionEchoRedacted(t *testing.T) {
	tests := []struct {
		name, secret string
		basic        bool
		wantDesc     bool // the description is shown (redacted)
	}{
		{"form, long secret", testSecret, false, true},
		{"Basic, long secret", testSecret, true, true},
		{"form, short secret", "s3 cr+t", false, false},
		{"Basic, short secret", "s3 cr+t", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newTokenServer(t, nil)
			srv.Respond(func(w http.ResponseWriter, r *http.Request, n int) {
				// An echo of everything the request carried, encoded and not.
				req := srv.Last(t)
				decoded, _ := url.QueryUnescape(req.Body)
				tokenserver.OAuthError(w, http.StatusUnauthorized, "invalid_client", "rejected: "+req.Authorization+" "+req.Body+" "+decoded)
			})
			h := newTestHelper(t)
			lp := loginParams(srv.Root, "my id", tt.secret)
			if tt.basic {
				lp.AuthMethod = ptr(config.AuthBasic)
			}
			mustLogin(t, h, lp)
			_, err := h.Token(context.Background(), credential.Request{})
			e := wantKind(t, err, credential.KindRejected)
			if !strings.HasPrefix(e.Msg, rememberedRejection) {
				t.Errorf("message = %q; want it to start with %q", e.Msg, rememberedRejection)
			}
			if got := strings.Contains(e.Msg, "rejected: "); got != tt.wantDesc {
				t.Errorf("message = %q; description shown = %v, want %v", e.Msg, got, tt.wantDesc)
			}
			if !tt.wantDesc && strings.Contains(e.Msg, "[redacted]") {
				t.Errorf("message = %q; a short secret is not cut out of text", e.Msg)
			}
			for _, f := range secretForms("my id", tt.secret) {
				if strings.Contains(e.Error(), f) {
					t.Errorf("message %q holds the secret as %q", e.Error(), f)
				}
			}
		})
	}
}

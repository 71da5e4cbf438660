package helper

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

// A token endpoint's error text reaches the terminal with its control
// sequences escaped: OSC 0 (the title) and OSC 52 (the clipboard), in 7-bit
// form and as C1 (UTF-8 U+009D), never act.
func TestServerTextEscaped(t *testing.T) {
	const desc = "bad\x1b]0;pwned\x07 \x1b]52;c;aGk=\x07 \u009d52;c;aGk=\u009c"
	srv := newTokenServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		tokenserver.OAuthError(w, http.StatusUnauthorized, "invalid_client\x1b[2J", desc)
	})
	h := newTestHelper(t)
	mustLogin(t, h, loginParams(srv.Root, "cid", testSecret))
	_, err := h.Token(context.Background(), credential.Request{})
	e := wantKind(t, err, credential.KindRejected)
	if strings.ContainsAny(e.Error(), "\x1b\x07\u009d\u009c") {
		t.Errorf("error text carries control characters: %q", e.Error())
	}
	if !strings.Contains(e.Msg, `\x1b]52;c;aGk=`) || !strings.Contains(e.Msg, `\u009d52`) {
		t.Errorf("error text = %q; want the sequences shown escaped", e.Msg)
	}
}

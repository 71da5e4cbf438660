package protocol

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// The core's failures say what is missing; the command that supplies it is
// made here, once, for every output (stderr, get's JSON, docker's stdout,
// doctor, the loopback endpoint's error).
func TestExplain(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"missing profile", &credential.Error{Kind: credential.KindNotLoggedIn, Msg: `no profile "work"`, Missing: credential.MissingProfile, Profile: "work"},
			"no profile \"work\"\nRun: camunda-credential-helper --profile work login --client-id ID (or set CAMUNDA_CONSOLE_CLIENT_ID and CAMUNDA_CONSOLE_CLIENT_SECRET)"},
		{"missing secret", &credential.Error{Kind: credential.KindNotLoggedIn, Msg: "no client secret", Missing: credential.MissingSecret, Profile: "work"},
			"no client secret\nRun: camunda-credential-helper --profile work login"},
		{"missing binding", &credential.Error{Kind: credential.KindNotLoggedIn, Msg: "not bound", Missing: credential.MissingBinding, Profile: "p"},
			"not bound\nIf the profile's settings are right, log in again: camunda-credential-helper --profile p login"},
		{"missing host", &credential.Error{Kind: credential.KindNoRoute, Msg: "no profile serves ghcr.io", Missing: credential.MissingHost, Host: "ghcr.io"},
			"no profile serves ghcr.io\nRun: camunda-credential-helper login --host ghcr.io --profile NAME --client-id ID --oauth-url TOKEN_URL"},
		{"missing host of a named profile", &credential.Error{Kind: credential.KindNoRoute, Msg: `profile "p" lists no hosts`, Missing: credential.MissingHost, Profile: "p", Host: "github.com"},
			"profile \"p\" lists no hosts\nTo serve github.com with it: camunda-credential-helper login --profile p --host HOST"},
		{"a hint of its own wins", &credential.Error{Msg: "locked", Hint: "Unlock it.", Missing: credential.MissingSecret, Profile: "p"},
			"locked\nUnlock it."},
		{"nothing missing", &credential.Error{Kind: credential.KindUnreachable, Msg: "down"}, "down"},
		{"unclassified", errors.New("plain"), "plain"},
		{"wrapped", fmt.Errorf("git: %w", &credential.Error{Msg: "no client secret", Missing: credential.MissingSecret, Profile: "w"}),
			"git: no client secret\nRun: camunda-credential-helper --profile w login"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Explain(tt.err); got != tt.want {
				t.Errorf("Explain = %q\nwant      %q", got, tt.want)
			}
		})
	}
}

// Every output of a failure carries the command: Report (stderr), get's
// JSON and docker's store answer.
func TestFailureOutputsCarryTheFix(t *testing.T) {
	err := &credential.Error{Kind: credential.KindNotLoggedIn, Msg: "no client secret", Missing: credential.MissingSecret, Profile: "work"}
	const fix = "camunda-credential-helper --profile work login"
	var stderr strings.Builder
	if code := Report(&stderr, err); code != credential.KindNotLoggedIn.ExitCode() || !strings.Contains(stderr.String(), "\n  Run: "+fix) {
		t.Errorf("Report = %d, %q; want exit %d and the fix indented", code, stderr.String(), credential.KindNotLoggedIn.ExitCode())
	}
	var out strings.Builder
	if writeErrorJSON(&out, err); !strings.Contains(out.String(), fix) || !strings.Contains(out.String(), `"error":"not_logged_in"`) {
		t.Errorf("get's failure = %s; want the code and the fix", out.String())
	}
}

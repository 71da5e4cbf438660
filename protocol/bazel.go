package protocol

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
)

// The Bazel credential helper protocol (EngFlow credential-helper-spec, as
// implemented by Bazel's --credential_helper).
//
// Bazel runs "<helper> get" with {"uri":"https://h/path"} on stdin (other
// properties are allowed and ignored; "uri" must be a string naming an
// absolute URI with a host, e.g. "grpcs://h/pkg.Service/Method"). It answers
//
//	{"headers":{"Authorization":["Bearer <token>"]},"expires":"2026-01-01T12:00:00Z"}
//
// expires has whole seconds and is absent when the token has no expiry; Bazel
// 7.4 and later cache the answer until then. A host that no profile serves
// gets {} (no credentials needed) with exit 0, and so does a uri whose
// scheme is not https or grpcs (TLS), or http to a loopback host
// (localhost, 127.0.0.0/8, ::1). A host pattern without a port serves the
// scheme's default port only (443; 80 for http).
//
// Exit status: 0 on success, 1 when the token cannot be had, 2 for a missing
// or unknown command or an unusable request. Errors go to stderr, which Bazel
// embeds in its own error message.

// bazelResponse is the get answer.
type bazelResponse struct {
	Headers map[string][]string `json:"headers,omitempty"`
	Expires string              `json:"expires,omitempty"`
}

// Bazel answers one Bazel credential helper call (see above).
func Bazel(ctx context.Context, src credential.Source, action string, s Stdio) int {
	if action != "get" {
		msg := "missing command"
		if action != "" {
			msg = fmt.Sprintf("unknown command %q", oneLine(action))
		}
		fmt.Fprintf(s.Err, "%s: bazel: %s\nusage: <helper> get, with {\"uri\":\"https://host/path\"} on stdin\n", progName, msg)
		return 2
	}
	uri, err := readBazelRequest(s.In)
	if err != nil {
		printError(s.Err, fmt.Errorf("bazel: %w", err))
		return 2
	}
	tok, err := token(ctx, src, credential.Request{Resource: uri})
	if isNoRoute(err) {
		return writeBazel(s, bazelResponse{})
	}
	if err != nil {
		printError(s.Err, err)
		return 1
	}
	resp := bazelResponse{Headers: map[string][]string{"Authorization": {"Bearer " + tok.AccessToken}}}
	if !tok.RefreshAt.IsZero() { // Bazel asks again after it, when the helper would fetch another
		resp.Expires = rfc3339(tok.RefreshAt)
	}
	return writeBazel(s, resp)
}

func writeBazel(s Stdio, resp bazelResponse) int {
	if writeJSON(s.Out, resp) != nil {
		return 1
	}
	return 0
}

// readBazelRequest returns the request's uri.
func readBazelRequest(r io.Reader) (string, error) {
	b, err := readInput(r)
	if err != nil {
		return "", err
	}
	var req map[string]json.RawMessage
	if err := json.Unmarshal(b, &req); err != nil {
		return "", fmt.Errorf("request is not a JSON object: %v", err)
	}
	raw, ok := req["uri"]
	if !ok {
		return "", errors.New(`request has no "uri"`)
	}
	var uri string
	if err := json.Unmarshal(raw, &uri); err != nil || uri == "" {
		return "", errors.New(`"uri" must be a non-empty string`)
	}
	u, err := url.Parse(uri)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", errors.New(`"uri" is not an absolute URI with a host`) // may hold userinfo: not quoted
	}
	if _, _, err := route.HostPort(uri); err != nil {
		return "", err
	}
	return uri, nil
}

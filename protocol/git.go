package protocol

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
)

// The git credential helper protocol (gitcredentials(7), git-credential(1)).
//
// git runs "<helper> get|store|erase" and writes key=value lines to stdin,
// then EOF. A CR before the LF is dropped, a blank line or a line without
// '=' ends the request (keeping what came before, as git does), and unknown
// keys (wwwauth[], state[], url, ...) are ignored.
//
//	get    answers username=, password= and password_expiry_utc= (Unix
//	       seconds; absent when the token has no expiry). If the request
//	       carries capability[]=authtype (git 2.46+), it answers
//	       capability[]=authtype, authtype=Bearer, credential=, ephemeral=1
//	       and password_expiry_utc= instead, so git sends the token as a
//	       Bearer header and storage helpers do not keep it.
//	       A request without protocol or host, and a host that no profile
//	       serves, get no output and exit 0, so git moves on. So does any
//	       protocol but https, and http to a host but a loopback one
//	       (localhost, 127.0.0.0/8, ::1): the token would travel in the
//	       clear. host=h (no port) is served only by a pattern without a
//	       port, or with the protocol's default (443; 80 for http);
//	       host=h:8443 only by a pattern naming port 8443. --profile P
//	       does not widen P: a host P's patterns leave out gets no output
//	       (nor does a P that lists no hosts).
//	store  reads stdin and does nothing: tokens are never stored.
//	erase  drops the cached token of the profile serving the host (git
//	       rejected it); the client secret stays in the keychain.
//
// Any other action is ignored silently (exit 0), as gitcredentials(7) asks.
// Errors go to stderr as one line with exit status 1; git ignores the status.

// Git answers one git credential helper request (see above).
func Git(ctx context.Context, t Tokens, action string, s Stdio) int {
	switch action {
	case "get", "erase":
	case "store":
		drain(s.In)
		return 0
	default:
		return 0
	}
	b, err := readInput(s.In)
	if err != nil {
		printError(s.Err, fmt.Errorf("read git request: %w", err))
		return 1
	}
	req := parseGitRequest(b)
	if req.protocol == "" || req.host == "" {
		return 0
	}
	res, err := req.resource()
	if err != nil {
		printError(s.Err, err)
		return 1
	}
	if action == "erase" {
		if err := t.Drop(ctx, credential.Request{Resource: res}); err != nil && !isNoRoute(err) {
			printError(s.Err, err)
			return 1
		}
		return 0
	}
	tok, err := token(ctx, t, credential.Request{Resource: res})
	if isNoRoute(err) {
		return 0
	}
	if err != nil {
		printError(s.Err, err)
		return 1
	}
	out, err := formatGit(tok, req.authtype)
	if err != nil {
		printError(s.Err, err)
		return 1
	}
	if _, err := s.Out.Write(out); err != nil {
		return 1
	}
	return 0
}

// gitRequest holds the attributes of a request that the helper uses.
type gitRequest struct {
	protocol, host, path string
	authtype             bool // capability[]=authtype was announced
}

// parseGitRequest reads key=value lines the way git's credential_read does.
func parseGitRequest(b []byte) gitRequest {
	var req gitRequest
	for len(b) > 0 {
		var line []byte
		line, b, _ = bytes.Cut(b, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		key, value, ok := strings.Cut(string(line), "=")
		if !ok {
			break // also ends at a blank line
		}
		switch key {
		case "protocol":
			req.protocol = value
		case "host":
			req.host = value
		case "path":
			req.path = value
		case "capability[]":
			if value == "authtype" {
				req.authtype = true
			}
		}
	}
	return req
}

// resource builds the URL that is routed: protocol://host[/path].
func (r gitRequest) resource() (string, error) {
	for i, c := range r.protocol {
		isAlpha := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !isAlpha && (i == 0 || !('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return "", fmt.Errorf("invalid protocol %q in git request", route.StripUserinfo(r.protocol))
		}
	}
	if strings.Contains(r.host, "@") {
		// What comes before the '@' may be a password: not quoted.
		return "", errors.New("invalid host in git request: it has a user name (a '@')")
	}
	if strings.ContainsAny(r.host, `/?#\`) || strings.ContainsFunc(r.host, isSpaceOrControl) {
		return "", fmt.Errorf("invalid host %q in git request", r.host)
	}
	if strings.ContainsFunc(r.path, func(c rune) bool { return c < ' ' || c == 0x7f }) {
		return "", errors.New("invalid path in git request")
	}
	res := r.protocol + "://" + r.host
	if r.path != "" {
		res += "/" + strings.TrimPrefix(r.path, "/")
	}
	return res, nil
}

// formatGit writes the get answer in a fixed order.
func formatGit(tok credential.Token, authtype bool) ([]byte, error) {
	if strings.ContainsAny(tok.Username, "\n\r\x00") {
		return nil, errors.New("the profile's username contains a line break or NUL; refusing to answer git")
	}
	var b bytes.Buffer
	if authtype {
		b.WriteString("capability[]=authtype\nauthtype=Bearer\n")
		writeGitLine(&b, "credential", tok.AccessToken)
		b.WriteString("ephemeral=1\n")
	} else {
		writeGitLine(&b, "username", tok.Username)
		writeGitLine(&b, "password", tok.AccessToken)
	}
	// git drops a password after its expiry: after RefreshAt, the helper
	// would not serve it either.
	if !tok.RefreshAt.IsZero() && tok.RefreshAt.Unix() > 0 {
		writeGitLine(&b, "password_expiry_utc", strconv.FormatInt(tok.RefreshAt.Unix(), 10))
	}
	return b.Bytes(), nil
}

func writeGitLine(w io.Writer, key, value string) {
	fmt.Fprintf(w, "%s=%s\n", key, value)
}

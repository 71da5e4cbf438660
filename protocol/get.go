package protocol

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
)

// The helper's own protocol, for scripts, editors and tools without a
// credential-helper protocol of their own.
//
//	stdin   empty (the default profile), or one line naming a URL or host
//	        ("https://h:8443/x", "h:8443", "h/repo"), or a JSON object
//	        {"profile": "...", "url": "...", "min_ttl": "5m"}; min_ttl is a Go
//	        duration string or a number of seconds; unknown fields are ignored
//	stdout  {"access_token":"...","token_type":"Bearer","expires_in":299,
//	         "expires_at":"2026-01-01T12:00:00Z","profile":"..."}
//	        (expires_in and expires_at are absent when the token has no expiry)
//	failure stdout is exactly one {"error":"<code>","message":"..."} with the
//	        codes of credential.Kind.Code(); the exit status is Kind.ExitCode()
//	        (bad input: "bad_request", 2; unrouted host: "no_profile_for_host")
//
// A URL is served only over https (or grpcs), or http to a loopback host
// (localhost, 127.0.0.0/8, ::1); any other scheme is "no_profile_for_host".
// A host or host:port without a scheme means https. A host pattern without
// a port serves only the scheme's default port (443; 80 for http). A
// "profile" (or --profile) with a url chooses among the profiles that serve
// it: a url outside the profile's host patterns is "no_profile_for_host"
// (a profile without host patterns serves any url).
//
// Nothing is written to stderr.

// Get answers one request of the helper's own protocol (see above). The
// caller handles the command line; Get is the whole protocol.
func Get(ctx context.Context, src credential.Source, s Stdio) int {
	req, err := readGetRequest(s.In)
	if err != nil {
		return writeErrorJSON(s.Out, &credential.Error{Kind: credential.KindUsage, Msg: err.Error()})
	}
	tok, err := token(ctx, src, req)
	if err != nil {
		return writeErrorJSON(s.Out, err)
	}
	var buf bytes.Buffer
	if err := WriteTokenJSON(&buf, tok, s.now(), true); err != nil {
		return writeErrorJSON(s.Out, err)
	}
	if _, err := s.Out.Write(buf.Bytes()); err != nil {
		return 1
	}
	return 0
}

// getToken is the success answer. Field order is the wire order.
type getToken struct {
	AccessToken string  `json:"access_token"`
	TokenType   string  `json:"token_type"`
	ExpiresIn   *int64  `json:"expires_in,omitempty"`
	ExpiresAt   string  `json:"expires_at,omitempty"`
	Profile     *string `json:"profile,omitempty"`
}

// WriteTokenJSON writes tok as the JSON object of the helper's own protocol,
// followed by a newline. expires_in counts whole seconds from now to
// tok.RefreshAt (never negative), when the helper stops serving the token,
// so that a caller that caches it asks again when the helper would fetch
// a new one; expires_in and expires_at are left out when it is zero. withProfile adds the "profile" key (present even when
// empty); `token --format json` leaves it out.
func WriteTokenJSON(w io.Writer, tok credential.Token, now time.Time, withProfile bool) error {
	if tok.AccessToken == "" {
		return errors.New("empty access token")
	}
	v := getToken{AccessToken: tok.AccessToken, TokenType: "Bearer"}
	if !tok.RefreshAt.IsZero() {
		in := int64(tok.RefreshAt.Sub(now) / time.Second)
		v.ExpiresIn = &in
		if in < 0 {
			*v.ExpiresIn = 0
		}
		v.ExpiresAt = rfc3339(tok.RefreshAt)
	}
	if withProfile {
		v.Profile = &tok.Profile
	}
	return writeJSON(w, v)
}

type getError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// writeErrorJSON writes err as the failure object and returns the exit status.
func writeErrorJSON(w io.Writer, err error) int {
	k := credential.KindOf(err)
	if writeJSON(w, getError{Error: k.Code(), Message: Explain(err)}) != nil {
		return 1
	}
	return k.ExitCode()
}

// readGetRequest parses the three stdin forms.
func readGetRequest(r io.Reader) (credential.Request, error) {
	b, err := readInput(r)
	if err != nil {
		return credential.Request{}, err
	}
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return credential.Request{}, nil
	case b[0] == '{':
		return parsePlainJSON(b)
	}
	line := string(b)
	if strings.ContainsFunc(line, isSpaceOrControl) {
		return credential.Request{}, errors.New("request must be one URL or host, or a JSON object")
	}
	if _, _, err := route.HostPort(line); err != nil {
		return credential.Request{}, err
	}
	return credential.Request{Resource: line}, nil
}

func parsePlainJSON(b []byte) (credential.Request, error) {
	var in struct {
		Profile string          `json:"profile"`
		URL     string          `json:"url"`
		MinTTL  json.RawMessage `json:"min_ttl"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return credential.Request{}, fmt.Errorf("invalid JSON request: %v", err)
	}
	req := credential.Request{Profile: in.Profile, Resource: in.URL}
	if in.URL != "" {
		if _, _, err := route.HostPort(in.URL); err != nil {
			return credential.Request{}, err
		}
	}
	if len(in.MinTTL) > 0 && string(in.MinTTL) != "null" {
		d, err := parseMinTTL(in.MinTTL)
		if err != nil {
			return credential.Request{}, err
		}
		req.MinTTL = d
	}
	return req, nil
}

// parseMinTTL accepts "5m" (a Go duration) or 300 (seconds).
func parseMinTTL(raw json.RawMessage) (time.Duration, error) {
	var d time.Duration
	var s string
	if json.Unmarshal(raw, &s) == nil {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("invalid min_ttl %q: want a duration such as \"5m\"", s)
		}
	} else {
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil || f < 0 || f > float64(24*365*time.Hour/time.Second) {
			return 0, errors.New("invalid min_ttl: want a duration string or a number of seconds from 0 to a year")
		}
		d = time.Duration(f * float64(time.Second))
	}
	if d < 0 {
		return 0, errors.New("invalid min_ttl: negative")
	}
	return d, nil
}

package helper

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"golang.org/x/oauth2"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/termsafe"
)

// The parties a request goes to, as messages name them.
const (
	TokenEndpoint = "token endpoint"
	API           = "API"
)

// Explain turns an error of a request to url into a user-facing
// *credential.Error whose message names the party asked (TokenEndpoint, or
// API for an API called with a token).
func Explain(ctx context.Context, party, url string, err error) *credential.Error {
	e, _ := classify(ctx, party, url, err)
	return e
}

// classify turns an error of a request to party at rawURL into a
// user-facing *Error and says whether to retry: wait < 0 means do not
// retry, 0 means back off, > 0 means wait that long (Retry-After). A token
// request's err has been through creds.scrub.
func classify(ctx context.Context, party, rawURL string, err error) (*credential.Error, time.Duration) {
	var ce *credential.Error
	if errors.As(err, &ce) {
		return ce, -1 // refused before anything was sent (a loopback listener of another user)
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		return classifyStatus(re)
	}
	if re != nil { // an error field in a 200 response
		return &credential.Error{Kind: credential.KindRejected, Msg: "token endpoint refused: " + oauthReason(re), Err: err}, -1
	}
	host := rawURL
	if u, perr := url.Parse(rawURL); perr == nil {
		host = u.Host
	}
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
		return &credential.Error{Kind: credential.KindUnreachable, Msg: fmt.Sprintf("%s %s did not answer in time (see --timeout)", party, host), Err: ctx.Err()}, -1
	}
	var ua x509.UnknownAuthorityError
	if errors.As(err, &ua) {
		name := ""
		if ua.Cert != nil {
			name = fmt.Sprintf(" %q issued by %q", ua.Cert.Subject.String(), ua.Cert.Issuer.String())
		}
		return &credential.Error{Kind: credential.KindUnreachable, Msg: fmt.Sprintf("TLS: the certificate%s of %s is not signed by a trusted authority", name, host),
			Hint: "If your " + party + " uses a private CA, pass its PEM bundle with --ca-file.", Err: err}, -1
	}
	var he x509.HostnameError
	var ie x509.CertificateInvalidError
	var te *tls.CertificateVerificationError
	if errors.As(err, &he) || errors.As(err, &ie) || errors.As(err, &te) {
		return &credential.Error{Kind: credential.KindUnreachable, Msg: fmt.Sprintf("TLS: cannot verify %s: %v", host, unwrapURLError(err)), Err: err}, -1
	}
	var de *net.DNSError
	if errors.As(err, &de) && de.IsNotFound {
		return &credential.Error{Kind: credential.KindUnreachable, Msg: fmt.Sprintf("cannot reach %s: no such host %s", party, de.Name), Err: err}, -1
	}
	var ne net.Error
	var oe *net.OpError
	if errors.As(err, &ne) || errors.As(err, &oe) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &credential.Error{Kind: credential.KindUnreachable, Msg: fmt.Sprintf("cannot reach %s %s: %v", party, host, unwrapURLError(err)), Err: err}, 0
	}
	// x/oauth2's own parse errors ("cannot parse json", missing fields).
	msg := strings.TrimPrefix(unwrapURLError(err).Error(), "oauth2: ")
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return &credential.Error{Kind: credential.KindUnreachable, Msg: party + " sent an invalid response: " + msg, Err: err}, -1
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func classifyStatus(re *oauth2.RetrieveError) (*credential.Error, time.Duration) {
	code := re.Response.StatusCode
	status := fmt.Sprintf("HTTP %d %s", code, http.StatusText(code))
	switch {
	case code >= 300 && code < 400:
		return &credential.Error{Kind: credential.KindUsage, Msg: fmt.Sprintf("token endpoint redirected (%s) to %q; redirects are not followed because the request carries the client secret: configure the final token URL", status, re.Response.Header.Get("Location"))}, -1
	case code == http.StatusTooManyRequests:
		e := &credential.Error{Kind: credential.KindUnreachable, Msg: "token endpoint is rate limiting (" + status + ")", Err: re}
		return e, retryAfter(re.Response.Header.Get("Retry-After"))
	case code >= 500:
		return &credential.Error{Kind: credential.KindUnreachable, Msg: "token endpoint failed: " + status + describe(re), Err: re}, 0
	case code == http.StatusNotFound || code == http.StatusMethodNotAllowed:
		return &credential.Error{Kind: credential.KindUsage, Msg: "token endpoint answered " + status + ": check the token URL" + describe(re), Err: re}, -1
	}
	e := &credential.Error{Kind: credential.KindRejected, Msg: "token endpoint rejected the credentials: " + status + describe(re), Err: re,
		Hint: "Check the client ID and secret, the audience and scope, and the client auth method (--auth-method post|basic)."}
	return e, -1
}

// describe renders the OAuth error fields, never the raw body (which may be
// an HTML page of any size).
func describe(re *oauth2.RetrieveError) string {
	if re.ErrorCode == "" {
		return ""
	}
	return ": " + oauthReason(re)
}

func oauthReason(re *oauth2.RetrieveError) string {
	s := clean(re.ErrorCode)
	if d := clean(re.ErrorDescription); d != "" {
		s += ": " + d
	}
	return s
}

// clean keeps a server-supplied string short and fit for a terminal: on
// one line, its control characters (C0, DEL, C1 raw or as UTF-8) escaped
// (termsafe.Line), so an answer cannot set the title or the clipboard.
func clean(s string) string {
	if len(s) > 200 {
		cut := 200
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return strings.TrimSpace(termsafe.Line(s))
}

// retryAfter parses a Retry-After header (seconds or an HTTP date); 0 means
// back off as usual.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
		return time.Duration(n)*time.Second + time.Millisecond
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// rejectionReason is what the rejection memory keeps of a refusal: the
// HTTP status and the OAuth error code. The server's free text was shown
// once; kept, it would sit on disk in the clear (or in the agent) and be
// repeated to callers that never sent the request it answered.
func rejectionReason(err error) string {
	const msg = "token endpoint rejected the credentials"
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		return msg
	}
	code := re.Response.StatusCode
	s := fmt.Sprintf("%s: HTTP %d %s", msg, code, http.StatusText(code))
	if re.ErrorCode != "" {
		s += ": " + clean(re.ErrorCode)
	}
	return s
}

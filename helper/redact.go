package helper

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/oauth2"
)

// minRedactLen is the shortest secret that is cut out of a token
// endpoint's text. A shorter one is not looked for inside the text: the
// "[redacted]" would show where it stood and how long it is, and a short
// string also turns up by accident. Text that holds it is dropped instead.
const minRedactLen = 8

// redact removes a client secret from text a token endpoint sent back
// (error, error_description, a Location header, a parse error): servers
// echo requests, and what they say reaches terminals and CI logs. It looks
// for every form the request carried the secret in, and the forms a server
// renders it in: raw, form-encoded (with "+" or "%20" for a space),
// path-escaped, inside an HTTP Basic header (base64 of "id:secret", with
// and without RFC 6749 2.3.1's form-encoding) and JSON-escaped.
//
// ok is false when text must not be shown at all: it holds a secret shorter
// than minRedactLen.
func redact(text, clientID, secret string) (_ string, ok bool) {
	if secret == "" || text == "" {
		return text, true
	}
	forms := secretForms(clientID, secret)
	if len(secret) < minRedactLen {
		for _, f := range forms {
			if strings.Contains(text, f) {
				return "", false
			}
		}
		return text, true
	}
	for _, f := range forms {
		text = strings.ReplaceAll(text, f, "[redacted]")
	}
	return text, true
}

// secretForms lists the renderings of secret that redact looks for,
// longest first, so that a form is cut out before a shorter one inside it
// (the raw secret inside its JSON-escaped form, say) breaks it up.
func secretForms(clientID, secret string) []string {
	q := url.QueryEscape(secret)
	p := url.PathEscape(secret)
	forms := []string{
		secret,
		q, strings.ReplaceAll(q, "+", "%20"),
		p, strings.ReplaceAll(p, "%20", "+"),
		jsonString(secret, true), jsonString(secret, false),
		strings.ReplaceAll(jsonString(secret, false), "/", `\/`),
	}
	for _, b := range []string{url.QueryEscape(clientID) + ":" + q, clientID + ":" + secret} {
		// Padded, and unpadded (as some servers log it).
		forms = append(forms, base64.StdEncoding.EncodeToString([]byte(b)), base64.RawStdEncoding.EncodeToString([]byte(b)))
	}
	for _, f := range forms[1:5] {
		forms = append(forms, lowerHex(f)) // %2f as well as %2F
	}
	slices.SortFunc(forms, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	return slices.Compact(forms)
}

// lowerHex writes the hex digits of s's percent-escapes in lower case, as
// some servers re-encode them.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lower(b[i+1]), lower(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// jsonString is s as it appears between the quotes of a JSON string.
func jsonString(s string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(s)
	out := strings.TrimSuffix(b.String(), "\n")
	return strings.TrimSuffix(strings.TrimPrefix(out, `"`), `"`)
}

// scrub takes the secret c sent out of what the token endpoint answered,
// before classify turns it into a message. A *oauth2.RetrieveError keeps
// only its fields fit to show (its Error() would print the raw body, and it
// stays in the chain as Error.Err); any other error whose text holds the
// secret (x/oauth2 quotes what it cannot parse) is replaced by its
// redacted text.
func (c creds) scrub(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		re.Body = nil
		re.ErrorCode, re.ErrorDescription, re.ErrorURI = c.serverText(re.ErrorCode), c.serverText(re.ErrorDescription), c.serverText(re.ErrorURI)
		if re.Response != nil && re.Response.Header.Get("Location") != "" {
			re.Response.Header.Set("Location", c.serverText(re.Response.Header.Get("Location")))
		}
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return err // no answer arrived: a network or TLS failure
	}
	msg := err.Error()
	switch red, ok := c.redactAll(msg); {
	case !ok:
		return errors.New("the response holds the client secret (not shown)")
	case red != msg:
		return errors.New(red)
	}
	return err
}

// scrubStored keeps the secret (or a key's stored form) out of a
// keychain's error about storing it. keystore.Store's contract forbids quoting the value, but a backend
// that does would quote the envelope (storedsecret.go): the secret
// JSON-escaped inside, perhaps quoted again, so the secret is looked for
// with every backslash taken out of both.
func (c creds) scrubStored(err error) error {
	bare := func(s string) string { return strings.ReplaceAll(s, `\`, "") }
	stored := []string{c.Secret}
	if c.Key != nil {
		if der, kerr := c.Key.MarshalPrivate(); kerr == nil {
			stored = append(stored, base64.StdEncoding.EncodeToString(der))
		}
	}
	for _, s := range stored {
		if s != "" && strings.Contains(bare(err.Error()), bare(s)) {
			return errors.New("the keychain's error quoted the secret (not shown)")
		}
	}
	return err
}

// serverText makes text from the token endpoint fit to show: without the
// secret c sent it (see redact), printable and short. "" leaves it out.
func (c creds) serverText(s string) string {
	s, ok := c.redactAll(s)
	if !ok {
		return ""
	}
	return clean(s)
}

// redactAll is redact for everything c sent that must not come back: the
// secret, and the client assertion with its signature on its own (a server
// may quote a JWT's parts).
func (c creds) redactAll(text string) (string, bool) {
	ok := true
	for _, s := range append([]string{c.Secret}, c.sent...) {
		if text, ok = redact(text, c.ClientID, s); !ok {
			return "", false
		}
	}
	return text, true
}

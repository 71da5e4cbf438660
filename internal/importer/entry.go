// Package importer reads the client secrets Camunda's other tools keep in
// plaintext (c8ctl's profiles.json, Desktop Modeler's settings.json) and
// turns each entry into what login takes; it also removes a secret from
// c8ctl's file once the keychain holds it (Scrub). Parsing and scrubbing
// are pure: the command line reads and writes the files.
//
// No error or String of this package holds a secret: JSON syntax errors
// are reported by offset only (Go's name the offending character).
package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// SaaS's token endpoint and the audience of a cluster's APIs: what c8ctl
// and Modeler use when an entry names none.
const (
	SaaSTokenURL    = "https://login.cloud.camunda.io/oauth/token"
	ClusterAudience = "zeebe.camunda.io"
)

// Auth kinds of an entry.
const (
	AuthOAuth = "oauth"
	AuthBasic = "basic"
	AuthNone  = "none"
)

// Entry is one c8ctl profile or Modeler connection.
type Entry struct {
	Source  string // its name in the file: c8ctl's profile name, Modeler's connection name
	Profile string // the helper's profile name for it
	Auth    string // AuthOAuth, AuthBasic or AuthNone

	ClientID, TokenURL, Audience, Scope, APIURL string
	Secret                                      string // never printed
	HasPassword                                 bool   // a basic-auth password is stored

	// Skip says why the entry cannot be imported ("" when it can).
	Skip string
}

// String describes e without its secret.
func (e Entry) String() string {
	return fmt.Sprintf("%s %q (profile %s, %s)", "entry", e.Source, e.Profile, e.Auth)
}

// Plaintext reports whether e holds a secret in plaintext: a client
// secret, or a basic-auth password.
func (e Entry) Plaintext() bool { return e.Secret != "" || e.HasPassword }

// skipReason is why an entry of kind auth is not imported.
func skipReason(auth string, hasSecret bool) string {
	switch {
	case auth == AuthBasic:
		return "basic auth (username and password): the helper keeps OAuth client secrets only"
	case auth == AuthNone:
		return "no authentication: nothing to keep"
	case !hasSecret:
		return "no client secret in the file (scrubbed already?)"
	}
	return ""
}

// jsonError describes a decoding error without quoting the input.
func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("not valid JSON (at byte %d)", se.Offset)
	case errors.As(err, &te):
		return fmt.Errorf("unexpected JSON: %s is a %s, not a %s", fieldName(te), te.Value, te.Type)
	case errors.Is(err, errTrailing):
		return err
	}
	return errors.New("not valid JSON")
}

func fieldName(te *json.UnmarshalTypeError) string {
	if te.Field == "" {
		return "the document"
	}
	return strings.TrimPrefix(te.Field, ".")
}

var errTrailing = errors.New("not valid JSON: data after the top-level value")

// decode unmarshals one JSON document from b into v, refusing anything
// after it.
func decode(b []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errTrailing
	}
	return nil
}

// Slug makes a profile name of a display name: lower case, runs of other
// characters become one "-" ("Staging Cluster" → staging-cluster).
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	s := b.String()
	if len(s) > 64 {
		s = strings.TrimRight(s[:64], "-")
	}
	return s
}

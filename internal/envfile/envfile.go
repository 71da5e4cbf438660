// Package envfile imports credentials from the file Camunda Console offers
// for download (export KEY='value' lines) and from Camunda's environment
// variables, in each of their generations of names.
package envfile

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// maxEnvFile bounds an env file: Console's are a few hundred bytes.
const maxEnvFile = 1 << 20

// ParseEnvFile reads the credentials file Camunda Console offers for
// download: `export KEY='value'` lines, with or without `export` and
// quotes, blank lines and # comments. Errors name the line number, never
// its content (which may hold the secret).
func ParseEnvFile(r io.Reader) (map[string]string, error) {
	// Read it all first: a reader cut at the limit would silently take the
	// start of a value (a secret) for the whole of it.
	b, err := io.ReadAll(io.LimitReader(r, maxEnvFile+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read env file: %v", err)
	}
	if len(b) > maxEnvFile {
		return nil, fmt.Errorf("env file larger than %d bytes", maxEnvFile)
	}
	vars := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || line[0] == '#' {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "export"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			line = strings.TrimSpace(rest)
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok || !ValidEnvName(key) {
			return nil, fmt.Errorf("line %d: expected KEY=value", n)
		}
		v, err := unquote(val)
		if err != nil {
			return nil, fmt.Errorf("line %d (%s): %v", n, key, err)
		}
		vars[key] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cannot read env file: %v", err)
	}
	return vars, nil
}

// ValidEnvName reports whether k is a portable environment variable name.
func ValidEnvName(k string) bool {
	if k == "" {
		return false
	}
	for i, r := range k {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// unquote handles 'single' (literal), "double" (\" \\ \$ \` escapes) and
// bare values (up to an unquoted # comment).
func unquote(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	switch v[0] {
	case '\'':
		end := strings.IndexByte(v[1:], '\'')
		if end < 0 {
			return "", fmt.Errorf("unterminated single quote")
		}
		if rest := strings.TrimSpace(v[end+2:]); rest != "" && rest[0] != '#' {
			return "", fmt.Errorf("unexpected text after the closing quote")
		}
		return v[1 : end+1], nil
	case '"':
		var b strings.Builder
		for i := 1; i < len(v); i++ {
			c := v[i]
			switch {
			case c == '\\' && i+1 < len(v) && strings.IndexByte("\"\\$`", v[i+1]) >= 0:
				b.WriteByte(v[i+1])
				i++
			case c == '"':
				if rest := strings.TrimSpace(v[i+1:]); rest != "" && rest[0] != '#' {
					return "", fmt.Errorf("unexpected text after the closing quote")
				}
				return b.String(), nil
			default:
				b.WriteByte(c)
			}
		}
		return "", fmt.Errorf("unterminated double quote")
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v), nil
}

// Imported are credentials found in environment variables, with the names
// of the variables each came from.
type Imported struct {
	ClientID, Secret, TokenURL, Audience, Scope string
	HasAudience                                 bool
	APIURL                                      string // cluster REST base, from CAMUNDA_CLUSTER_ID and CAMUNDA_CLUSTER_REGION
	API                                         string // the preset the variables imply: "modeler" for org-level, "zeebe" for cluster credentials
	From                                        []string
}

// credentialGroups are the generations of variable names, most specific
// first: org-level (Administration and Web Modeler APIs), 8.8 cluster, and
// the older Zeebe names. The ID and secret are taken from one group.
var credentialGroups = []struct {
	id, secret, audience, api string
}{
	{credential.EnvClientID, credential.EnvClientSecret, "CAMUNDA_CONSOLE_OAUTH_AUDIENCE", "modeler"},
	{"CAMUNDA_CLIENT_ID", "CAMUNDA_CLIENT_SECRET", "CAMUNDA_TOKEN_AUDIENCE", "zeebe"},
	{"ZEEBE_CLIENT_ID", "ZEEBE_CLIENT_SECRET", "ZEEBE_TOKEN_AUDIENCE", "zeebe"},
}

// ClusterVars are the variables Camunda's cluster clients read their
// client ID, secret and audience from, one of each per generation of
// names, newest first (exec --serve points them at its endpoint).
func ClusterVars() (ids, secrets, audiences []string) {
	for _, g := range credentialGroups {
		if g.api == "zeebe" {
			ids, secrets, audiences = append(ids, g.id), append(secrets, g.secret), append(audiences, g.audience)
		}
	}
	return ids, secrets, audiences
}

// SecretVars are the variables that may carry a client secret, in each of
// Camunda's generations of names: exec never hands them to its command.
func SecretVars() []string {
	names := make([]string, len(credentialGroups))
	for i, g := range credentialGroups {
		names[i] = g.secret
	}
	return names
}

// ImportEnv finds credentials in variables, as Camunda Console's download
// and Camunda's SDKs name them.
func ImportEnv(lookup func(string) (string, bool)) (Imported, error) {
	var im Imported
	get := func(names ...string) (string, string, bool) {
		for _, n := range names {
			if v, ok := lookup(n); ok && strings.TrimSpace(v) != "" {
				return strings.TrimSpace(v), n, true
			}
		}
		return "", "", false
	}
	for _, g := range credentialGroups {
		// A variable set to an empty value counts as unset, as everywhere
		// else (get above, and the environment credentials of source.go).
		id, _ := lookup(g.id)
		secret, _ := lookup(g.secret)
		if strings.TrimSpace(id) == "" && strings.TrimSpace(secret) == "" {
			continue
		}
		if strings.TrimSpace(id) == "" || strings.TrimSpace(secret) == "" {
			return im, fmt.Errorf("%s and %s must both be set", g.id, g.secret)
		}
		im.ClientID, im.Secret, im.API = strings.TrimSpace(id), secret, g.api
		im.From = append(im.From, g.id, g.secret)
		if v, n, ok := get(g.audience); ok {
			im.Audience, im.HasAudience = v, true
			im.From = append(im.From, n)
		} else if g.api == "zeebe" {
			im.Audience, im.HasAudience = "zeebe.camunda.io", true
		}
		break
	}
	if im.ClientID == "" {
		return im, fmt.Errorf("no client credentials found: expected CAMUNDA_CONSOLE_CLIENT_ID/SECRET, CAMUNDA_CLIENT_ID/SECRET or ZEEBE_CLIENT_ID/SECRET")
	}
	if v, n, ok := get("CAMUNDA_OAUTH_URL", "ZEEBE_AUTHORIZATION_SERVER_URL", "CAMUNDA_AUTHORIZATION_SERVER_URL"); ok {
		im.TokenURL = v
		im.From = append(im.From, n)
	}
	if v, n, ok := get("CAMUNDA_TOKEN_SCOPE", "ZEEBE_TOKEN_SCOPE", "CAMUNDA_OAUTH_SCOPE"); ok {
		im.Scope = v
		im.From = append(im.From, n)
	}
	if im.API == "zeebe" {
		// The cluster's REST address: given by newer files, or built from
		// the cluster ID and region of older ones.
		cluster, _, okC := get("CAMUNDA_CLUSTER_ID")
		region, _, okR := get("CAMUNDA_CLUSTER_REGION")
		if v, n, ok := get("CAMUNDA_REST_ADDRESS", "ZEEBE_REST_ADDRESS"); ok {
			im.APIURL = strings.TrimRight(v, "/")
			im.From = append(im.From, n)
		} else if okC && okR {
			im.APIURL = "https://" + region + ".zeebe.camunda.io/" + cluster
		}
	}
	return im, nil
}

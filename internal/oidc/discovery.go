// Package oidc is OpenID Connect discovery (OpenID Connect Discovery 1.0
// section 4, RFC 8414): login --issuer finds the token endpoint, and the
// client authentication methods it takes, from the issuer's metadata.
package oidc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
)

// WellKnown is the path of the metadata under the issuer.
const WellKnown = "/.well-known/openid-configuration"

// maxDocument bounds the metadata read: real documents are a few KiB.
const maxDocument = 1 << 20

// Metadata is the part of the issuer's metadata login uses.
type Metadata struct {
	Issuer          string   `json:"issuer"`
	TokenEndpoint   string   `json:"token_endpoint"`
	AuthMethods     []string `json:"token_endpoint_auth_methods_supported"`
	AuthSigningAlgs []string `json:"token_endpoint_auth_signing_alg_values_supported"`
}

// Discover reads issuer's metadata with client (which must refuse
// redirects and carry the trust the token endpoint gets). A document whose
// issuer is not exactly the one asked for is refused (RFC 8414 section
// 3.3): it could send the credentials to another party's token endpoint.
func Discover(ctx context.Context, client *http.Client, issuer string) (*Metadata, error) {
	u := strings.TrimSuffix(issuer, "/") + WellKnown
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("issuer %q: %v", issuer, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s, not the issuer's metadata", u, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", u, err)
	}
	if len(body) > maxDocument {
		return nil, fmt.Errorf("%s: the metadata is larger than %d bytes", u, maxDocument)
	}
	var m Metadata
	if err := json.Unmarshal(body, &m); err != nil {
		ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		return nil, fmt.Errorf("%s is not an OpenID Connect discovery document (not JSON; content type %q)", u, ct)
	}
	if m.Issuer != issuer {
		return nil, fmt.Errorf("%s names the issuer %q, not %q: refusing it (RFC 8414 section 3.3)", u, m.Issuer, issuer)
	}
	if m.TokenEndpoint == "" {
		return nil, fmt.Errorf("%s names no token_endpoint", u)
	}
	return &m, nil
}

// Supports reports whether the metadata allows the client authentication
// method (client_secret_post, client_secret_basic, private_key_jwt). An
// absent list means client_secret_basic only (OpenID Connect Discovery
// section 3), which servers in practice extend to client_secret_post:
// both secrets pass then.
func (m *Metadata) Supports(method string) bool {
	if len(m.AuthMethods) == 0 {
		return method != "private_key_jwt"
	}
	return slices.Contains(m.AuthMethods, method)
}

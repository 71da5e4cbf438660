package tokenserver

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"strings"
	"time"
)

// assertionType is RFC 7523's client_assertion_type.
const assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// maxAssertionLife is the longest exp - iat the server takes, as Entra ID
// and Camunda's Java client use: 5 minutes, and a minute of clock skew.
const maxAssertionLife = 5 * time.Minute

// RegisterCertificate makes the server accept client id authenticating
// with a JWT signed by cert's key (private_key_jwt), checked as Entra ID
// does: x5t and x5t#S256 name cert, aud is the URL the request came to,
// iss = sub = id, a lifetime of at most 5 minutes, and a jti used once.
func (s *Server) RegisterCertificate(id string, cert *x509.Certificate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.certs[id] = cert
}

// setCertClient is the "certclient ID FILE" mode: FILE holds a PEM certificate.
func setCertClient(s *Server, args []string) error {
	b, err := os.ReadFile(args[1])
	if err != nil {
		return fmt.Errorf("certclient: %v", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		return fmt.Errorf("certclient: %s holds no PEM certificate", args[1])
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return fmt.Errorf("certclient: %v", err)
	}
	s.certs[args[0]] = cert
	return nil
}

// CheckAssertion verifies, from a RespondFunc, the client assertion of a
// private_key_jwt request against the certificate registered for its
// client (RegisterCertificate), as the server itself does.
func (s *Server) CheckAssertion(r *http.Request, req Request) error {
	s.mu.Lock()
	cert := s.certs[req.ClientID]
	s.mu.Unlock()
	return s.checkAssertion(r, req, cert)
}

// requestURL is the URL r came to, which an assertion's aud must name.
func requestURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.Path
}

// checkAssertion verifies a private_key_jwt request's assertion against the
// client's registered certificate; the error says why it fails, as
// Entra's AADSTS messages do.
func (s *Server) checkAssertion(r *http.Request, req Request, cert *x509.Certificate) error {
	if cert == nil {
		return errors.New("no certificate is registered for client " + req.ClientID)
	}
	if req.Form.Get("client_assertion_type") != assertionType {
		return errors.New("client_assertion_type must be " + assertionType)
	}
	parts := strings.Split(req.Form.Get("client_assertion"), ".")
	if len(parts) != 3 {
		return errors.New("the client assertion is not a JWS")
	}
	var hdr map[string]any
	var claims struct {
		Iss, Sub, Jti string
		Aud           any
		Exp, Iat, Nbf *int64
	}
	if decodePart(parts[0], &hdr) != nil || decodePart(parts[1], &claims) != nil {
		return errors.New("the client assertion does not decode")
	}
	s1, s256 := sha1.Sum(cert.Raw), sha256.Sum256(cert.Raw)
	if hdr["x5t"] != b64(s1[:]) {
		return errors.New("the assertion's x5t does not name the registered certificate")
	}
	if v, ok := hdr["x5t#S256"]; ok && v != b64(s256[:]) {
		return errors.New("the assertion's x5t#S256 does not name the registered certificate")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || verifySignature(cert.PublicKey, fmt.Sprint(hdr["alg"]), []byte(parts[0]+"."+parts[1]), sig) != nil {
		return errors.New("the client assertion's signature is invalid")
	}
	now := time.Now()
	switch {
	case claims.Iss != req.ClientID || claims.Sub != req.ClientID:
		return errors.New("the assertion's iss and sub must be the client ID")
	case claims.Aud != requestURL(r):
		return fmt.Errorf("the assertion's aud must be %s", requestURL(r))
	case claims.Exp == nil || claims.Iat == nil || claims.Jti == "":
		return errors.New("the assertion lacks exp, iat or jti")
	case time.Unix(*claims.Exp, 0).Before(now):
		return errors.New("the client assertion has expired")
	case time.Unix(*claims.Iat, 0).After(now.Add(time.Minute)), claims.Nbf != nil && time.Unix(*claims.Nbf, 0).After(now.Add(time.Minute)):
		return errors.New("the client assertion is not valid yet")
	case time.Duration(*claims.Exp-*claims.Iat)*time.Second > maxAssertionLife:
		return errors.New("the client assertion lives longer than 5 minutes")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, seen := s.jtis[claims.Jti]; seen {
		return errors.New("the client assertion's jti was used before (replay)")
	}
	s.jtis[claims.Jti] = now
	return nil
}

func decodePart(p string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func verifySignature(pub crypto.PublicKey, alg string, input, sig []byte) error {
	digest := sha256.Sum256(input)
	switch k := pub.(type) {
	case *rsa.PublicKey:
		switch alg {
		case "RS256":
			return rsa.VerifyPKCS1v15(k, crypto.SHA256, digest[:], sig)
		case "PS256":
			return rsa.VerifyPSS(k, crypto.SHA256, digest[:], sig, nil)
		}
	case *ecdsa.PublicKey:
		if alg == "ES256" && len(sig) == 64 {
			r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
			if ecdsa.Verify(k, digest[:], r, s) {
				return nil
			}
		}
	}
	return errors.New("bad signature")
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// assertionField is the scripts' assertion.header.NAME or
// assertion.claim.NAME of the request's client assertion (not verified).
func (r Request) assertionField(name string) (string, bool) {
	part, key, ok := strings.Cut(name, ".")
	parts := strings.Split(r.Form.Get("client_assertion"), ".")
	if !ok || len(parts) != 3 {
		return "", false
	}
	var m map[string]any
	switch part {
	case "header":
		_ = decodePart(parts[0], &m)
	case "claim":
		_ = decodePart(parts[1], &m)
	default:
		return "", false
	}
	v, ok := m[key]
	if !ok {
		return "", true
	}
	if f, isNum := v.(float64); isNum {
		return fmt.Sprintf("%d", int64(f)), true
	}
	return fmt.Sprint(v), true
}

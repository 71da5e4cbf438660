package clientauth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Key types for Generate.
const (
	TypeRSA = "rsa" // RSA 2048: the one Entra ID accepts
	TypeEC  = "ec"  // EC P-256
)

// CertLifetime is how long a generated self-signed certificate is valid:
// Entra ID shows and enforces the certificate's end date.
const CertLifetime = 2 * 365 * 24 * time.Hour

// Generate creates a key of the given type with a self-signed certificate
// whose subject is commonName (the client ID), valid from now.
func Generate(keyType, commonName string, now time.Time) (*Key, error) {
	var k *Key
	switch keyType {
	case TypeRSA, "":
		r, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		k = &Key{Signer: r}
	case TypeEC:
		e, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		k = &Key{Signer: e}
	default:
		return nil, fmt.Errorf("unsupported key type %q: want rsa or ec", keyType)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	name := pkix.Name{CommonName: commonName}
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: name, Issuer: name,
		NotBefore: now.Add(-time.Minute).UTC(), NotAfter: now.Add(CertLifetime).UTC(),
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Signer.Public(), k.Signer)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	k.Cert = cert
	return k, nil
}

// PublicPEM is the public key as PEM (PKIX "PUBLIC KEY").
func (k *Key) PublicPEM() []byte {
	der, _ := x509.MarshalPKIXPublicKey(k.Signer.Public())
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// CertPEM is the certificate as PEM, for Entra ID's "Certificates &
// secrets"; an error when the key has none.
func (k *Key) CertPEM() ([]byte, error) {
	if k.Cert == nil {
		return nil, errors.New("no certificate is stored with this key (log in with --certificate, or use --format jwks or pem)")
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: k.Cert.Raw}), nil
}

// JWKS is a JSON Web Key Set (RFC 7517) holding the public key with its
// kid, use "sig" and alg, and x5c/x5t when there is a certificate: for
// Keycloak's, Okta's or oidc-provider's client JWKS.
func (k *Key) JWKS() ([]byte, error) {
	jwk := map[string]any{"kid": k.KeyID(), "use": "sig", "alg": k.Algorithm()}
	switch p := k.Signer.Public().(type) {
	case *rsa.PublicKey:
		jwk["kty"], jwk["n"], jwk["e"] = "RSA", b64(p.N.Bytes()), b64(big.NewInt(int64(p.E)).Bytes())
	case *ecdsa.PublicKey:
		x, y := ecCoords(p)
		jwk["kty"], jwk["crv"], jwk["x"], jwk["y"] = "EC", "P-256", b64(x), b64(y)
	}
	if k.Cert != nil {
		s1, s256 := sha1.Sum(k.Cert.Raw), sha256.Sum256(k.Cert.Raw)
		jwk["x5c"] = []string{stdB64(k.Cert.Raw)}
		jwk["x5t"], jwk["x5t#S256"] = b64(s1[:]), b64(s256[:])
	}
	return json.MarshalIndent(map[string]any{"keys": []any{jwk}}, "", "  ")
}

func stdB64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

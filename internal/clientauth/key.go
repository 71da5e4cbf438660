// Package clientauth is client authentication with a key instead of a
// secret (RFC 7523 section 2.2, OIDC's private_key_jwt): it reads private
// keys and certificates, generates a key with a self-signed certificate,
// signs the short-lived assertion a token request carries, and prints the
// public parts for registration at the identity provider. The token core
// (package helper) calls it to authenticate a request; it knows nothing of
// the keychain or the config file.
package clientauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"software.sslmate.com/src/go-pkcs12"
)

// Signing algorithms (RFC 7518 section 3.1).
const (
	RS256 = "RS256"
	PS256 = "PS256"
	ES256 = "ES256"
)

// Key is a client's private key with the certificate registered for it,
// if any, and the settings that shape its assertions.
type Key struct {
	Signer crypto.Signer     // *rsa.PrivateKey or *ecdsa.PrivateKey (P-256)
	Cert   *x509.Certificate // nil when none was given: no x5t headers then
	KID    string            // the kid header; "" means the RFC 7638 thumbprint
	Alg    string            // RS256, PS256 or ES256; "" means the key's default
}

// ErrPassword is a PKCS#12 file's wrong (or missing) password.
var ErrPassword = errors.New("wrong password for the PKCS#12 file")

// ParsePrivateKey reads a private key: PEM (PKCS#8, PKCS#1 RSA or SEC1
// EC) or a PKCS#12 file (DER, .p12/.pfx), whose certificate comes with it.
// password is asked only for PKCS#12.
func ParsePrivateKey(data []byte, password func() (string, error)) (*Key, error) {
	if block, _ := pem.Decode(data); block != nil {
		if strings.Contains(block.Type, "ENCRYPTED") || block.Headers["Proc-Type"] != "" {
			return nil, errors.New("the PEM private key is encrypted: decrypt it first (openssl pkey -in KEY -out PLAIN), or use a PKCS#12 file")
		}
		s, err := parsePEMKey(block)
		if err != nil {
			return nil, err
		}
		return newKey(s, nil)
	}
	if password == nil {
		return nil, errors.New("not a PEM private key or a PKCS#12 file")
	}
	if len(data) == 0 || data[0] != 0x30 {
		return nil, errors.New("not a PEM private key or a PKCS#12 file")
	}
	pw, err := password()
	if err != nil {
		return nil, err
	}
	priv, cert, _, err := pkcs12.DecodeChain(data, pw)
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword):
		return nil, ErrPassword
	case err != nil:
		return nil, fmt.Errorf("not a PEM private key or a PKCS#12 file this helper can read: %v", err)
	}
	s, ok := priv.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("unsupported key type %T in the PKCS#12 file", priv)
	}
	return newKey(s, cert)
}

func parsePEMKey(block *pem.Block) (crypto.Signer, error) {
	var k any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		k, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		k, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("the PEM block is a %q, not a private key (want PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("the %s does not parse: %v", strings.ToLower(block.Type), err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("unsupported key type %T", k)
	}
	return s, nil
}

// newKey checks that s is a key this package signs with and that cert,
// when given, is for it.
func newKey(s crypto.Signer, cert *x509.Certificate) (*Key, error) {
	switch k := s.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("the RSA key has %d bits; at least 2048 are required", k.N.BitLen())
		}
		if len(k.Primes) != 2 {
			return nil, errors.New("unsupported RSA key: it has more than two primes")
		}
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("unsupported EC curve %s: only P-256 (ES256) is supported", k.Curve.Params().Name)
		}
	default:
		return nil, fmt.Errorf("unsupported key type %T: want RSA or EC P-256", s)
	}
	k := &Key{Signer: s}
	if cert != nil {
		if err := k.SetCertificate(cert); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// ParseCertificate reads a PEM certificate (the first one in data).
func ParseCertificate(data []byte) (*x509.Certificate, error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, errors.New("no PEM certificate in the file")
		}
		if block.Type == "CERTIFICATE" {
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("the certificate does not parse: %v", err)
			}
			return c, nil
		}
	}
}

// SetCertificate attaches cert, refusing one for another key.
func (k *Key) SetCertificate(cert *x509.Certificate) error {
	pub, ok := cert.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(k.Signer.Public()) {
		return errors.New("the certificate does not match the private key")
	}
	k.Cert = cert
	return nil
}

// SetAlg chooses the signing algorithm ("" keeps the key's default),
// refusing one the key cannot sign with.
func (k *Key) SetAlg(alg string) error {
	switch {
	case alg == "":
	case (alg == RS256 || alg == PS256) && k.isRSA(), alg == ES256 && !k.isRSA():
	default:
		return fmt.Errorf("signing algorithm %q does not fit a%s key", alg, map[bool]string{true: "n RSA", false: "n EC"}[k.isRSA()])
	}
	k.Alg = alg
	return nil
}

func (k *Key) isRSA() bool { _, ok := k.Signer.(*rsa.PrivateKey); return ok }

// Algorithm is the alg the assertions carry.
func (k *Key) Algorithm() string {
	switch {
	case k.Alg != "":
		return k.Alg
	case k.isRSA():
		return RS256
	}
	return ES256
}

// Type names the key for messages: "RSA 2048" or "EC P-256".
func (k *Key) Type() string {
	if r, ok := k.Signer.(*rsa.PrivateKey); ok {
		return fmt.Sprintf("RSA %d", r.N.BitLen())
	}
	return "EC P-256"
}

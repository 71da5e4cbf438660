package clientauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"time"
)

// AssertionType is the client_assertion_type of RFC 7523 section 2.2.
const AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// Lifetime is how long an assertion is valid: Camunda's Java client and
// Entra ID's examples use 5 minutes; servers refuse much longer ones.
const Lifetime = 5 * time.Minute

// Assertion signs a client assertion for one token request: iss = sub =
// clientID, aud = tokenURL, iat = now, exp = now + Lifetime and a random
// jti, so that a server which remembers jti values refuses a replay. Each
// request needs a new one. The result is as secret as a client secret.
func (k *Key) Assertion(clientID, tokenURL string, now time.Time) (string, error) {
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	hdr := map[string]string{"alg": k.Algorithm(), "typ": "JWT", "kid": k.KeyID()}
	if k.Cert != nil {
		s1, s256 := sha1.Sum(k.Cert.Raw), sha256.Sum256(k.Cert.Raw)
		hdr["x5t"] = b64(s1[:])
		hdr["x5t#S256"] = b64(s256[:])
	}
	claims := map[string]any{
		"iss": clientID, "sub": clientID, "aud": tokenURL,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(Lifetime).Unix(),
		"jti": b64(jti),
	}
	h, _ := json.Marshal(hdr)
	c, _ := json.Marshal(claims)
	input := b64(h) + "." + b64(c)
	sig, err := k.sign([]byte(input))
	if err != nil {
		return "", err
	}
	return input + "." + b64(sig), nil
}

// sign signs with the key's algorithm; ES256 signatures are r||s (RFC 7518
// section 3.4), not ASN.1.
func (k *Key) sign(input []byte) ([]byte, error) {
	digest := sha256.Sum256(input)
	switch k.Algorithm() {
	case RS256:
		return k.Signer.Sign(rand.Reader, digest[:], crypto.SHA256)
	case PS256:
		return k.Signer.Sign(rand.Reader, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256})
	case ES256:
		ec, ok := k.Signer.(*ecdsa.PrivateKey)
		if !ok {
			return nil, errors.New("ES256 needs an EC key")
		}
		r, s, err := ecdsa.Sign(rand.Reader, ec, digest[:])
		if err != nil {
			return nil, err
		}
		out := make([]byte, 64)
		r.FillBytes(out[:32])
		s.FillBytes(out[32:])
		return out, nil
	}
	return nil, errors.New("unsupported signing algorithm " + k.Algorithm())
}

// KeyID is the kid: the one set, else the RFC 7638 JWK thumbprint of the
// public key, which is also what JWKS prints.
func (k *Key) KeyID() string {
	if k.KID != "" {
		return k.KID
	}
	return Thumbprint(k.Signer.Public())
}

// Thumbprint is the RFC 7638 JWK thumbprint of pub: SHA-256 over the
// required members in lexicographic order, base64url without padding.
func Thumbprint(pub crypto.PublicKey) string {
	var canon string
	switch p := pub.(type) {
	case *rsa.PublicKey:
		canon = `{"e":"` + b64(big.NewInt(int64(p.E)).Bytes()) + `","kty":"RSA","n":"` + b64(p.N.Bytes()) + `"}`
	case *ecdsa.PublicKey:
		x, y := ecCoords(p)
		canon = `{"crv":"P-256","kty":"EC","x":"` + b64(x) + `","y":"` + b64(y) + `"}`
	default:
		return ""
	}
	sum := sha256.Sum256([]byte(canon))
	return b64(sum[:])
}

// ecCoords are a P-256 point's coordinates, 32 bytes each.
func ecCoords(p *ecdsa.PublicKey) (x, y []byte) {
	b, err := p.Bytes() // 0x04 || X || Y
	if err != nil || len(b) != 65 {
		return nil, nil
	}
	return b[1:33], b[33:]
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

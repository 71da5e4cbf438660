package clientauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

func pemOf(t *testing.T, typ string, der []byte, err error) []byte {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func noPassword() (string, error) { return "", errors.New("no password asked for PEM") }

// Every PEM form the issue names reads, with the key type it holds.
func TestParsePEM(t *testing.T) {
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p8r, err := x509.MarshalPKCS8PrivateKey(rk)
	p8e, err2 := x509.MarshalPKCS8PrivateKey(ek)
	sec1, err3 := x509.MarshalECPrivateKey(ek)
	for name, tc := range map[string]struct {
		pem  []byte
		want string
	}{
		"PKCS#8 RSA": {pemOf(t, "PRIVATE KEY", p8r, err), "RSA 2048"},
		"PKCS#1 RSA": {pemOf(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk), nil), "RSA 2048"},
		"PKCS#8 EC":  {pemOf(t, "PRIVATE KEY", p8e, err2), "EC P-256"},
		"SEC1 EC":    {pemOf(t, "EC PRIVATE KEY", sec1, err3), "EC P-256"},
	} {
		k, err := ParsePrivateKey(tc.pem, noPassword)
		if err != nil || k.Type() != tc.want {
			t.Errorf("%s: %v, %v; want a %s key", name, k, err, tc.want)
		}
	}
}

// Keys this helper cannot use are refused with a reason.
func TestParseRefused(t *testing.T) {
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p8ed, err := x509.MarshalPKCS8PrivateKey(ed)
	sec384, err2 := x509.MarshalECPrivateKey(p384)
	for name, tc := range map[string]struct {
		data []byte
		want string
	}{
		"garbage":     {[]byte("not a key"), "not a PEM private key or a PKCS#12 file"},
		"truncated":   {[]byte("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"), "does not parse"},
		"certificate": {[]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"), "not a private key"},
		"RSA 1024":    {pemOf(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(small), nil), "at least 2048"},
		"Ed25519":     {pemOf(t, "PRIVATE KEY", p8ed, err), "unsupported key type"},
		"P-384":       {pemOf(t, "EC PRIVATE KEY", sec384, err2), "only P-256"},
		"encrypted":   {[]byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n"), "encrypted"},
		"not PKCS#12": {[]byte{0x30, 0x03, 0x02, 0x01, 0x00}, "not a PEM private key or a PKCS#12 file"},
	} {
		_, err := ParsePrivateKey(tc.data, func() (string, error) { return "", nil })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want an error with %q", name, err, tc.want)
		}
	}
}

// A PKCS#12 file gives its key and certificate with the right password,
// and ErrPassword with a wrong one.
func TestParsePKCS12(t *testing.T) {
	k, err := Generate(TypeRSA, "cid", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pfx, err := pkcs12.Modern.Encode(k.Signer, k.Cert, nil, "pa55 word")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParsePrivateKey(pfx, func() (string, error) { return "pa55 word", nil })
	if err != nil || got.Cert == nil || !got.Cert.Equal(k.Cert) || !got.Signer.Public().(*rsa.PublicKey).Equal(k.Signer.Public()) {
		t.Fatalf("PKCS#12 = %v, %v; want the key and its certificate", got, err)
	}
	if _, err := ParsePrivateKey(pfx, func() (string, error) { return "wrong", nil }); !errors.Is(err, ErrPassword) {
		t.Errorf("wrong password: %v; want ErrPassword", err)
	}
}

// A certificate of another key is refused.
func TestCertificateMismatch(t *testing.T) {
	a, _ := Generate(TypeEC, "cid", time.Now())
	b, _ := Generate(TypeEC, "cid", time.Now())
	if err := a.SetCertificate(b.Cert); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("SetCertificate(other key's certificate) = %v; want a mismatch", err)
	}
	c, err := ParseCertificate(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.Cert.Raw}))
	if err != nil || a.SetCertificate(c) != nil {
		t.Errorf("the key's own certificate: %v", err)
	}
}

// RFC 7638 section 3.1's example key has the thumbprint the RFC gives.
func TestThumbprintRFC7638(t *testing.T) {
	n, _ := base64.RawURLEncoding.DecodeString("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: 65537}
	if got, want := Thumbprint(pub), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"; got != want {
		t.Errorf("Thumbprint = %s; want %s", got, want)
	}
}

// The keychain form of a key signs as the original does, certificate
// included; an RSA key is kept as its primes.
func TestStoreRoundTrip(t *testing.T) {
	for _, kt := range []string{TypeRSA, TypeEC} {
		k, _ := Generate(kt, "cid", time.Now())
		der, err := k.MarshalPrivate()
		if err != nil {
			t.Fatal(err)
		}
		got, err := UnmarshalPrivate(der, k.Cert.Raw)
		if err != nil {
			t.Fatalf("%s: %v", kt, err)
		}
		a, err := got.Assertion("cid", "https://idp.example.com/token", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		verify(t, a, k.Signer.Public())
		if got.Fingerprint() != k.Fingerprint() || got.KeyID() != k.KeyID() {
			t.Errorf("%s: the stored key's fingerprint or kid differ", kt)
		}
		if kt == TypeRSA && len(der) > 300 {
			t.Errorf("an RSA-2048 key takes %d bytes of DER; want its primes (< 300)", len(der))
		}
	}
	if _, err := UnmarshalPrivate([]byte{0x30, 0x00}, nil); err == nil {
		t.Error("an empty key parsed")
	}
}

// verify checks a's signature with pub and returns its header and claims.
func verify(t *testing.T, a string, pub crypto.PublicKey) (hdr, claims map[string]any) {
	t.Helper()
	p := strings.Split(a, ".")
	if len(p) != 3 {
		t.Fatalf("assertion %q is not a JWS", a)
	}
	for i, v := range []*map[string]any{&hdr, &claims} {
		b, _ := base64.RawURLEncoding.DecodeString(p[i])
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
	}
	sig, _ := base64.RawURLEncoding.DecodeString(p[2])
	d := sha256.Sum256([]byte(p[0] + "." + p[1]))
	var ok bool
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if hdr["alg"] == PS256 {
			ok = rsa.VerifyPSS(k, crypto.SHA256, d[:], sig, nil) == nil
		} else {
			ok = rsa.VerifyPKCS1v15(k, crypto.SHA256, d[:], sig) == nil
		}
	case *ecdsa.PublicKey:
		ok = len(sig) == 64 && ecdsa.Verify(k, d[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
	}
	if !ok {
		t.Fatalf("the %v signature does not verify", hdr["alg"])
	}
	return hdr, claims
}

// An assertion carries what RFC 7523 and Entra ID ask for.
func TestAssertion(t *testing.T) {
	k, _ := Generate(TypeRSA, "cid", time.Now())
	now := time.Unix(1_800_000_000, 0)
	a1, _ := k.Assertion("cid", "https://idp.example.com/token", now)
	a2, _ := k.Assertion("cid", "https://idp.example.com/token", now)
	hdr, claims := verify(t, a1, k.Signer.Public())
	_, claims2 := verify(t, a2, k.Signer.Public())
	s1, s256 := sha1.Sum(k.Cert.Raw), sha256.Sum256(k.Cert.Raw)
	if hdr["alg"] != RS256 || hdr["kid"] != k.KeyID() || hdr["x5t"] != b64(s1[:]) || hdr["x5t#S256"] != b64(s256[:]) {
		t.Errorf("header %v", hdr)
	}
	if claims["iss"] != "cid" || claims["sub"] != "cid" || claims["aud"] != "https://idp.example.com/token" ||
		claims["iat"] != float64(now.Unix()) || claims["exp"] != float64(now.Add(5*time.Minute).Unix()) {
		t.Errorf("claims %v", claims)
	}
	if claims["jti"] == "" || claims["jti"] == claims2["jti"] {
		t.Errorf("jti %v then %v; want a new random one each time", claims["jti"], claims2["jti"])
	}
	if err := k.SetAlg(PS256); err != nil {
		t.Fatal(err)
	}
	a3, _ := k.Assertion("cid", "u", now)
	if hdr, _ := verify(t, a3, k.Signer.Public()); hdr["alg"] != PS256 {
		t.Errorf("alg %v; want PS256", hdr["alg"])
	}
	if err := k.SetAlg(ES256); err == nil {
		t.Error("ES256 accepted for an RSA key")
	}
	k.KID = "my-kid"
	if hdr, _ := verify(t, must(k.Assertion("cid", "u", now)), k.Signer.Public()); hdr["kid"] != "my-kid" {
		t.Errorf("kid %v; want my-kid", hdr["kid"])
	}
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}

// The JWKS names the key by the kid the assertions carry.
func TestJWKS(t *testing.T) {
	k, _ := Generate(TypeEC, "cid", time.Now())
	b, err := k.JWKS()
	if err != nil {
		t.Fatal(err)
	}
	var set struct{ Keys []map[string]any }
	if err := json.Unmarshal(b, &set); err != nil || len(set.Keys) != 1 {
		t.Fatalf("JWKS %s: %v", b, err)
	}
	j := set.Keys[0]
	if j["kid"] != k.KeyID() || j["kty"] != "EC" || j["crv"] != "P-256" || j["alg"] != ES256 || j["d"] != nil {
		t.Errorf("JWK %v", j)
	}
	if strings.Contains(string(b), "PRIVATE") || strings.Contains(string(k.PublicPEM()), "PRIVATE") {
		t.Error("the public parts hold a private key")
	}
}

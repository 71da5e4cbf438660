package tokenserver

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func testCert(t *testing.T) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "cid"}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return k, c
}

func signRS256(t *testing.T, k *rsa.PrivateKey, hdr, claims map[string]any) string {
	t.Helper()
	h, _ := json.Marshal(hdr)
	c, _ := json.Marshal(claims)
	in := b64(h) + "." + b64(c)
	d := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, d[:])
	if err != nil {
		t.Fatal(err)
	}
	return in + "." + b64(sig)
}

// The Entra-style check refuses each thing Entra ID refuses, so that a
// test passing against it means the helper's assertion is right.
func TestAssertionCheck(t *testing.T) {
	key, cert := testCert(t)
	otherKey, otherCert := testCert(t)
	s := New(t)
	s.RegisterCertificate("cid", cert)
	x5t := func(c *x509.Certificate) string { s := sha1.Sum(c.Raw); return b64(s[:]) }
	x5tS := func(c *x509.Certificate) string { s := sha256.Sum256(c.Raw); return b64(s[:]) }
	now := time.Now().Unix()
	good := func() (map[string]any, map[string]any) {
		return map[string]any{"alg": "RS256", "typ": "JWT", "x5t": x5t(cert), "x5t#S256": x5tS(cert)},
			map[string]any{"iss": "cid", "sub": "cid", "aud": s.URL, "iat": now, "exp": now + 300, "jti": "j-" + big.NewInt(time.Now().UnixNano()).String()}
	}
	post := func(clientID, assertion string) (int, string) {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID},
			"client_assertion_type": {assertionType}, "client_assertion": {assertion}}
		resp, err := http.PostForm(s.URL, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	h, c := good()
	valid := signRS256(t, key, h, c)
	if code, body := post("cid", valid); code != 200 {
		t.Fatalf("a valid assertion: %d %s", code, body)
	}
	if code, body := post("cid", valid); code != 401 || !strings.Contains(body, "replay") {
		t.Errorf("a replayed assertion: %d %s; want 401 (replay)", code, body)
	}
	for name, tc := range map[string]struct {
		edit func(h, c map[string]any)
		key  *rsa.PrivateKey
		want string
	}{
		"another certificate's x5t": {func(h, c map[string]any) { h["x5t"] = x5t(otherCert) }, key, "x5t does not name"},
		"no x5t":                    {func(h, c map[string]any) { delete(h, "x5t") }, key, "x5t does not name"},
		"wrong x5t#S256":            {func(h, c map[string]any) { h["x5t#S256"] = x5tS(otherCert) }, key, "x5t#S256"},
		"signed by another key":     {func(h, c map[string]any) {}, otherKey, "signature is invalid"},
		"alg none":                  {func(h, c map[string]any) { h["alg"] = "none" }, key, "signature is invalid"},
		"aud another URL":           {func(h, c map[string]any) { c["aud"] = s.Root + "/other" }, key, "aud must be"},
		"iss another client":        {func(h, c map[string]any) { c["iss"] = "other" }, key, "iss and sub"},
		"expired":                   {func(h, c map[string]any) { c["iat"], c["exp"] = now-600, now-300 }, key, "expired"},
		"10 minutes":                {func(h, c map[string]any) { c["exp"] = now + 600 }, key, "longer than 5 minutes"},
		"from the future":           {func(h, c map[string]any) { c["iat"], c["exp"] = now+600, now+800 }, key, "not valid yet"},
		"no jti":                    {func(h, c map[string]any) { delete(c, "jti") }, key, "lacks exp, iat or jti"},
	} {
		h, c := good()
		tc.edit(h, c)
		if code, body := post("cid", signRS256(t, tc.key, h, c)); code != 401 || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s; want 401 with %q", name, code, body, tc.want)
		}
	}
	h, c = good()
	c["iss"], c["sub"] = "unknown", "unknown"
	if code, body := post("unknown", signRS256(t, key, h, c)); code != 401 || !strings.Contains(body, "no certificate is registered") {
		t.Errorf("an unregistered client: %d %s", code, body)
	}
}

package helper

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/clientauth"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

// keyServer is the fake endpoint with client cid registered by the
// certificate of a new key, which it returns.
func keyServer(t *testing.T, keyType string) (*tokenserver.Server, *clientauth.Key) {
	t.Helper()
	k, err := clientauth.Generate(keyType, "cid", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s := tokenserver.New(t)
	s.RegisterCertificate("cid", k.Cert)
	return s, k
}

func keyLogin(t *testing.T, h *Core, s *tokenserver.Server, k *clientauth.Key) {
	t.Helper()
	if _, err := h.Login(context.Background(), LoginParams{ClientID: ptr("cid"), TokenURL: ptr(s.URL), Key: k}); err != nil {
		t.Fatalf("Login with a key = %v", err)
	}
}

// A key profile authenticates every request with a new assertion that the
// fake endpoint verifies as Entra ID does, and never sends a client secret.
func TestKeyLoginAndToken(t *testing.T) {
	for _, kt := range []string{clientauth.TypeRSA, clientauth.TypeEC} {
		t.Run(kt, func(t *testing.T) {
			s, k := keyServer(t, kt)
			h := newTestHelper(t)
			keyLogin(t, h, s, k)
			mustToken(t, h, credential.Request{ForceRefresh: true})
			mustToken(t, h, credential.Request{ForceRefresh: true})
			reqs := s.Requests()
			if len(reqs) != 3 {
				t.Fatalf("requests = %d; want 3", len(reqs))
			}
			seen := map[string]bool{}
			for i, r := range reqs {
				if r.Auth != "private_key_jwt" || r.ClientID != "cid" || r.Form.Has("client_secret") {
					t.Errorf("request %d: auth %q, client %q, client_secret sent %v; want private_key_jwt for cid and no secret", i+1, r.Auth, r.ClientID, r.Form.Has("client_secret"))
				}
				a := r.Form.Get("client_assertion")
				if seen[a] {
					t.Errorf("request %d reuses an assertion", i+1)
				}
				seen[a] = true
			}
			cfg, err := config.Load(h.ConfigPath)
			if err != nil || cfg.Profiles["default"].AuthMethod != config.AuthKey {
				t.Fatalf("profile = %+v, %v; want auth_method private_key_jwt", cfg.Profiles["default"], err)
			}
		})
	}
}

// Every attempt of one fetch signs a new assertion: a server that saw the
// first one's jti would refuse it again.
func TestKeyRetryNewAssertion(t *testing.T) {
	s, k := keyServer(t, clientauth.TypeEC)
	h := newTestHelper(t)
	keyLogin(t, h, s, k)
	s.MustSet(t, "retryafter", "0")
	mustToken(t, h, credential.Request{ForceRefresh: true})
	reqs := s.Requests()
	if len(reqs) != 3 {
		t.Fatalf("requests = %d; want 3 (login, 429, retry)", len(reqs))
	}
	j2, _ := reqs[1].Field("assertion.claim.jti")
	j3, _ := reqs[2].Field("assertion.claim.jti")
	if j2 == "" || j2 == j3 {
		t.Errorf("the retry sent jti %q after %q; want a new one", j3, j2)
	}
}

// A token endpoint that quotes the assertion in its error does not get it
// shown: neither whole nor its signature alone.
func TestKeyAssertionRedacted(t *testing.T) {
	s, k := keyServer(t, clientauth.TypeRSA)
	h := newTestHelper(t)
	keyLogin(t, h, s, k)
	var sent string
	s.Respond(func(w http.ResponseWriter, r *http.Request, n int) {
		_ = r.ParseForm()
		sent = r.PostForm.Get("client_assertion")
		sig := sent[strings.LastIndexByte(sent, '.')+1:]
		tokenserver.OAuthError(w, http.StatusUnauthorized, "invalid_client", "bad assertion "+sent+" signature "+sig)
	})
	_, err := h.Token(context.Background(), credential.Request{ForceRefresh: true})
	wantKind(t, err, credential.KindRejected)
	if sent == "" {
		t.Fatal("no assertion was sent")
	}
	wantNoLeak(t, "error", err.Error(), sent, sent[strings.LastIndexByte(sent, '.')+1:])
	if !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("error %q; want the server's text with the assertion cut out", err)
	}
}

// A new key for the same profile never gets the token cached for the old
// one: the cache key holds the key's fingerprint.
func TestKeyRotationCacheKey(t *testing.T) {
	s, k1 := keyServer(t, clientauth.TypeEC)
	h := newTestHelper(t)
	keyLogin(t, h, s, k1)
	t1 := mustToken(t, h, credential.Request{})
	k2, err := clientauth.Generate(clientauth.TypeEC, "cid", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s.RegisterCertificate("cid", k2.Cert)
	// Behind login's back (login drops the tokens): the key alone must
	// decide.
	c := creds{TokenURL: s.URL, ClientID: "cid", Key: k2}
	if err := h.Secrets.Set(context.Background(), "default", mustEncode(t, c, "")); err != nil {
		t.Fatal(err)
	}
	t2 := mustToken(t, sibling(h), credential.Request{})
	if t2.AccessToken == t1.AccessToken {
		t.Errorf("the new key got the old key's cached token %q", t1.AccessToken)
	}
	a := creds{ClientID: "cid", Key: k1}.identity()
	b := creds{ClientID: "cid", Key: k2}.identity()
	if a == b || strings.Contains(a.Secret, "PRIVATE") {
		t.Errorf("identities of two keys: %+v and %+v; want them to differ", a, b)
	}
}

// An RSA-2048 key with its certificate fits a Windows Credential Manager
// entry, with an Entra ID token URL and client ID; a larger one is refused
// at login, before any request, and nothing is stored.
func TestKeyEntrySize(t *testing.T) {
	k, err := clientauth.Generate(clientauth.TypeRSA, "3f2b7c1e-9a4d-4e8b-b6f1-2c5d8e9a0b1c", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	entra := "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token"
	v := mustEncode(t, creds{TokenURL: entra, ClientID: "3f2b7c1e-9a4d-4e8b-b6f1-2c5d8e9a0b1c", Key: k}, "")
	t.Logf("RSA-2048 key with its certificate: %d bytes in the keychain (limit %d)", len(v), maxEntry)
	if len(v) > maxEntry-300 {
		t.Errorf("an RSA-2048 key with its certificate takes %d bytes; want room under %d", len(v), maxEntry)
	}
	secret, k2, err := openSecret(creds{Profile: "p", TokenURL: entra, ClientID: "3f2b7c1e-9a4d-4e8b-b6f1-2c5d8e9a0b1c", AuthMethod: config.AuthKey}, "", v)
	if err != nil || secret != "" || !k2.Signer.Public().(*rsa.PublicKey).Equal(k.Signer.Public()) || !k2.Cert.Equal(k.Cert) {
		t.Fatalf("the stored key does not come back: %v", err)
	}

	big4096 := bigKey(t)
	s := tokenserver.New(t)
	h := newTestHelper(t)
	_, err = h.Login(context.Background(), LoginParams{ClientID: ptr("cid"), TokenURL: ptr(s.URL), Key: big4096})
	e := wantKind(t, err, credential.KindUsage)
	if !strings.Contains(e.Msg, "RSA 4096 key with its certificate takes") || !strings.Contains(e.Msg, "2560") {
		t.Errorf("error %q; want the size and the limit", e.Msg)
	}
	if s.Count() != 0 {
		t.Errorf("%d requests; want none before the size check", s.Count())
	}
	if _, err := h.Secrets.Get(context.Background(), "default"); err == nil {
		t.Error("something was stored")
	}
}

// bigKey is an RSA-4096 key with a certificate naming 20 hosts: too large
// for the entry.
func bigKey(t *testing.T) *clientauth.Key {
	r, err := rsa.GenerateKey(rand.Reader, 4096)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "a-long-client-name-for-a-certificate"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	for i := range 20 {
		tmpl.DNSNames = append(tmpl.DNSNames, fmt.Sprintf("host-%02d.camunda-credential-helper.example.com", i))
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, r.Public(), r)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &clientauth.Key{Signer: r, Cert: cert}
}

// A profile whose config says private_key_jwt but whose keychain holds a
// secret (or the other way round) is refused, not guessed at.
func TestKeyMethodMismatch(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	k := &clientauth.Key{Signer: ec}
	c := creds{Profile: "p", TokenURL: "https://idp.example.com/t", ClientID: "cid"}
	withKey := mustEncode(t, creds{TokenURL: c.TokenURL, ClientID: "cid", Key: k}, "")
	withSecret := mustEncode(t, creds{TokenURL: c.TokenURL, ClientID: "cid", Secret: "s3cr3t"}, "")
	c.AuthMethod = config.AuthPost
	if _, _, err := openSecret(c, "", withKey); err == nil {
		t.Error("a key opened for a client_secret_post profile")
	}
	c.AuthMethod = config.AuthKey
	if _, _, err := openSecret(c, "", withSecret); err == nil {
		t.Error("a secret opened for a private_key_jwt profile")
	}
}

package cli

// TestOIDCProvider runs the built binary against a real authorization
// server nobody here wrote: oidc-provider, pinned in testdata/oidc
// (installed by `scripts/test deps` with npm ci), whose clients
// authenticate with private_key_jwt only, their keys looked up by kid in
// their JWKS, and whose replay detection refuses an assertion's jti the
// second time. login finds the token endpoint by OIDC discovery.

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/clientauth"
)

const oidcDir = "../../testdata/oidc"

// oidcKey is a key of one client: its PEM file and its JWKS.
func oidcKey(t *testing.T, dir, keyType, kid string) (*clientauth.Key, string) {
	t.Helper()
	k, err := clientauth.Generate(keyType, "x", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	k.Cert, k.KID = nil, kid // a Keycloak-style client: a JWKS, no certificate
	p8, err := x509.MarshalPKCS8PrivateKey(k.Signer)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, keyType+".pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}), 0o600); err != nil {
		t.Fatal(err)
	}
	return k, path
}

// startProvider runs testdata/oidc/provider.mjs with clients (id → key)
// and returns its issuer.
func startProvider(t *testing.T, dir string, clients map[string]*clientauth.Key) string {
	t.Helper()
	abs, err := filepath.Abs(oidcDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(abs, "node_modules", "oidc-provider", "package.json")); err != nil {
		sdkSkip(t, "oidc-provider is not installed in testdata/oidc (run: scripts/test deps, which needs npm)")
	}
	sdk, _ := filepath.Abs(sdkDir)
	node, version := sdkNode(t, sdk, "any")
	var list []map[string]any
	for id, k := range clients {
		b, err := k.JWKS()
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, map[string]any{"client_id": id, "jwks": json.RawMessage(b)})
	}
	file := filepath.Join(dir, "clients.json")
	b, _ := json.Marshal(list)
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, node, filepath.Join(abs, "provider.mjs"), file)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if iss, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
				ready <- iss
			}
		}
	}()
	select {
	case iss := <-ready:
		t.Logf("oidc-provider %s under node %s at %s", sdkVersion(t, abs, "oidc-provider"), version, iss)
		return iss
	case <-time.After(20 * time.Second):
		t.Fatal("oidc-provider did not start")
	}
	return ""
}

func TestOIDCProvider(t *testing.T) {
	requireBinaryTests(t)
	dir := t.TempDir()
	ec, ecFile := oidcKey(t, dir, clientauth.TypeEC, "")
	rsa, rsaFile := oidcKey(t, dir, clientauth.TypeRSA, "rsa-key-1")
	rsa.Alg = clientauth.PS256 // its JWK says so
	issuer := startProvider(t, dir, map[string]*clientauth.Key{"ec-client": ec, "rsa-client": rsa})
	exe := buildBinary(t)
	s := newSandbox(t, exe)

	// Discovery finds the token endpoint; the EC key's kid is its RFC 7638
	// thumbprint, which the provider finds in the client's JWKS.
	r := s.run("", nil, "--profile", "ec", "login", "--client-id", "ec-client", "--issuer", issuer, "--audience", "", "--private-key", ecFile)
	if r.code != 0 {
		t.Fatalf("login --issuer with an EC key: exit %d\n%s", r.code, r.stderr)
	}
	b, err := os.ReadFile(s.configPath())
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(b)
	if !strings.Contains(cfg, `issuer = '`+issuer+`'`) || !strings.Contains(cfg, `token_url = '`+issuer+`/token'`) || !strings.Contains(cfg, "private_key_jwt") {
		t.Errorf("config after login --issuer:\n%s", cfg)
	}
	// Each token request carries a new jti: the provider refuses a seen one.
	for i := range 3 {
		if r := s.run("", nil, "--profile", "ec", "token", "--format", "raw", "--force-refresh"); r.code != 0 || r.stdout == "" {
			t.Fatalf("token %d: exit %d\n%s", i+1, r.code, r.stderr)
		}
	}
	r = s.run("", nil, "--profile", "ec", "public-key", "--format", "jwks")
	if r.code != 0 || !strings.Contains(r.stdout, `"kid": "`+ec.KeyID()+`"`) {
		t.Errorf("public-key --format jwks does not name the registered kid %s:\n%s", ec.KeyID(), r.stdout)
	}

	// An RSA key under a kid of the provider's choosing, signed PS256.
	r = s.run("", nil, "--profile", "rsa", "login", "--client-id", "rsa-client", "--issuer", issuer, "--audience", "",
		"--private-key", rsaFile, "--key-id", "rsa-key-1", "--signing-alg", "PS256")
	if r.code != 0 {
		t.Fatalf("login with an RSA key and --key-id: exit %d\n%s", r.code, r.stderr)
	}
	// The wrong kid: the provider finds no key, login fails, nothing stored.
	r = s.run("", nil, "--profile", "wrong", "login", "--client-id", "rsa-client", "--issuer", issuer, "--audience", "",
		"--private-key", rsaFile, "--key-id", "another-kid")
	if r.code != 4 || !strings.Contains(r.stderr, "invalid_client") {
		t.Errorf("login with a kid the JWKS lacks: exit %d; want 4 (invalid_client)\n%s", r.code, r.stderr)
	}
	if r := s.run("", nil, "--profile", "wrong", "token"); r.code == 0 {
		t.Error("the refused login stored something")
	}

	// The provider's replay detection, which makes a new jti per request
	// necessary: one assertion, sent twice.
	a, err := ec.Assertion("ec-client", issuer+"/token", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"ec-client"},
		"client_assertion_type": {clientauth.AssertionType}, "client_assertion": {a}}
	for i, want := range []int{http.StatusOK, http.StatusUnauthorized} {
		resp, err := http.PostForm(issuer+"/token", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("assertion sent the %d. time: HTTP %d; want %d", i+1, resp.StatusCode, want)
		}
	}
}

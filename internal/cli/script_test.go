package cli

// End-to-end tests: testdata/script/*.txtar run the real binary (this test
// binary re-executed as "camunda-credential-helper") against the fake token
// server of internal/tokenserver and a real, throwaway Secret Service.
//
// Run one script: scripts/with-keyring go test -run 'TestScript/^login_token$' .
// Rewrite the expected files of failing cmp lines: add -update.
//
// Each script gets:
//
//	HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME   fresh dirs under $WORK
//	XDG_RUNTIME_DIR                         a fresh short dir: the script's own token agent
//	CAMUNDA_CREDENTIAL_HELPER_SERVICE       a keychain service name of its own
//	TOKEN_URL                               the fake token endpoint (client cid, secret s3cr3t)
//	TLS_TOKEN_URL                           the same over https; its CA's certificate is $WORK/tls-ca.pem
//	TOKEN_ROOT                              its root: an OIDC issuer (tokenserver discovery)
//	CAPTURE_URL                             the target of "tokenserver redirect"
//	BUS_SOCKET                              the socket of the private session bus
//
// and these commands besides testscript's own (all take "!" to negate unless
// said otherwise):
//
//	tokenserver MODE [ARGS]       change the fake server's answers (see tokenserver.Modes); no "!"
//	tokenrequests N               the server has received N requests
//	tokenrequest K FIELD VALUE    request K (from 1) has FIELD = VALUE; FIELD is
//	                              audience, scope, resource, client_id, grant_type,
//	                              method, auth (post|basic|private_key_jwt|post+basic|none),
//	                              form.NAME, or assertion.header.NAME / assertion.claim.NAME
//	                              (the client assertion's, undecoded JSON values as text)
//	captured N                    the redirect target has received N requests
//	captured secret               some request to the redirect target carried a client secret
//	keychain has PROFILE          a secret is stored for PROFILE under the script's service
//	keychain absent PROFILE       none is stored
//	keychain get PROFILE VALUE    the stored entry is a login's envelope whose secret equals
//	                              VALUE (never printed)
//	keychain bound PROFILE URL ID the stored envelope binds the secret to token URL URL and
//	                              client ID ID
//	keychain set PROFILE VALUE    store VALUE as is, as an earlier version or another
//	                              program would; no "!"
//	nocanary PATH...              $CANARY (and its URL-encoded form) appears in no named
//	                              file, in no file or file name under a named dir, and not
//	                              in stdout/stderr when those names are given
//	exitcode N PROG [ARGS]        run PROG like exec and require exit status N; no "!"
//	pkcs12 KEY CERT PASSWORD OUT  write a PKCS#12 file of the PEM key and certificate; no "!"
//
// and these programs besides the binaries under test, for exec:
//
//	oauthclient [wrong-secret]    an SDK's client-credentials grant with exec --serve's variables
//	nokeyctl PROG [ARGS]          PROG where the key syscalls fail with EPERM, as under
//	                              Docker's default seccomp profile (Linux)

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/fastclient"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/keyringtest"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/otheruser"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

var updateScripts = flag.Bool("update", false, "rewrite the expected output in testdata/script/*.txtar")

func TestMain(m *testing.M) {
	otheruser.Main() // this binary as another local user (internal/otheruser)
	if path := os.Getenv(envRawDial); path != "" {
		rawDial(path) // agent_uid_test.go: this binary as a foreign process
		os.Exit(0)
	}
	testscript.Main(m, map[string]func(){
		"camunda-credential-helper":      runMain,
		"camunda-credential-helper-fast": func() { fastclient.Main(Version) },
		"oauthclient":                    oauthClient,
		"nokeyctl":                       noKeyctl,
	})
}

// runMain is the binary's main, for testscript's commands and the shims.
func runMain() { os.Exit(Main(Version)) }

// requireTestKeyring skips (or, under CI, fails) unless the test runs inside
// scripts/with-keyring: the binary under test uses the real OS keychain.
func requireTestKeyring(t *testing.T) {
	t.Helper()
	keyringtest.Require(t, "scripts/with-keyring go test .")
}

func TestScript(t *testing.T) {
	requireTestKeyring(t)
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		Setup:               setupScript,
		Cmds:                scriptCmds,
		UpdateScripts:       *updateScripts,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
	})
}

// scriptState is what the custom commands of one script share.
type scriptState struct {
	server  *tokenserver.Server
	service string
}

type scriptStateKey struct{}

func state(ts *testscript.TestScript) *scriptState {
	return ts.Value(scriptStateKey{}).(*scriptState)
}

func setupScript(e *testscript.Env) error {
	t, ok := e.T().(testing.TB)
	if !ok {
		return errors.New("testscript did not hand Setup a testing.TB")
	}
	for _, v := range []struct{ key, dir string }{
		{"HOME", "home"}, {"XDG_CONFIG_HOME", "config"}, {"XDG_CACHE_HOME", "cache"},
	} {
		dir := filepath.Join(e.WorkDir, v.dir)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		e.Setenv(v.key, dir)
	}
	// The private Secret Service of scripts/with-keyring; nothing else of the
	// caller's environment reaches the scripts.
	for _, key := range []string{"DBUS_SESSION_BUS_ADDRESS", "CCH_TEST_KEYRING"} {
		if v, ok := os.LookupEnv(key); ok {
			e.Setenv(key, v)
		}
	}
	if sock, ok := strings.CutPrefix(os.Getenv("DBUS_SESSION_BUS_ADDRESS"), "unix:path="); ok {
		sock, _, _ = strings.Cut(sock, ",")
		e.Setenv("BUS_SOCKET", sock)
	}
	// A runtime directory, and so a token agent, of the script's own.
	e.Setenv("XDG_RUNTIME_DIR", agentRuntimeDir(t, e.Defer))

	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	name := strings.TrimPrefix(filepath.Base(e.WorkDir), "script-")
	st := &scriptState{
		server:  tokenserver.New(t),
		service: "cch-test-" + name + "-" + hex.EncodeToString(b),
	}
	e.Values[scriptStateKey{}] = st
	e.Setenv("CAMUNDA_CREDENTIAL_HELPER_SERVICE", st.service)
	e.Setenv("TOKEN_URL", st.server.URL)
	e.Setenv("TOKEN_ROOT", st.server.Root)
	e.Setenv("TLS_TOKEN_URL", st.server.TLSURL)
	if err := os.WriteFile(filepath.Join(e.WorkDir, "tls-ca.pem"), st.server.CAPEM, 0o600); err != nil {
		return err
	}
	e.Setenv("CAPTURE_URL", st.server.CaptureURL)
	e.Defer(func() { clearService(t, st.service); keyringtest.PurgeKernelKeys(t, st.service) })
	return nil
}

// clearService deletes whatever a script left in the keychain under its
// service name.
func clearService(t testing.TB, service string) {
	if _, err := exec.LookPath("secret-tool"); err == nil {
		// secret-tool exits 1, silently, when nothing matched.
		out, err := exec.Command("secret-tool", "clear", "service", service).CombinedOutput()
		var exit *exec.ExitError
		if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1 && len(out) == 0) {
			t.Errorf("secret-tool clear service %s: %v: %s", service, err, out)
		}
		return
	}
	if err := (keystore.Keyring{Service: service}).Delete(context.Background(), "default"); err != nil {
		t.Errorf("cleanup: delete %s/default: %v", service, err)
	}
}

var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"tokenserver":   cmdTokenServer,
	"tokenrequests": cmdTokenRequests,
	"tokenrequest":  cmdTokenRequest,
	"captured":      cmdCaptured,
	"keychain":      cmdKeychain,
	"nocanary":      cmdNoCanary,
	"exitcode":      cmdExitCode,
	"pkcs12":        cmdPKCS12,
}

func cmdTokenServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! tokenserver")
	}
	ts.Check(state(ts).server.Set(args...))
}

func cmdTokenRequests(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: tokenrequests N")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := len(state(ts).server.Requests())
	if (got == want) == neg {
		if neg {
			ts.Fatalf("the token server received %d requests; want any other number", got)
		}
		ts.Fatalf("the token server received %d requests; want %d", got, want)
	}
}

func cmdTokenRequest(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: tokenrequest K FIELD VALUE")
	}
	k, err := strconv.Atoi(args[0])
	ts.Check(err)
	reqs := state(ts).server.Requests()
	if k < 1 || k > len(reqs) {
		ts.Fatalf("no request %d: the token server received %d", k, len(reqs))
	}
	got, ok := reqs[k-1].Field(args[1])
	if !ok {
		ts.Fatalf("unknown field %q (audience, scope, resource, client_id, grant_type, method, auth, form.NAME, assertion.header.NAME, assertion.claim.NAME)", args[1])
	}
	if args[1] == "form.client_secret" || args[1] == "form.client_assertion" {
		ts.Fatalf("use keychain get or nocanary for secrets; tokenrequest would print it")
	}
	if (got == args[2]) == neg {
		if neg {
			ts.Fatalf("request %d has %s %q", k, args[1], got)
		}
		ts.Fatalf("request %d has %s %q; want %q", k, args[1], got, args[2])
	}
}

func cmdCaptured(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: captured N | captured secret")
	}
	s := state(ts).server
	captured := s.Captured()
	if args[0] == "secret" {
		found := false
		for _, c := range captured {
			for _, secret := range s.Secrets() {
				found = found || c.CarriesSecret(secret)
			}
		}
		if found != !neg {
			if neg {
				ts.Fatalf("a client secret reached the redirect target")
			}
			ts.Fatalf("no client secret reached the redirect target (%d requests)", len(captured))
		}
		return
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	if (len(captured) == want) == neg {
		ts.Fatalf("the redirect target received %d requests; want %s%d", len(captured), map[bool]string{true: "not "}[neg], want)
	}
}

func cmdNoCanary(ts *testscript.TestScript, neg bool, args []string) {
	canary := ts.Getenv("CANARY")
	if canary == "" || len(args) == 0 {
		ts.Fatalf("usage: env CANARY=secret; nocanary FILE|DIR|stdout|stderr...")
	}
	forms := []string{canary, url.QueryEscape(canary)}
	contains := func(s string) bool {
		for _, f := range forms {
			if strings.Contains(s, f) {
				return true
			}
		}
		return false
	}
	var leaks []string
	for _, arg := range args {
		if arg == "stdout" || arg == "stderr" {
			if contains(ts.ReadFile(arg)) {
				leaks = append(leaks, arg)
			}
			continue
		}
		root := ts.MkAbs(arg)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if contains(d.Name()) {
				leaks = append(leaks, path+" (name)")
			}
			if !d.Type().IsRegular() {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if contains(string(b)) {
				leaks = append(leaks, path)
			}
			return nil
		})
		ts.Check(err)
	}
	switch {
	case len(leaks) > 0 && !neg:
		ts.Fatalf("$CANARY leaked into: %s", strings.Join(leaks, ", "))
	case len(leaks) == 0 && neg:
		ts.Fatalf("$CANARY appears in none of %s", strings.Join(args, ", "))
	}
}

func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N PROG [ARGS...] (no !)")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	if err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = exit.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d; want %d", args[1], got, want)
	}
}

package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// TestVerbose runs every protocol's token call of the built binary three
// ways: plain, with --verbose, and with CAMUNDA_CREDENTIAL_HELPER_DEBUG=1.
// stdout and the exit status are the same each way (a tool reading stdout
// never sees the trace); stderr carries one trace line per decision, with
// the agent's own decisions relayed into it; and neither the client secret
// nor the token ever appears there.
func TestVerbose(t *testing.T) {
	requireBinaryTests(t)
	t.Parallel()
	exe := buildBinary(t)
	for _, agent := range []bool{false, true} {
		t.Run(fmt.Sprintf("agent=%v", agent), func(t *testing.T) { testVerbose(t, exe, agent) })
	}
}

func testVerbose(t *testing.T, exe string, agent bool) {
	const secret, token = "VERBOSE-s3cr3t-c4n4ry", "VERBOSE-t0ken-c4n4ry"
	s := newSandbox(t, exe)
	if !agent {
		s.env = []string{"CAMUNDA_CREDENTIAL_HELPER_AGENT=off"}
	}
	ts := tokenserver.New(t)
	ts.MustSet(t, "secret", secret)
	ts.MustSet(t, "issue", token)
	login := []string{"login", "--client-id", "cid", "--oauth-url", ts.URL, "--client-secret-stdin",
		"--host", "git.example", "--host", "reg.example", "--host", "tf.example", "--host", "bazel.example"}
	if r := s.run(secret+"\n", nil, login...); r.code != 0 {
		t.Fatalf("login: exit %d: %s", r.code, r.stderr)
	}
	if agent {
		t.Cleanup(func() { s.run("", nil, "agent", "stop") })
	}
	noLeak := func(what, stderr string) {
		t.Helper()
		for _, v := range []string{secret, token} {
			if strings.Contains(stderr, v) {
				t.Errorf("%s: stderr holds %q:\n%s", what, v, stderr)
			}
		}
	}
	// A miss: the request and, with the agent, its start and its lines.
	r := s.run("", nil, "--verbose", "token", "--force-refresh")
	noLeak("token --force-refresh", r.stderr)
	want := []string{"profile: the caller's choice", `profile: "default": the caller's default`, "credentials: profile \"default\"",
		"keychain: read profile \"default\"'s secret in", "cache: skipped: --force-refresh", "request: POST " + ts.URL, ": 200 OK in", "token: fetched"}
	if agent {
		want = append(want, "agent: none listens in", "[agent] process: pid", "[agent] request: POST", "agent: answered in")
	} else {
		want = append(want, "agent: not asked: CAMUNDA_CREDENTIAL_HELPER_AGENT turns it off", "direct: this process gets the token itself")
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("token --force-refresh --verbose: no %q in the trace:\n%s", w, r.stderr)
		}
	}

	gitReq := "protocol=https\nhost=git.example\npath=org/repo.git\n\n"
	for _, call := range []struct {
		args  []string
		stdin string
		hit   bool // served from the cache
	}{
		{[]string{"token"}, "", true},
		{[]string{"token", "--format", "raw"}, "", true},
		{[]string{"get"}, `{"url":"https://git.example/x"}`, true},
		{[]string{"git", "get"}, gitReq, true},
		{[]string{"docker", "get"}, "reg.example", true},
		{[]string{"kubectl"}, "", true},
		{[]string{"bazel", "get"}, `{"uri":"https://bazel.example/pkg.tar.gz"}`, true},
		{[]string{"terraform", "get", "tf.example"}, "", true},
		{[]string{"git", "get"}, "protocol=https\nhost=unrouted.example\n\n", false},
		{[]string{"--profile", "nobody", "token"}, "", false},
	} {
		name := strings.Join(call.args, " ")
		plain := s.run(call.stdin, nil, call.args...)
		verbose := s.run(call.stdin, nil, append([]string{"--verbose"}, call.args...)...)
		debug := s.run(call.stdin, []string{trace.EnvDebug + "=1"}, call.args...)
		for _, v := range []struct {
			how string
			r   result
		}{{"--verbose", verbose}, {trace.EnvDebug + "=1", debug}} {
			if v.r.stdout != plain.stdout || v.r.code != plain.code {
				t.Errorf("%s with %s: exit %d, stdout %q; want exit %d, stdout %q as without", name, v.how, v.r.code, v.r.stdout, plain.code, plain.stdout)
			}
			noLeak(name+" "+v.how, v.r.stderr)
			if !strings.Contains(v.r.stderr, trace.Prefix+"profile: ") {
				t.Errorf("%s with %s: no profile decision in the trace:\n%s", name, v.how, v.r.stderr)
			}
		}
		if strings.Contains(plain.stderr, trace.Prefix) {
			t.Errorf("%s without --verbose traces:\n%s", name, plain.stderr)
		}
		if call.hit && !strings.Contains(verbose.stderr, "cache: hit in") {
			t.Errorf("%s --verbose: no cache hit in the trace:\n%s", name, verbose.stderr)
		}
	}

	if testing.Verbose() {
		t.Logf("a hit, traced:\n%s", s.run(gitReq, nil, "--verbose", "git", "get").stderr)
	}

	// Retries: each failed attempt is one line, and the token is not in it.
	ts.MustSet(t, "status", "503")
	r = s.run("", nil, "--verbose", "--timeout", "5s", "token", "--force-refresh")
	noLeak("token with a failing endpoint", r.stderr)
	for _, w := range []string{"503 Service Unavailable in", "attempt 1 failed", "retrying in"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("token --force-refresh --verbose against a failing endpoint: no %q in the trace:\n%s", w, r.stderr)
		}
	}
}

package cli

// TestNoLeaks runs every command and failure path of the built binary with a
// recognisable client secret, and checks that the secret appears in no
// output, no file the binary can write, and no process's argument list, that
// no access token rests on disk in plaintext, and that failures print
// nothing on stdout unless their protocol says otherwise.

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

// leakCanary is the client secret: recognisable, and unique to this run so
// that another run of the test on the machine does not show in /proc.
var leakCanary = "CANARY-s3cr3t-7f3a-" + randomHex(4)

// stdoutRule says what stdout may hold.
type stdoutRule int

const (
	outEmpty     stdoutRule = iota // nothing
	outAny                         // anything without the secret (a success)
	outDockerErr                   // docker: one line with the error, no token
	outJSONErr                     // get: exactly one {"error":...} object
	outEmptyJSON                   // "{}": an unrouted host (Terraform, Bazel)
	outReport                      // check: the API's answer, also when it failed
)

type leakStep struct {
	name   string
	args   []string
	stdin  string
	env    []string
	server []string // token server mode to set first (nil: leave it)
	exit   int
	out    stdoutRule
	before func() // runs before the step
}

func TestNoLeaks(t *testing.T) {
	requireBinaryTests(t)
	t.Parallel()
	exe := buildBinary(t)
	t.Run("direct", func(t *testing.T) { testNoLeaks(t, exe, false) })
	t.Run("agent", func(t *testing.T) { testNoLeaks(t, exe, true) }) // not in parallel: the /proc sampler would see the other's control process
}

// testNoLeaks runs the steps with the token agent off (tokens in the
// encrypted file cache) or on (tokens in the agent's memory).
func testNoLeaks(t *testing.T, exe string, agent bool) {
	s := newSandbox(t, exe)
	if !agent {
		s.env = []string{"CAMUNDA_CREDENTIAL_HELPER_AGENT=off"}
	}
	ts := tokenserver.New(t)
	ts.Set("secret", leakCanary)
	api := newAPIServer(t, ts.IssuedToken, "")
	inputs := t.TempDir() // files the user hands in; not scanned
	envFile := filepath.Join(inputs, "credentials.env")
	os.WriteFile(envFile, []byte("export CAMUNDA_CONSOLE_CLIENT_ID='cid'\nexport CAMUNDA_CONSOLE_CLIENT_SECRET='"+leakCanary+"'\nexport CAMUNDA_OAUTH_URL='"+ts.URL+"'\n"), 0o600)
	envCreds := []string{"CAMUNDA_CONSOLE_CLIENT_ID=cid", "CAMUNDA_CONSOLE_CLIENT_SECRET=" + leakCanary, "CAMUNDA_OAUTH_URL=" + ts.URL}
	login := []string{"login", "--client-id", "cid", "--oauth-url", ts.URL, "--client-secret-stdin"}
	hosts := []string{"--host", "git.example", "--host", "reg.example", "--host", "tf.example", "--host", "bazel.example"}
	dropCache := func() {
		os.RemoveAll(filepath.Join(s.cache, name))
		if agent {
			s.run("", nil, "agent", "stop")
		}
	}
	gitReq := "protocol=https\nhost=git.example\npath=org/repo.git\n\n"
	v1 := `{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}`

	steps := []leakStep{
		// login and its failures
		{name: "login rejected", args: login, stdin: leakCanary + "\n", server: []string{"secret", "other"}, exit: 4},
		{name: "login ok", args: concat(login, hosts, []string{"--api", "modeler", "--api-url", api.URL}), stdin: leakCanary + "\n", server: []string{"secret", leakCanary}},
		{name: "login no-verify", args: concat([]string{"--profile", "nv"}, login, []string{"--no-verify"}), stdin: leakCanary + "\n"},
		{name: "login from-env-file", args: []string{"--profile", "file", "login", "--from-env-file", envFile}},
		{name: "login from-env", args: []string{"--profile", "fromenv", "login", "--from-env"}, env: envCreds},
		{name: "login from-env-file rejected", args: []string{"--profile", "file2", "login", "--from-env-file", envFile}, server: []string{"secret", "other"}, exit: 4},
		{name: "login from-env rejected", args: []string{"--profile", "fromenv2", "login", "--from-env"}, env: envCreds, exit: 4},
		{name: "login bad secret line", args: login, stdin: leakCanary + "\n" + leakCanary + "\n", server: []string{"secret", leakCanary}, exit: 2},
		{name: "login bad client id", args: []string{"login", "--client-id", "", "--client-secret-stdin"}, stdin: leakCanary, exit: 2},

		// token
		{name: "token json", args: []string{"token"}, out: outAny},
		{name: "token raw", args: []string{"token", "-f", "raw"}, out: outAny},
		{name: "token header", args: []string{"token", "--format", "header"}, out: outAny},
		{name: "token force-refresh", args: []string{"token", "--force-refresh"}, out: outAny},
		{name: "token min-ttl too large", args: []string{"token", "--min-ttl", "2h"}, exit: 2},
		{name: "token env credentials", args: []string{"token"}, env: envCreds, out: outAny},
		{name: "token env half", args: []string{"token"}, env: []string{"CAMUNDA_CONSOLE_CLIENT_SECRET=" + leakCanary}, exit: 2},
		{name: "token unknown profile", args: []string{"--profile", "nobody", "token"}, exit: 3},
		{name: "profiles", args: []string{"profiles"}, out: outAny},

		// check, exec, doctor, demo, setup
		{name: "check ok", args: []string{"check"}, out: outAny},
		{name: "check 401", args: []string{"check", api.URL + "/unauthorized"}, exit: 4, out: outReport},
		{name: "check 403", args: []string{"check", api.URL + "/forbidden"}, exit: 8, out: outReport},
		{name: "check plain http", args: []string{"check", "http://api.example/x"}, exit: 2},
		{name: "exec env", args: []string{"exec", "--", "env"}, out: outAny},
		{name: "exec exit 3", args: []string{"exec", "--", "sh", "-c", "exit 3"}, exit: 3},
		{name: "exec no command", args: []string{"exec"}, exit: 2},
		{name: "exec --serve env", args: []string{"exec", "--serve", "--", "env"}, out: outAny},
		{name: "exec --serve env credentials", args: []string{"exec", "--serve", "--", "env"}, env: envCreds, out: outAny},
		{name: "doctor", args: []string{"doctor"}, out: outAny},
		{name: "doctor env credentials", args: []string{"doctor"}, env: envCreds, out: outAny},
		{name: "demo", args: []string{"demo"}, out: outAny},
		{name: "setup git", args: []string{"setup", "git"}, out: outAny},
		{name: "setup docker", args: []string{"setup", "docker"}, out: outAny},
		{name: "setup kubectl", args: []string{"setup", "kubectl"}, out: outAny},
		{name: "setup bazel", args: []string{"setup", "bazel"}, out: outAny},
		{name: "setup terraform", args: []string{"setup", "terraform"}, out: outAny},
		{name: "setup no profile", args: []string{"--profile", "nobody", "setup", "git"}, exit: 2},

		// git
		{name: "git get", args: []string{"git", "get"}, stdin: gitReq, out: outAny},
		{name: "git get unrouted", args: []string{"git", "get"}, stdin: "protocol=https\nhost=other.example\n\n"},
		{name: "git store", args: []string{"git", "store"}, stdin: "protocol=https\nhost=git.example\nusername=cid\npassword=" + leakCanary + "\n\n"},
		{name: "git erase", args: []string{"git", "erase"}, stdin: gitReq},
		{name: "git unknown", args: []string{"git", "frobnicate"}, stdin: gitReq},
		{name: "git get endpoint broken", args: []string{"git", "get"}, stdin: gitReq, server: []string{"badjson"}, before: dropCache, exit: 1},

		// docker
		{name: "docker get", args: []string{"docker", "get"}, stdin: "reg.example", server: []string{"ok"}, out: outAny},
		{name: "docker get unrouted", args: []string{"docker", "get"}, stdin: "other.example", exit: 1, out: outDockerErr},
		{name: "docker list", args: []string{"docker", "list"}, out: outAny},
		{name: "docker version", args: []string{"docker", "version"}, out: outAny},
		{name: "docker unknown", args: []string{"docker", "frobnicate"}, exit: 1, out: outDockerErr},
		{name: "docker store", args: []string{"docker", "store"}, stdin: `{"ServerURL":"reg.example","Username":"cid","Secret":"` + leakCanary + `"}`},
		{name: "docker store rejected", args: []string{"docker", "store"}, stdin: `{"ServerURL":"reg.example","Username":"cid","Secret":"` + leakCanary + `"}`, server: []string{"secret", "other"}, exit: 1, out: outDockerErr},
		{name: "docker store bad json", args: []string{"docker", "store"}, stdin: `{"ServerURL":"reg.example","Username":"cid","Secret":"` + leakCanary, server: []string{"secret", leakCanary}, exit: 1, out: outDockerErr},
		{name: "docker get endpoint broken", args: []string{"docker", "get"}, stdin: "reg.example", server: []string{"badjson"}, before: dropCache, exit: 1, out: outDockerErr},

		// kubectl
		{name: "kubectl v1", args: []string{"kubectl"}, env: []string{"KUBERNETES_EXEC_INFO=" + v1}, server: []string{"ok"}, out: outAny},
		{name: "kubectl bad exec info", args: []string{"kubectl"}, env: []string{"KUBERNETES_EXEC_INFO={\"apiVersion\":"}, exit: 1},
		{name: "kubectl endpoint broken", args: []string{"kubectl"}, server: []string{"badjson"}, before: dropCache, exit: 1},

		// bazel
		{name: "bazel get", args: []string{"bazel", "get"}, stdin: `{"uri":"https://bazel.example/pkg.tar.gz"}`, server: []string{"ok"}, out: outAny},
		{name: "bazel get unrouted", args: []string{"bazel", "get"}, stdin: `{"uri":"https://other.example/x"}`, out: outEmptyJSON},
		{name: "bazel bad json", args: []string{"bazel", "get"}, stdin: `{"uri":`, exit: 2},
		{name: "bazel endpoint broken", args: []string{"bazel", "get"}, stdin: `{"uri":"https://bazel.example/x"}`, server: []string{"badjson"}, before: dropCache, exit: 1},

		// terraform
		{name: "terraform get", args: []string{"terraform", "get", "tf.example"}, server: []string{"ok"}, out: outAny},
		{name: "terraform get unrouted", args: []string{"terraform", "get", "registry.terraform.io"}, out: outEmptyJSON},
		{name: "terraform store", args: []string{"terraform", "store", "tf.example"}, stdin: `{"token":"` + leakCanary + `"}`, exit: 1},
		{name: "terraform forget", args: []string{"terraform", "forget", "tf.example"}},
		{name: "terraform endpoint broken", args: []string{"terraform", "get", "tf.example"}, server: []string{"badjson"}, before: dropCache, exit: 1},

		// get
		{name: "get json", args: []string{"get"}, stdin: `{"url":"https://git.example/x","min_ttl":"1m"}`, server: []string{"ok"}, out: outAny},
		{name: "get line", args: []string{"get"}, stdin: "git.example\n", out: outAny},
		{name: "get empty", args: []string{"get"}, out: outAny},
		{name: "get bad json", args: []string{"get"}, stdin: `{"url":`, exit: 2, out: outJSONErr},
		{name: "get unrouted", args: []string{"get"}, stdin: "other.example", exit: 7, out: outJSONErr},
		{name: "get endpoint broken", args: []string{"get"}, stdin: "git.example", server: []string{"badjson"}, before: dropCache, exit: 5, out: outJSONErr},

		// the token endpoint's faults
		{name: "endpoint 500", args: []string{"--timeout", "2s", "token", "--force-refresh"}, server: []string{"status", "500"}, exit: 5},
		{name: "endpoint html", args: []string{"--timeout", "2s", "token", "--force-refresh"}, server: []string{"html"}, exit: 5},
		{name: "endpoint badjson", args: []string{"token", "--force-refresh"}, server: []string{"badjson"}, exit: 5},
		{name: "endpoint reset", args: []string{"--timeout", "2s", "token", "--force-refresh"}, server: []string{"reset"}, exit: 5},
		{name: "endpoint redirect", args: []string{"token", "--force-refresh"}, server: []string{"redirect"}, exit: 2},
		{name: "endpoint 401", args: []string{"token", "--force-refresh"}, server: []string{"status", "401", `{"error":"invalid_client","error_description":"Invalid client credentials"}`}, exit: 4},

		{name: "token after the faults", args: []string{"token", "--force-refresh"}, server: []string{"ok"}, out: outAny},
	}
	logout := []leakStep{
		{name: "logout", args: []string{"logout"}},
		{name: "token after logout", args: []string{"token"}, exit: 3},
		{name: "docker erase", args: []string{"docker", "erase"}, stdin: "reg.example"},
		{name: "logout of an unknown profile", args: []string{"--profile", "nobody", "logout"}},
	}
	runSteps := func(steps []leakStep) {
		for _, st := range steps {
			if st.server != nil {
				if err := ts.Set(st.server...); err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
			}
			if st.before != nil {
				st.before()
			}
			r := s.run(st.stdin, st.env, st.args...)
			checkLeakStep(t, st, r)
			t.Logf("%-32s exit %d in %v", st.name, r.code, r.took.Round(time.Millisecond))
		}
	}
	runSteps(steps)

	// In flight: the secret is in no process's argument list (nor in the
	// helper's own environment) while a login and a token call hang.
	// (First a positive control: the sampler sees a secret in argv.)
	if hits, _, err := sampleProcs(exec.Command("sh", "-c", "sleep 0.3; :", "sh", leakCanary)); err != nil || len(hits) == 0 {
		t.Errorf("the /proc sampler missed the secret in a process's argv (%v)", err)
	}
	var procHits []string
	ts.Set("hang")
	for _, args := range [][]string{
		concat([]string{"--timeout", "1s"}, login),
		{"--timeout", "1s", "token", "--force-refresh"},
	} {
		hits, r := runSampled(t, s, leakCanary+"\n", args)
		procHits = append(procHits, hits...)
		checkLeakStep(t, leakStep{name: "hang " + strings.Join(args[2:], " "), exit: 5}, r)
		t.Logf("%-32s exit %d in %v", "hang "+args[2], r.code, r.took.Round(time.Millisecond))
	}
	ts.Set("ok")
	if len(procHits) > 0 {
		t.Errorf("the secret was in a process's cmdline or environment: %s", strings.Join(procHits, ", "))
	}

	// Nothing on disk holds the secret or a token in plaintext, with tokens
	// in the cache and after logging out.
	if entries, _ := filepath.Glob(filepath.Join(s.cache, name, "*.tok")); len(entries) == 0 && !agent {
		t.Errorf("no cached token files in %s: the scan would prove nothing", s.cache)
	}
	if r := s.run("", nil, "agent", "status"); agent != (r.code == 0) {
		t.Errorf("agent status: exit %d (agent on: %v)\n%s", r.code, agent, r.stdout)
	}
	scanForLeaks(t, s)
	runSteps(logout)
	scanForLeaks(t, s)
	if n := len(ts.Requests()); n < 20 {
		t.Errorf("only %d token requests: the steps did not run as intended", n)
	}
}

// scanForLeaks fails the test if a file (or file name) under the sandbox's
// dirs holds the secret or an access token in plaintext.
func scanForLeaks(t *testing.T, s *sandbox) {
	t.Helper()
	tokens := regexp.MustCompile(`tok-[0-9]+`)
	for _, dir := range s.dirs() {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				t.Errorf("walk %s: %v", path, err)
				return nil
			}
			if containsCanary(d.Name()) || tokens.MatchString(d.Name()) {
				t.Errorf("a file name holds the secret or a token: %s", path)
			}
			if !d.Type().IsRegular() {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Errorf("read %s: %v", path, err)
				return nil
			}
			if containsCanary(string(b)) {
				t.Errorf("the secret is in %s", path)
			}
			if m := tokens.Find(b); m != nil {
				t.Errorf("the access token %s is in plaintext in %s", m, path)
			}
			return nil
		})
	}
}

// concat joins argument lists into a new one.
func concat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func containsCanary(s string) bool {
	return strings.Contains(s, leakCanary) || strings.Contains(s, url.QueryEscape(leakCanary))
}

func checkLeakStep(t *testing.T, st leakStep, r result) {
	t.Helper()
	if r.code != st.exit {
		t.Errorf("%s: exit status %d, want %d\nstdout: %s\nstderr: %s", st.name, r.code, st.exit, r.stdout, r.stderr)
	}
	for stream, text := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
		if containsCanary(text) {
			t.Errorf("%s: the secret is on %s", st.name, stream)
		}
	}
	tokenOut := regexp.MustCompile(`tok-[0-9]+`).MatchString(r.stdout)
	switch st.out {
	case outEmpty:
		if r.stdout != "" {
			t.Errorf("%s: stdout = %q, want nothing", st.name, r.stdout)
		}
	case outDockerErr:
		if tokenOut || strings.Count(r.stdout, "\n") != 1 || strings.HasPrefix(r.stdout, "{") {
			t.Errorf("%s: stdout = %q, want one error line", st.name, r.stdout)
		}
	case outJSONErr:
		if tokenOut || !regexp.MustCompile(`^\{"error":"[a-z_]+","message":"[^\n]*"\}\n$`).MatchString(r.stdout) {
			t.Errorf("%s: stdout = %q, want one JSON error object", st.name, r.stdout)
		}
	case outEmptyJSON:
		if r.stdout != "{}\n" {
			t.Errorf("%s: stdout = %q, want {}", st.name, r.stdout)
		}
	case outReport:
		if tokenOut || !strings.HasPrefix(r.stdout, "GET ") {
			t.Errorf("%s: stdout = %q, want the API's answer", st.name, r.stdout)
		}
	}
}

// runSampled runs the binary and, while it runs, reads every process's
// cmdline and the binary's environment, looking for the secret.
func runSampled(t *testing.T, s *sandbox, stdin string, args []string) ([]string, result) {
	t.Helper()
	cmd := s.command(stdin, nil, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	hits, samples, err := sampleProcs(cmd)
	r := result{stdout: out.String(), stderr: errb.String(), took: time.Since(start)}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	// A handful of looks is enough to have seen the process running; each
	// look reads every process's cmdline, which takes long on a loaded
	// machine, so the count says little more than that.
	if samples < 3 {
		t.Errorf("%q: only %d samples of /proc while it ran (%v)", args, samples, r.took)
	}
	return hits, r
}

// sampleProcs runs cmd and, every 5ms until it ends, reads every
// process's cmdline and cmd's own environment, returning where it saw the
// secret and how many times it looked.
func sampleProcs(cmd *exec.Cmd) (hits []string, samples int, err error) {
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		self := fmt.Sprintf("/proc/%d/environ", cmd.Process.Pid)
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
			samples++
			procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
			for _, p := range append(procs, self) {
				if b, err := os.ReadFile(p); err == nil && containsCanary(string(b)) {
					hits = append(hits, p)
				}
			}
		}
	}()
	err = cmd.Wait()
	close(done)
	wg.Wait()
	return hits, samples, err
}

package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

// badOutcome is one acceptable result of a bad input.
type badOutcome struct {
	exit   int
	stdout string // "" (nothing), "line" (one line, not JSON), "json-error" (bad_request object) or "{}"
	stderr bool   // stderr must say something (true) or nothing (false)
}

var (
	parserError = badOutcome{exit: 2, stderr: true} // the command line parser's own error
	gitSilent   = badOutcome{exit: 0}
	gitError    = badOutcome{exit: 1, stderr: true}
)

// badExpect returns the acceptable outcomes for a corpus file, per protocol
// (see testdata/badinput/README.md).
func badExpect(proto, file string) []badOutcome {
	args := strings.HasPrefix(file, "args.")
	switch proto {
	case "git":
		switch file {
		case "args.missing-action", "args.unknown-action":
			return []badOutcome{gitSilent} // gitcredentials(7): ignore unknown actions
		}
		return []badOutcome{gitSilent, gitError} // git ignores the status; never a token
	case "docker":
		return []badOutcome{{exit: 1, stdout: "line"}} // errors (and usage) go to stdout
	case "bazel":
		return []badOutcome{{exit: 2, stderr: true}}
	case "terraform":
		return []badOutcome{{exit: 1, stderr: true}} // including a host that cannot be parsed
	case "kubectl":
		if args {
			return []badOutcome{parserError}
		}
		return []badOutcome{{exit: 1, stderr: true}}
	case "get":
		if args {
			return []badOutcome{parserError}
		}
		return []badOutcome{{exit: 2, stdout: "json-error"}} // nothing on stderr
	}
	return nil
}

// TestBadInput feeds the corpora of testdata/badinput through the built
// binary: each protocol answers with its own error convention, never with a
// token, and nothing stored changes.
func TestBadInput(t *testing.T) {
	requireBinaryTests(t)
	t.Parallel()
	s := newSandbox(t, buildBinary(t))
	ts := tokenserver.New(t)
	// The docker store payloads log in as "attacker": accepted by the token
	// server, so a payload that got through would replace the stored secret.
	ts.Set("client", "attacker", "attacker-secret")
	login := s.run(tokenserver.ClientSecret, nil, "login", "--client-id", tokenserver.ClientID, "--oauth-url", ts.URL, "--client-secret-stdin",
		"--host", "git.example", "--host", "reg.example", "--host", "bazel.example", "--host", "tf.example")
	if login.code != 0 {
		t.Fatalf("login: exit %d: %s", login.code, login.stderr)
	}
	configBefore, err := os.ReadFile(s.configPath())
	if err != nil {
		t.Fatal(err)
	}
	issuedBefore := ts.Issued()

	tokenRE := regexp.MustCompile(`tok-[0-9]+`)
	jsonErr := regexp.MustCompile(`^\{"error":"bad_request","message":"[^\n]*"\}\n$`)
	root := filepath.Join("testdata", "badinput")
	protos, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, pd := range protos {
		if !pd.IsDir() {
			continue
		}
		proto := pd.Name()
		files, _ := os.ReadDir(filepath.Join(root, proto))
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(root, proto, f.Name()))
			if err != nil {
				t.Fatal(err)
			}
			want := badExpect(proto, f.Name())
			if want == nil {
				t.Fatalf("%s/%s: no expectation for protocol %q", proto, f.Name(), proto)
			}
			for _, c := range badRuns(t, proto, f.Name(), b) {
				n++
				r := s.run(c.stdin, c.env, c.args...)
				label := fmt.Sprintf("%s/%s %q", proto, f.Name(), shorten(c.args))
				t.Logf("%s: exit %d, stdout %.80q, stderr %.120q", label, r.code, r.stdout, r.stderr)
				if tokenRE.MatchString(r.stdout) || tokenRE.MatchString(r.stderr) {
					t.Errorf("%s: a token was printed: stdout %.200q", label, r.stdout)
				}
				if !slices.ContainsFunc(want, func(o badOutcome) bool { return o.matches(r, jsonErr) }) {
					t.Errorf("%s: exit %d, stdout %.200q, stderr %.200q; want one of %+v", label, r.code, r.stdout, r.stderr, want)
				}
				if strings.Contains(f.Name(), "oversized") && !(proto == "terraform") &&
					!strings.Contains(r.stdout+r.stderr, "larger than") {
					t.Errorf("%s: not refused for its size: stdout %.200q, stderr %.200q", label, r.stdout, r.stderr)
				}
			}
		}
	}
	if n < 80 {
		t.Errorf("only %d runs: the corpus is missing", n)
	}

	// Nothing changed: no token issued, the secret and the config intact.
	if got := ts.Issued(); got != issuedBefore {
		t.Errorf("%d tokens were issued for bad input", got-issuedBefore)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if env, err := readStoredSecret(ctx, s.service, "default"); err != nil || env.Secret != tokenserver.ClientSecret {
		t.Errorf("the stored secret changed (err %v)", err)
	}
	if after, err := os.ReadFile(s.configPath()); err != nil || !bytes.Equal(after, configBefore) {
		t.Errorf("the config file changed: %v\n%s", err, after)
	}
	if r := s.run("", nil, "token", "--format", "raw"); r.code != 0 || !tokenRE.MatchString(r.stdout) {
		t.Errorf("token after the bad input: exit %d, %q", r.code, r.stderr)
	}
}

type badRun struct {
	args  []string
	stdin string
	env   []string
}

// badRuns turns a corpus file into the runs of the binary it stands for.
func badRuns(t *testing.T, proto, file string, b []byte) []badRun {
	if rest, ok := strings.CutPrefix(file, "args."); ok && rest != "" {
		args := []string{proto}
		if s := string(b); s != "" {
			args = append(args, strings.Split(strings.TrimSuffix(s, "\n"), "\n")...)
		}
		return []badRun{{args: args}}
	}
	switch proto {
	case "git":
		return []badRun{{args: []string{"git", "get"}, stdin: string(b)}, {args: []string{"git", "erase"}, stdin: string(b)}}
	case "docker":
		action, _, _ := strings.Cut(file, ".")
		return []badRun{{args: []string{"docker", action}, stdin: string(b)}}
	case "bazel":
		return []badRun{{args: []string{"bazel", "get"}, stdin: string(b)}}
	case "terraform":
		if strings.HasPrefix(file, "store.") {
			return []badRun{{args: []string{"terraform", "store", "tf.example"}, stdin: string(b)}}
		}
		return []badRun{{args: []string{"terraform", "get", string(b)}}}
	case "kubectl":
		if bytes.IndexByte(b, 0) >= 0 {
			t.Fatalf("kubectl/%s holds a NUL, which no environment variable can", file)
		}
		return []badRun{{args: []string{"kubectl"}, env: []string{"KUBERNETES_EXEC_INFO=" + string(b)}}}
	case "get":
		return []badRun{{args: []string{"get"}, stdin: string(b)}}
	}
	t.Fatalf("unknown protocol dir %q", proto)
	return nil
}

func (o badOutcome) matches(r result, jsonErr *regexp.Regexp) bool {
	if r.code != o.exit || (r.stderr != "") != o.stderr {
		return false
	}
	switch o.stdout {
	case "":
		return r.stdout == ""
	case "line":
		return strings.Count(r.stdout, "\n") == 1 && strings.HasSuffix(r.stdout, "\n") && !strings.HasPrefix(r.stdout, "{")
	case "json-error":
		return jsonErr.MatchString(r.stdout)
	case "{}":
		return r.stdout == "{}\n"
	}
	return false
}

// shorten keeps long arguments (an oversized host) readable in messages.
func shorten(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if len(a) > 40 {
			a = a[:40] + "..."
		}
		out[i] = a
	}
	return out
}

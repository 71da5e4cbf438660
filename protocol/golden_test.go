package protocol_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/protocol")

// A golden exchange is a txtar-like file under testdata/protocol/<proto>/:
//
//	# what the case checks
//	args: get example.com      (action, then arguments)
//	env: NAME=VALUE            (repeatable)
//	keychain: locked|empty|echo (every keychain call fails | nothing is stored |
//	                           storing fails with an error that quotes the secret)
//	config: broken             (the config file does not parse)
//	profile: NAME              (CAMUNDA_PROFILE: the caller's default profile)
//	stdin: nonl|crlf           (drop the final newline | send CRLF line ends)
//	exit: 0
//	-- stdin --
//	-- stdout --
//	-- stderr --
//	-- calls --                (what the protocol asked the token path)
//
// Missing output sections mean empty output. -update rewrites exit and the
// output sections from what the adapter did. Every exchange runs in a world
// of its own (newWorld): the real routing and core, over a fake keychain and
// token endpoint.
type exchange struct {
	header   []string // comment and key lines, without "exit:"
	args     []string
	env      map[string]string
	stdinMod string
	exit     int
	sections map[string]string
	order    []string // section names in file order
}

func parseExchange(t *testing.T, data string) *exchange {
	t.Helper()
	x := &exchange{env: map[string]string{}, sections: map[string]string{}}
	name := ""
	for _, line := range strings.SplitAfter(data, "\n") {
		if n, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "-- "); ok && strings.HasSuffix(n, " --") {
			name = strings.TrimSuffix(n, " --")
			x.order = append(x.order, name)
			x.sections[name] = ""
			continue
		}
		if name != "" {
			x.sections[name] += line
			continue
		}
		line = strings.TrimSuffix(line, "\n")
		key, val, _ := strings.Cut(line, ":")
		val = strings.TrimSpace(val)
		switch key {
		case "args":
			x.args = strings.Fields(val)
		case "env":
			k, v, _ := strings.Cut(val, "=")
			x.env[k] = v
		case "stdin":
			x.stdinMod = val
		case "exit":
			x.exit, _ = strconv.Atoi(val)
			continue
		}
		if line != "" {
			x.header = append(x.header, line)
		}
	}
	return x
}

func (x *exchange) stdin() string {
	s := x.sections["stdin"]
	switch x.stdinMod {
	case "nonl":
		s = strings.TrimSuffix(s, "\n")
	case "crlf":
		s = strings.ReplaceAll(s, "\n", "\r\n")
	}
	return s
}

func (x *exchange) format(exit int, out map[string]string) []byte {
	var b bytes.Buffer
	for _, h := range x.header {
		b.WriteString(h + "\n")
	}
	b.WriteString("exit: " + strconv.Itoa(exit) + "\n")
	if _, ok := x.sections["stdin"]; ok {
		b.WriteString("-- stdin --\n" + x.sections["stdin"])
	}
	for _, name := range []string{"stdout", "stderr", "calls"} {
		if out[name] != "" {
			b.WriteString("-- " + name + " --\n" + out[name])
		}
	}
	return b.Bytes()
}

// invoker runs one adapter over the world's token path.
type invoker func(ctx context.Context, src *recorder, x *exchange, s protocol.Stdio) int

// runGolden runs every exchange of a protocol. quietFailure says that the
// protocol writes nothing on stdout when it fails.
func runGolden(t *testing.T, proto string, quietFailure bool, run invoker) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "protocol", proto, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden exchanges for %s: %v", proto, err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			x := parseExchange(t, string(data))
			w := newWorld(t)
			for _, h := range x.header {
				if k, v, ok := strings.Cut(h, ":"); ok && !strings.HasPrefix(k, "#") {
					w.set(t, k, strings.TrimSpace(v))
				}
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), w.source(), x, protocol.Stdio{In: strings.NewReader(x.stdin()), Out: &stdout, Err: &stderr, Now: func() time.Time { return testNow }})
			got := map[string]string{"stdout": stdout.String(), "stderr": stderr.String(), "calls": ""}
			for _, c := range w.calls {
				got["calls"] += c + "\n"
			}
			for name, out := range got {
				got[name] = strings.NewReplacer(endpoint.URL, "$TOKEN_ENDPOINT", w.dir, "$WORK").Replace(out)
			}
			for _, tok := range fixtureTokens {
				if strings.Contains(got["stderr"], tok) {
					t.Errorf("%s: stderr = %q; contains token %q", proto, got["stderr"], tok)
				}
				if code != 0 && strings.Contains(got["stdout"], tok) {
					t.Errorf("%s: exit %d but stdout = %q contains token %q", proto, code, got["stdout"], tok)
				}
			}
			bare := func(s string) string { return strings.ReplaceAll(s, `\`, "") }
			for _, secret := range worldSecrets {
				if strings.Contains(bare(got["stdout"]+got["stderr"]), bare(secret)) {
					t.Errorf("%s: output %q holds secret %q", proto, got["stdout"]+got["stderr"], secret)
				}
			}
			if code != 0 && quietFailure && got["stdout"] != "" {
				t.Errorf("%s: exit %d but stdout = %q; want empty", proto, code, got["stdout"])
			}
			if *update {
				if err := os.WriteFile(file, x.format(code, got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, name := range []string{"stdout", "stderr", "calls"} {
				if got[name] != x.sections[name] {
					t.Errorf("%s %v %s = %q; want %q", proto, x.args, name, got[name], x.sections[name])
				}
			}
			if code != x.exit {
				t.Errorf("%s %v exit = %d; want %d", proto, x.args, code, x.exit)
			}
		})
	}
}

// action returns the first argument, or "".
func (x *exchange) action() string {
	if len(x.args) == 0 {
		return ""
	}
	return x.args[0]
}

//go:build linux

package cli

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

// TestForwardOverSSH: the laptop (root, with the secret in its keychain and
// an agent) logs in over ssh -R to an account on a real sshd that has no
// keychain and no config, forwarding the agent's forward socket. There the
// helper, the fast client, git, exec --serve get the forwarded profile's
// token, routed by the laptop's hosts; the unforwarded profile is refused;
// after the session the socket is gone and a call fails in one line; the
// secret is in none of the account's files.
func TestForwardOverSSH(t *testing.T) {
	requireBinaryTests(t)
	requireSSH(t)
	t.Parallel()

	pub, err := os.MkdirTemp("", "cchp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(pub) })
	os.Chmod(pub, 0o755)
	bin := filepath.Join(pub, "bin")
	for pkg, out := range map[string]string{"../..": name, "../../cmd/camunda-credential-helper-fast": name + "-fast"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(bin, out), pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, b)
		}
	}
	copyFile(t, os.Args[0], filepath.Join(bin, "oauthclient")) // TestMain runs it as one
	os.Chmod(bin, 0o755)

	// The laptop.
	s := newSandbox(t, filepath.Join(bin, name))
	ts := tokenserver.New(t)
	for _, login := range [][]string{
		{"--profile", "fwd", "login", "--forward", "--host", "git.example"},
		{"--profile", "local", "login", "--host", "local.example"},
	} {
		if r := s.run("s3cr3t\n", nil, append(login, "--client-id", "cid", "--oauth-url", ts.URL, "--client-secret-stdin", "--no-verify")...); r.code != 0 {
			t.Fatalf("%v: %d %s", login, r.code, r.stderr)
		}
	}
	if r := s.run("", nil, "--profile", "fwd", "token", "--format", "raw"); r.code != 0 || r.stdout != "tok-1\n" {
		t.Fatalf("token on the laptop: %d %q %s", r.code, r.stdout, r.stderr)
	}
	dir := agentwire.Dir(func(k string) (string, bool) { return s.runtime, k == "XDG_RUNTIME_DIR" })
	local := agentwire.ForwardSocketPath(dir)

	// The remote host.
	acct := newRemoteAccount(t, pub)
	sshd := startSSHD(t, acct.name)
	remote := filepath.Join(acct.home, ".camunda-credential-helper.sock")
	forward := remote + ":" + local
	env := "export " + agentwire.EnvSocket + "=" + remote + " GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0; "
	helper, fast := filepath.Join(bin, name), filepath.Join(bin, name+"-fast")
	gitFill := "git -c credential.helper= -c 'credential.helper=!" + fast + " git' credential fill"
	for _, step := range []struct {
		name, command string
		code          int
		stdout        string // a line it must contain
		stderr        string // text stderr must contain; "" means none at all
	}{
		{"token", helper + " --profile fwd token --format raw", 0, "tok-1\n", ""},
		{"fast token", fast + " --profile fwd token --format raw", 0, "tok-1\n", ""},
		{"git", "printf 'protocol=https\\nhost=git.example\\n\\n' | " + gitFill, 0, "password=tok-1\n", ""},
		{"git get", "printf 'protocol=https\\nhost=git.example\\n\\n' | " + helper + " git get", 0, "password=tok-1\n", ""},
		{"exec --serve", "cd && " + helper + " --profile fwd exec --serve -- " + filepath.Join(bin, "oauthclient"), 0, "token=tok-1\n", ""},
		{"exec", helper + " --profile fwd exec -- sh -c 'echo $CAMUNDA_OAUTH_TOKEN'", 0, "tok-1\n", ""},
		{"unforwarded profile", helper + " --profile local token", 7, "", `profile "local" is not forwarded`},
		{"unforwarded host", "printf 'protocol=https\\nhost=local.example\\n\\n' | " + helper + " git get", 0, "", ""},
		{"unforwarded host, git", "printf 'protocol=https\\nhost=local.example\\n\\n' | " + gitFill, 128, "", "terminal prompts disabled"},
		{"socket owner", "stat -c %U " + remote, 0, acct.name + "\n", ""},
	} {
		out, errs, code := sshd.run(t, acct.name, forward, env+step.command)
		if code != step.code || !strings.Contains(out, step.stdout) || (step.stderr == "" && errs != "") || !strings.Contains(errs, step.stderr) {
			t.Errorf("%s on the remote: exit %d, stdout %q, stderr %q; want exit %d, %q, %q", step.name, code, out, errs, step.code, step.stdout, step.stderr)
		}
	}

	// After the session: the socket is gone (or dead), the call fails in
	// one line that names it, and nothing falls back to a keychain.
	for _, exe := range []string{helper, fast} {
		out, errs, code := sshd.run(t, acct.name, "", env+exe+" --profile fwd token --format raw")
		if code == 0 || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, remote) ||
			!(strings.Contains(errs, "is gone") || strings.Contains(errs, "nothing answers")) {
			t.Errorf("%s after the session: exit %d, %q, %q; want one line naming %s", filepath.Base(exe), code, out, errs, remote)
		}
		t.Logf("%s after the session: %s", filepath.Base(exe), errs)
	}

	// A session that ends mid-request (the laptop's token endpoint is
	// slow, the ssh client dies): the call there fails in one line.
	ts.MustSet(t, "delay", "3s")
	bg := filepath.Join(acct.home, "mid")
	ctx, cancel := context.WithCancel(context.Background())
	ssh := sshd.command(ctx, acct.name, forward, env+"setsid sh -c '"+helper+" --profile fwd token --force-refresh >"+bg+".out 2>"+bg+".err; echo $? >"+bg+".rc' </dev/null >/dev/null 2>&1 & read x")
	stdin, err := ssh.StdinPipe() // the session ends when ssh dies and closes it
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if err := ssh.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(ts.Requests()) == 2 }) // the request reached the token endpoint
	cancel()
	ssh.Wait()
	waitFor(t, func() bool { _, err := os.Stat(bg + ".rc"); return err == nil })
	rc, _ := os.ReadFile(bg + ".rc")
	errs, _ := os.ReadFile(bg + ".err")
	out, _ := os.ReadFile(bg + ".out")
	if string(rc) != "5\n" || len(out) != 0 || !strings.Contains(string(errs), "hung up before answering") || strings.Count(string(errs), "\n") != 1 {
		t.Errorf("a session that ended mid-request: exit %q, stdout %q, stderr %q; want 5 and one line", rc, out, errs)
	}
	ts.MustSet(t, "delay", "0s")

	// No agent (nor anything else) was started on the remote's side.
	if pids := acct.processes(t); len(pids) > 0 {
		t.Errorf("processes of the remote account still run: %v", pids)
	}
	// The secret is in none of the remote account's files.
	filepath.WalkDir(acct.home, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		if b, _ := os.ReadFile(path); strings.Contains(string(b), "s3cr3t") {
			t.Errorf("the secret is in the remote account's %s", path)
		}
		return nil
	})
	st, err := agent.Status(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Forwarded < 8 {
		t.Errorf("the laptop's agent counts %d forwarded requests; want at least 8", st.Forwarded)
	}
	if n := len(ts.Requests()); n != 2 {
		t.Errorf("%d token requests; want 2 (one on the laptop, one forced from the remote)", n)
	}
}

// waitFor polls cond for up to 10 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
	}
}

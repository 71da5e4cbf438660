package cli

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// TestNothingLost runs logins of different profiles, logouts and token
// calls concurrently on one config file, then SIGKILLs logins at random
// moments: the config always parses, no profile's settings are lost, only a
// killed process leaves a temporary file behind, and a stray temporary file
// breaks nothing.
func TestNothingLost(t *testing.T) {
	requireBinaryTests(t)
	t.Parallel()
	s := newSandbox(t, buildBinary(t))
	ts := tokenserver.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	keyring := keystore.Keyring{Service: s.service}

	// loginArgs gives each profile settings of its own, to check later.
	loginArgs := func(profile string, verify bool) []string {
		args := []string{"--profile", profile, "login", "--client-id", tokenserver.ClientID, "--oauth-url", ts.URL,
			"--audience", "aud-" + profile, "--host", profile + ".example", "--client-secret-stdin"}
		if !verify {
			args = append(args, "--no-verify")
		}
		return args
	}
	checkProfiles := func(want []string) *config.Config {
		t.Helper()
		cfg, err := config.Load(s.configPath())
		if err != nil {
			t.Fatalf("the config no longer parses: %v", err)
		}
		for _, name := range want {
			p, ok := cfg.Profiles[name]
			switch {
			case !ok:
				t.Errorf("profile %s was lost", name)
			case p.ClientID != tokenserver.ClientID || p.AudienceOrDefault() != "aud-"+name || !slices.Equal(p.Hosts, []string{name + ".example"}):
				t.Errorf("profile %s lost its settings: %+v", name, p)
			}
		}
		return cfg
	}

	// Profiles that exist before the storm: base serves tokens, old0..old5
	// get logged out during it.
	var before []string
	for _, name := range []string{"base", "old0", "old1", "old2", "old3", "old4", "old5"} {
		if r := s.run(tokenserver.ClientSecret, nil, loginArgs(name, name == "base")...); r.code != 0 {
			t.Fatalf("login %s: exit %d: %s", name, r.code, r.stderr)
		}
		before = append(before, name)
	}

	// Two rounds of 20 processes each: 8 logins (half verified), 6 logouts
	// (round 1) or token calls, 6 token calls.
	var loggedIn []string
	for round := range 2 {
		type proc struct {
			label string
			args  []string
			stdin string
		}
		var procs []proc
		for i := range 8 {
			name := fmt.Sprintf("r%dp%d", round, i)
			procs = append(procs, proc{"login " + name, loginArgs(name, i%2 == 0), tokenserver.ClientSecret})
			loggedIn = append(loggedIn, name)
		}
		for i := range 6 {
			if round == 0 {
				procs = append(procs, proc{"logout", []string{"--profile", fmt.Sprintf("old%d", i), "logout"}, ""})
			} else {
				procs = append(procs, proc{"token r0", []string{"--profile", fmt.Sprintf("r0p%d", i), "token", "--format", "raw"}, ""})
			}
		}
		for range 6 {
			procs = append(procs, proc{"token base", []string{"--profile", "base", "token", "--format", "raw"}, ""})
		}
		rand.Shuffle(len(procs), func(i, j int) { procs[i], procs[j] = procs[j], procs[i] })

		var wg sync.WaitGroup
		start := make(chan struct{})
		for _, p := range procs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				r := s.run(p.stdin, nil, p.args...)
				if r.code != 0 {
					t.Errorf("round %d: %s: exit %d: %s", round, p.label, r.code, r.stderr)
				}
				if strings.HasPrefix(p.label, "token") && !strings.HasPrefix(r.stdout, "tok-") {
					t.Errorf("round %d: %s: stdout %q", round, p.label, r.stdout)
				}
			}()
		}
		close(start)
		wg.Wait()

		checkProfiles(append(append([]string{}, before...), loggedIn...))
		if tmp, _ := filepath.Glob(filepath.Join(filepath.Dir(s.configPath()), ".*.tmp")); len(tmp) > 0 {
			t.Errorf("round %d left temporary files behind: %q", round, tmp)
		}
	}
	for _, name := range loggedIn {
		if env, err := readStoredSecret(ctx, s.service, name); err != nil || env.Secret != tokenserver.ClientSecret {
			t.Errorf("the secret of %s is missing (%v)", name, err)
		}
	}
	for i := range 6 {
		if _, err := keyring.Get(ctx, fmt.Sprintf("old%d", i)); !errors.Is(err, keystore.ErrNotFound) {
			t.Errorf("old%d: logged out, but its secret is still there (%v)", i, err)
		}
	}

	// SIGKILL logins at random moments: whatever survives, the file parses
	// and every login that finished is in it.
	var (
		mu       sync.Mutex
		finished []string
		wg       sync.WaitGroup
	)
	for i := range 12 {
		name := fmt.Sprintf("kill%d", i)
		cmd := s.command(tokenserver.ClientSecret, nil, loginArgs(name, false)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%3 == 0 {
				time.Sleep(time.Duration(rand.N(40000)) * time.Microsecond)
				cmd.Process.Signal(syscall.SIGKILL)
			}
			err := cmd.Wait()
			var ee *exec.ExitError
			switch {
			case err == nil:
				mu.Lock()
				finished = append(finished, name)
				mu.Unlock()
			case errors.As(err, &ee) && i%3 == 0:
			default:
				t.Errorf("login %s: %v", name, err)
			}
		}()
	}
	wg.Wait()
	cfg := checkProfiles(append(append(append([]string{}, before...), loggedIn...), finished...))
	t.Logf("%d of 12 logins finished despite SIGKILL; the config holds %d profiles", len(finished), len(cfg.Profiles))

	// A stray temporary file, as a crash between writes leaves it, breaks
	// neither reading nor the next write.
	stray := filepath.Join(filepath.Dir(s.configPath()), ".config.toml.4242.tmp")
	if err := os.WriteFile(stray, []byte("[profiles.half\nclient_id = "), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := s.run("", nil, "profiles"); r.code != 0 || !strings.Contains(r.stdout, "base") {
		t.Errorf("profiles with a stray temp file: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if r := s.run("", nil, "--profile", "base", "token", "--format", "raw"); r.code != 0 {
		t.Errorf("token with a stray temp file: exit %d: %s", r.code, r.stderr)
	}
	if r := s.run(tokenserver.ClientSecret, nil, loginArgs("afterstray", true)...); r.code != 0 {
		t.Errorf("login with a stray temp file: exit %d: %s", r.code, r.stderr)
	}
	checkProfiles([]string{"base", "afterstray"})
	fi, err := os.Stat(s.configPath())
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("config file mode %v (%v); want 0600", fi.Mode().Perm(), err)
	}
}

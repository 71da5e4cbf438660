//go:build linux || darwin

package agent

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokencache"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// newTokenServer starts the shared fake token endpoint, accepting every
// client ID and secret.
func newTokenServer(t *testing.T) *tokenserver.Server {
	t.Helper()
	s := tokenserver.New(t)
	s.MustSet(t, "anyclient")
	return s
}

func noEnv(string) (string, bool) { return "", false }

// setup is one user's machine: a config file, a keychain, a token endpoint
// and an agent serving in this process, whose cores (as "agent run" builds
// them) read the keychain through agentStore and keep their file cache in
// their own directory.
type setup struct {
	srv        *tokenserver.Server
	secrets    keystore.Store
	configPath string
	agentStore *keystore.Counting
	server     *Server
	stop       func()
}

func newSetup(t *testing.T) *setup {
	t.Helper()
	dir := t.TempDir()
	s := &setup{srv: newTokenServer(t), secrets: &keystore.Memory{}, configPath: filepath.Join(dir, "config", "config.toml")}
	s.agentStore = &keystore.Counting{Store: s.secrets}
	agentCache := filepath.Join(dir, "agent-cache")
	s.server = &Server{Idle: time.Minute, NewCore: func(path string, front tokencache.Store) *helper.Core {
		return &helper.Core{Secrets: s.agentStore, ConfigPath: path, CacheDir: agentCache, Front: front, Timeout: 10 * time.Second, Getenv: noEnv}
	}}
	s.stop = startAgent(t, s.server)
	c := s.core(t)
	if _, err := c.Login(context.Background(), helper.LoginParams{ClientID: ptr("cid"), TokenURL: ptr(s.srv.URL), Secret: "secret-1", NoVerify: true}); err != nil {
		t.Fatal(err)
	}
	return s
}

// core is a caller's core: the shared config file and keychain, a file
// cache of its own.
func (s *setup) core(t *testing.T) *helper.Core {
	return &helper.Core{Secrets: s.secrets, ConfigPath: s.configPath, CacheDir: t.TempDir(),
		Profile: config.DefaultProfile, Timeout: 10 * time.Second, Getenv: noEnv}
}

// client is a caller that asks the agent for tokens and never starts one.
func (s *setup) client(core *helper.Core) *TokenPath {
	return &TokenPath{core: core, Dir: s.server.Dir, Tokens: true, Env: agentwire.Environment(os.LookupEnv, agentwire.ProcessEnv)}
}

// held is the number of tokens in the agent's memory.
func (s *setup) held(t *testing.T) int {
	t.Helper()
	st, err := Status(s.server.Dir)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	return st.Tokens
}

func ptr[T any](v T) *T { return &v }

func mustToken(t *testing.T, src credential.Source, req credential.Request) credential.Token {
	t.Helper()
	tok, err := src.Token(context.Background(), req)
	if err != nil {
		t.Fatalf("Token(%+v) = %v", req, err)
	}
	return tok
}

// startAgent serves a in this process, in a short private directory, until
// the test ends (or stop is called).
func startAgent(t *testing.T, a *Server) (stop func()) {
	t.Helper()
	dir, err := os.MkdirTemp("", "cha")
	if err != nil {
		t.Fatal(err)
	}
	a.Dir = dir
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	a.Ready = pw
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	buf := make([]byte, 16)
	n, _ := pr.Read(buf)
	pr.Close()
	if string(buf[:n]) != "ready\n" {
		t.Fatalf("agent said %q; want ready", buf[:n])
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Serve: %v", err)
			}
			os.RemoveAll(dir)
		})
	}
	t.Cleanup(stop)
	return stop
}

// TestHitCost: a call the agent answers from memory costs the client no
// config load, no keychain read and no HTTP, and the agent no keychain
// read either; when the agent is gone, the client takes the direct path.
func TestHitCost(t *testing.T) {
	s := newSetup(t)
	client := func() (*TokenPath, *keystore.Counting, *tokenserver.NoNetwork) {
		core := s.core(t)
		store, net := &keystore.Counting{Store: s.secrets}, &tokenserver.NoNetwork{}
		core.Secrets, core.HTTPClient = store, &http.Client{Transport: net}
		return s.client(core), store, net
	}
	// A miss: the agent reads the secret once and fetches.
	c, store, _ := client()
	first := mustToken(t, c, credential.Request{})
	if got := s.agentStore.Gets.Load(); got != 1 {
		t.Errorf("agent keychain reads on a miss = %d; want 1", got)
	}
	if got := store.Gets.Load(); got != 0 {
		t.Errorf("client keychain reads on a miss = %d; want 0 (the agent reads)", got)
	}
	if first.AccessToken != "tok-1" || first.Profile != config.DefaultProfile || first.Username != "cid" {
		t.Errorf("token = %+v; want tok-1 of the default profile for cid", first)
	}

	// A hit.
	c, store, net := client()
	tok := mustToken(t, c, credential.Request{})
	if tok.AccessToken != first.AccessToken || !tok.Expiry.Equal(first.Expiry) {
		t.Errorf("hit = %+v; want %+v", tok, first)
	}
	if configRead(t, c.core) {
		t.Error("the client loaded the config file on a hit")
	}
	if got := store.Gets.Load() + s.agentStore.Gets.Load(); got != 1 {
		t.Errorf("keychain reads after a hit = %d; want the miss's 1", got)
	}
	if got := net.Calls.Load(); got != 0 {
		t.Errorf("client HTTP requests on a hit = %d; want 0", got)
	}
	if got := s.srv.Count(); got != 1 { // the miss
		t.Errorf("token requests = %d; want 1", got)
	}

	// No agent: the direct path, with its own keychain read.
	s.stop()
	c, store, _ = client()
	c.core.HTTPClient = nil
	if tok := mustToken(t, c, credential.Request{}); tok.AccessToken == "" || tok.AccessToken == first.AccessToken {
		t.Errorf("direct path: token %q; want one of its own", tok.AccessToken)
	}
	if got := store.Gets.Load(); got != 1 {
		t.Errorf("client keychain reads without an agent = %d; want 1", got)
	}
	if !configRead(t, c.core) { // configRead sees a read when there was one
		t.Error("configRead: the direct path's config load went unseen")
	}
}

// configRead reports whether c has read its config file. Core reads the
// file again only when its identity, size, modification time or mode
// changed: overwritten in place with as many bytes of garbage and given its
// modification time back, the file still looks read to a Core that read it
// (which returns what it read), while one that did not now reads the
// garbage and fails. The file is restored afterwards.
func configRead(t *testing.T, c *helper.Core) bool {
	t.Helper()
	orig, err := os.ReadFile(c.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(c.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := os.WriteFile(c.ConfigPath, orig, 0o600); err != nil {
			t.Fatal(err)
		}
	}()
	if err := os.WriteFile(c.ConfigPath, bytes.Repeat([]byte("["), len(orig)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(c.ConfigPath, time.Time{}, fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	_, err = c.Config()
	return err == nil
}

// TestEnvCredentialsNeverServed: a caller with credentials in its
// environment is served by its core, never by the agent, so that a secret
// from the environment never crosses the socket.
func TestEnvCredentialsNeverServed(t *testing.T) {
	s := newSetup(t)
	core := s.core(t)
	core.Getenv = func(k string) (string, bool) {
		v, ok := map[string]string{credential.EnvClientID: "env-id", credential.EnvClientSecret: "env-secret", helper.EnvOAuthURL: s.srv.URL}[k]
		return v, ok
	}
	mustToken(t, s.client(core), credential.Request{})
	if got := s.srv.Last(t).Form.Get("client_secret"); got != "env-secret" {
		t.Errorf("client_secret = %q; want the environment's", got)
	}
	st, err := Status(s.server.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Served != 0 || st.Tokens != 0 || s.agentStore.Gets.Load() != 0 {
		t.Errorf("agent: %d served, %d token(s) held, %d keychain reads; want none", st.Served, st.Tokens, s.agentStore.Gets.Load())
	}
}

// Whatever withdraws a token through the TokenPath (a protocol's erase,
// login, logout, docker login and logout) reaches a running agent: it no
// longer serves the profile's token, whether or not the withdrawing call
// asks the agent for tokens.
func TestWithdrawReachesAgent(t *testing.T) {
	ctx := context.Background()
	const reg = "registry.example.com"
	for _, tc := range []struct {
		name     string
		resource string // what the token is for; "" the default profile
		withdraw func(c *TokenPath) error
		wantErr  credential.Kind // of the next Token; 0: a new token
	}{
		{name: "Drop", withdraw: func(c *TokenPath) error { return c.Drop(ctx, credential.Request{}) }},
		{name: "Login", withdraw: func(c *TokenPath) error {
			_, err := c.Login(ctx, helper.LoginParams{Secret: "secret-2", NoVerify: true})
			return err
		}},
		{name: "LoginProfile", withdraw: func(c *TokenPath) error {
			_, err := c.LoginProfile(ctx, config.DefaultProfile, helper.LoginParams{Secret: "secret-2", NoVerify: true})
			return err
		}},
		{name: "Logout", withdraw: func(c *TokenPath) error { return c.Logout(ctx) }, wantErr: credential.KindNotLoggedIn},
		{name: "LoginRegistry", resource: reg, withdraw: func(c *TokenPath) error {
			return c.LoginRegistry(ctx, "https://"+reg+"/v2/", "reg-id", "secret-2")
		}},
		{name: "LogoutRegistry", resource: reg, withdraw: func(c *TokenPath) error { return c.LogoutRegistry(ctx, reg) }, wantErr: credential.KindNotLoggedIn},
	} {
		for _, tokens := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/tokens=%v", tc.name, tokens), func(t *testing.T) {
				s := newSetup(t)
				profile := config.DefaultProfile
				if tc.resource != "" {
					profile = "reg"
					core := s.core(t)
					core.Profile = profile
					lp := helper.LoginParams{ClientID: ptr("reg-id"), TokenURL: ptr(s.srv.URL), Hosts: []string{reg}, Secret: "secret-1", NoVerify: true}
					if _, err := core.Login(ctx, lp); err != nil {
						t.Fatal(err)
					}
				}
				req := credential.Request{Resource: tc.resource}
				first := mustToken(t, s.client(s.core(t)), req)
				if first.Profile != profile || s.srv.Count() != 1 || s.held(t) != 1 {
					t.Fatalf("token %+v after %d requests, %d held; want %s's from the agent", first, s.srv.Count(), s.held(t), profile)
				}

				c := s.client(s.core(t))
				c.Tokens = tokens
				if err := tc.withdraw(c); err != nil {
					t.Fatalf("%s = %v", tc.name, err)
				}
				if got := s.held(t); got != 0 {
					t.Errorf("after %s the agent holds %d token(s); want 0", tc.name, got)
				}
				before := s.srv.Count() // docker login verifies the secret with a request of its own
				tok, err := s.client(s.core(t)).Token(ctx, req)
				if tc.wantErr != 0 {
					if credential.KindOf(err) != tc.wantErr {
						t.Errorf("Token after %s = %+v, %v; want an error of kind %v", tc.name, tok, err, tc.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatalf("Token after %s = %v", tc.name, err)
				}
				if tok.AccessToken == first.AccessToken || s.srv.Count() != before+1 {
					t.Errorf("Token after %s = %q after %d requests; want a new token from request %d", tc.name, tok.AccessToken, s.srv.Count(), before+1)
				}
				if tc.name != "Drop" {
					if got := s.srv.Last(t).Form.Get("client_secret"); got != "secret-2" {
						t.Errorf("client_secret after %s = %q; want the new secret-2", tc.name, got)
					}
				}
			})
		}
	}
}

// TestNotificationNeverStartsAgent: a call that withdraws a token tells a
// running agent, but never starts one to tell it; a token request starts
// one (which shows that this client would).
func TestNotificationNeverStartsAgent(t *testing.T) {
	ctx := context.Background()
	s := newSetup(t)
	s.stop()
	dir, err := os.MkdirTemp("", "cha")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	marker := filepath.Join(t.TempDir(), "started")
	exe := filepath.Join(t.TempDir(), "fake-agent")
	// It records that it was started and exits without saying "ready":
	// the client then takes the direct path.
	script := "#!/bin/sh\necho \"$@\" >>'" + marker + "'\n"
	if err := os.WriteFile(exe, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	reg := s.core(t)
	reg.Profile = "reg"
	lp := helper.LoginParams{ClientID: ptr("reg-id"), TokenURL: ptr(s.srv.URL), Hosts: []string{"registry.example.com"}, Secret: "secret-1", NoVerify: true}
	if _, err := reg.Login(ctx, lp); err != nil {
		t.Fatal(err)
	}
	client := func() *TokenPath {
		c := s.client(s.core(t))
		c.Dir, c.Exe = dir, exe
		return c
	}
	for _, tc := range []struct {
		name string
		call func(c *TokenPath) error
	}{
		{"Drop", func(c *TokenPath) error { return c.Drop(ctx, credential.Request{}) }},
		{"Login", func(c *TokenPath) error {
			_, err := c.Login(ctx, helper.LoginParams{Secret: "secret-2", NoVerify: true})
			return err
		}},
		{"LoginRegistry", func(c *TokenPath) error {
			return c.LoginRegistry(ctx, "https://registry.example.com/v2/", "reg-id", "secret-2")
		}},
		{"LogoutRegistry", func(c *TokenPath) error { return c.LogoutRegistry(ctx, "registry.example.com") }},
		{"Logout", func(c *TokenPath) error { return c.Logout(ctx) }},
	} {
		if err := tc.call(client()); err != nil {
			t.Fatalf("%s = %v", tc.name, err)
		}
		if b, err := os.ReadFile(marker); err == nil {
			t.Fatalf("%s started an agent (%q)", tc.name, b)
		}
	}

	if _, err := client().Login(ctx, helper.LoginParams{Secret: "secret-3", NoVerify: true}); err != nil {
		t.Fatal(err)
	}
	if tok := mustToken(t, client(), credential.Request{}); tok.AccessToken == "" {
		t.Error("no token from the direct path")
	}
	if b, err := os.ReadFile(marker); err != nil || string(b) != "agent run --ready-fd=3\n" {
		t.Errorf("a token request ran the agent with %q (%v); want agent run --ready-fd=3 once", b, err)
	}
}

// TestConfigTurnsAgentOff: a config file with [agent] enabled = false is
// not served: the caller takes the direct path, and the agent, serving no
// other config file, exits.
func TestConfigTurnsAgentOff(t *testing.T) {
	s := newSetup(t)
	err := config.Update(context.Background(), s.configPath, func(c *config.Config) error {
		c.Agent.Enabled = ptr(false)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	core := s.core(t)
	store := &keystore.Counting{Store: s.secrets}
	core.Secrets = store
	if tok := mustToken(t, s.client(core), credential.Request{}); tok.AccessToken == "" {
		t.Fatal("no token")
	}
	if got, agent := store.Gets.Load(), s.agentStore.Gets.Load(); got != 1 || agent != 0 {
		t.Errorf("keychain reads: client %d, agent %d; want 1, 0 (the direct path)", got, agent)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := Status(s.server.Dir)
		if err != nil && agentwire.NotListening(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the agent still answers (Status: %v); want it gone", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

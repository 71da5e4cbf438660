//go:build linux || darwin

package cli

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokencache"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// BenchmarkAgentTokenHit measures the agent's side of a fast client's
// cached call: connect, a token request, the reply (no process start).
// go test -run '^$' -bench AgentTokenHit -cpuprofile cpu.out ./internal/cli
func BenchmarkAgentTokenHit(b *testing.B) {
	cfgPath, dir := startBenchAgent(b)
	call := func() {
		for {
			c, err := agentwire.Dial(dir)
			if err != nil {
				time.Sleep(time.Millisecond)
				continue
			}
			r := &agentwire.Request{Op: agentwire.OpToken, Config: cfgPath, Env: agentwire.Environment(os.LookupEnv, agentwire.ProcessEnv)}
			rep, err := agentwire.Call(c, r, time.Now().Add(5*time.Second))
			if err != nil || rep.AccessToken != "tok-bench" {
				b.Fatalf("reply %+v, %v", rep, err)
			}
			return
		}
	}
	call() // starts serving, fetches
	b.ResetTimer()
	for b.Loop() {
		call()
	}
}

// startBenchAgent starts a token agent in this process, with a profile
// "default" whose secret is in memory and whose token endpoint issues
// tok-bench; it returns the config file and the agent's directory.
func startBenchAgent(b *testing.B) (cfgPath, agentDir string) {
	home := b.TempDir()
	for _, k := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"} {
		b.Setenv(k, filepath.Join(home, k))
	}
	srv := tokenserver.New(b)
	srv.MustSet(b, "issue", "tok-bench")
	cfgPath, err := config.DefaultPath()
	if err != nil {
		b.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(cfgPath), 0o700)
	os.WriteFile(cfgPath, []byte("[profiles.default]\nclient_id = \"cid\"\ntoken_url = \""+srv.URL+"\"\n"), 0o600)
	secrets := &keystore.Memory{}
	secrets.Set(context.Background(), "default", `{"v":1,"token_url":"`+srv.URL+`","client_id":"cid","secret":"s3cr3t"}`)

	dir, err := os.MkdirTemp("", "cchb")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	b.Setenv("XDG_RUNTIME_DIR", dir)
	lookup := func(k string) (string, bool) { return os.LookupEnv(k) }
	a := &agent.Server{Dir: agentwire.Dir(lookup), Idle: time.Hour, NewCore: func(path string, front tokencache.Store) *helper.Core {
		core := newCore(path, func(string) (string, bool) { return "", false }, front)
		core.Secrets = secrets
		return core
	}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	b.Cleanup(func() { cancel(); <-done })

	for start := time.Now(); ; time.Sleep(time.Millisecond) { // until it listens
		if c, err := agentwire.Dial(a.Dir); err == nil {
			c.Close()
			break
		}
		if time.Since(start) > 5*time.Second {
			b.Fatal("the agent did not start listening")
		}
	}
	return cfgPath, a.Dir
}

//go:build linux || darwin

package cli

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// BenchmarkAgentRunHit measures the agent's side of a fast client's cached
// call: connect, a forwarded `token --format raw`, the reply (no process
// start). go test -run '^$' -bench AgentRunHit -cpuprofile cpu.out .
func BenchmarkAgentRunHit(b *testing.B) {
	home := b.TempDir()
	for _, k := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"} {
		b.Setenv(k, filepath.Join(home, k))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"tok-bench","token_type":"Bearer","expires_in":3600}`)
	}))
	b.Cleanup(srv.Close)
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
	defer os.RemoveAll(dir)
	b.Setenv("XDG_RUNTIME_DIR", dir)
	lookup := func(k string) (string, bool) { return os.LookupEnv(k) }
	a := &helper.Agent{Dir: agentwire.Dir(lookup), Idle: time.Hour, Secrets: secrets, Run: agentRun("/nonexistent")}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	defer func() { cancel(); <-done }()

	cwd, _ := os.Getwd()
	call := func() {
		for {
			c, err := agentwire.Dial(a.Dir)
			if err != nil {
				time.Sleep(time.Millisecond)
				continue
			}
			r := &agentwire.Request{Op: agentwire.OpRun, Args: []string{name, "token", "--format", "raw"}, Cwd: cwd,
				Env: agentwire.Environment(os.LookupEnv, agentwire.ProcessEnv, agentwire.CallEnv)}
			rep, err := agentwire.Call(c, r, time.Now().Add(5*time.Second))
			if err != nil || string(rep.Stdout) != "tok-bench\n" {
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

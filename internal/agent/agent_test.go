//go:build linux || darwin

package agent

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// startAgent serves an agent in this process, in a short private directory,
// until the test ends (or stop is called).
func startAgent(t *testing.T, a *Agent) (stop func()) {
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
	stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		os.RemoveAll(dir)
	}
	t.Cleanup(func() {
		select {
		case <-ctx.Done():
		default:
			stop()
		}
	})
	return stop
}

// TestAgentHitCost: a call the agent answers from memory costs the client
// no config load, no keychain read and no HTTP, and the agent no keychain
// read either; when the agent is gone, the client takes the direct path.
func TestAgentHitCost(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // where the agent looks for the direct path's tokens
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	mustLogin(t, h, loginParams(srv.URL, "cid", testSecret))
	agentStore := &countingStore{Store: h.Secrets}
	a := &Agent{Idle: time.Minute, Secrets: agentStore}
	stop := startAgent(t, a)

	client := func() (*Core, *countingStore, *noNetwork) {
		c := sibling(h)
		store, net := &countingStore{Store: h.Secrets}, &noNetwork{}
		c.Secrets, c.HTTPClient, c.CacheDir = store, &http.Client{Transport: net}, t.TempDir()
		c.Agent = &AgentClient{Dir: a.Dir, Env: agentwire.Environment(os.LookupEnv, agentwire.ProcessEnv)}
		return c, store, net
	}
	// A miss: the agent reads the secret once and fetches.
	c, store, _ := client()
	first := mustToken(t, c, credential.Request{})
	if got := agentStore.gets.Load(); got != 1 {
		t.Errorf("agent keychain reads on a miss = %d; want 1", got)
	}
	if got := store.gets.Load(); got != 0 {
		t.Errorf("client keychain reads on a miss = %d; want 0 (the agent reads)", got)
	}
	// A hit.
	c, store, net := client()
	tok := mustToken(t, c, credential.Request{})
	if tok.AccessToken != first.AccessToken || !tok.Expiry.Equal(first.Expiry) {
		t.Errorf("hit = %+v; want %+v", tok, first)
	}
	c.mu.Lock()
	loaded := c.cfg != nil
	c.mu.Unlock()
	if loaded {
		t.Error("the client loaded the config file on a hit")
	}
	if got := store.gets.Load() + agentStore.gets.Load(); got != 1 {
		t.Errorf("keychain reads after a hit = %d; want the miss's 1", got)
	}
	if got := net.calls.Load(); got != 0 {
		t.Errorf("client HTTP requests on a hit = %d; want 0", got)
	}
	if got := srv.count(); got != 1 { // the miss
		t.Errorf("token requests = %d; want 1", got)
	}

	// No agent: the direct path, with its own keychain read.
	stop()
	c, store, _ = client()
	c.HTTPClient = nil
	if tok := mustToken(t, c, credential.Request{}); tok.AccessToken == "" {
		t.Error("no token from the direct path")
	}
	if got := store.gets.Load(); got != 1 {
		t.Errorf("client keychain reads without an agent = %d; want 1", got)
	}
}

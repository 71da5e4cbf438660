package trace

import (
	"bytes"
	"context"
	"testing"
)

func TestPrintf(t *testing.T) {
	var b bytes.Buffer
	Printf(context.Background(), "cache", "miss") // no trace: nothing, no panic
	ctx := With(context.Background(), &b)
	if !On(ctx) || On(context.Background()) {
		t.Fatal("On does not tell a traced context from another")
	}
	Printf(ctx, "cache", "miss (%s)\nsecond line", "expired")
	if got, want := b.String(), Prefix+"cache: miss (expired) second line\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// The agent's lines reach the caller's trace marked as the agent's.
func TestRelay(t *testing.T) {
	var agent, caller bytes.Buffer
	actx := With(context.Background(), &agent)
	Printf(actx, "cache", "hit in memory")
	Printf(actx, "keychain", "not read")
	Relay(context.Background(), "agent", agent.String()) // no trace: nothing, no panic
	Relay(With(context.Background(), &caller), "agent", agent.String())
	want := Prefix + "[agent] cache: hit in memory\n" + Prefix + "[agent] keychain: not read\n"
	if got := caller.String(); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestRequested(t *testing.T) {
	for v, want := range map[string]bool{"1": true, "true": true, "YES": true, "0": false, "": false, "no": false} {
		lookup := func(string) (string, bool) { return v, true }
		if got := Requested(lookup); got != want {
			t.Errorf("Requested(%s=%q) = %v; want %v", EnvDebug, v, got, want)
		}
	}
}

package helper

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// countingStore counts keychain reads.
type countingStore struct {
	keystore.Store
	gets atomic.Int32
}

func (s *countingStore) Get(ctx context.Context, profile string) (string, error) {
	s.gets.Add(1)
	return s.Store.Get(ctx, profile)
}

// noNetwork fails every request: a cache hit must not need the network.
type noNetwork struct{ calls atomic.Int32 }

func (n *noNetwork) RoundTrip(*http.Request) (*http.Response, error) {
	n.calls.Add(1)
	return nil, errors.New("network used on the hit path")
}

// TestCacheHitCost proves the floor: a cached call costs exactly one
// keychain read and no network I/O, in a fresh invocation.
func TestCacheHitCost(t *testing.T) {
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	mustLogin(t, h, loginParams(srv.Root, "cid", testSecret))
	mustToken(t, h, credential.Request{}) // fills the cache

	store := &countingStore{Store: h.Secrets}
	net := &noNetwork{}
	hit := sibling(h)
	hit.Secrets = store
	hit.HTTPClient = &http.Client{Transport: net}

	tok := mustToken(t, hit, credential.Request{})
	if tok.AccessToken == "" {
		t.Fatal("credential.Token() returned an empty token")
	}
	if got := store.gets.Load(); got != 1 {
		t.Errorf("keychain reads on a cache hit = %d; want 1", got)
	}
	if got := net.calls.Load(); got != 0 {
		t.Errorf("HTTP requests on a cache hit = %d; want 0", got)
	}
	if got := srv.Count(); got != 1 {
		t.Errorf("token requests = %d; want 1", got)
	}
}

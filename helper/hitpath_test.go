package helper

import (
	"net/http"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// TestCacheHitCost proves the floor: a cached call costs exactly one
// keychain read and no network I/O, in a fresh invocation.
func TestCacheHitCost(t *testing.T) {
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	mustLogin(t, h, loginParams(srv.Root, "cid", testSecret))
	mustToken(t, h, credential.Request{}) // fills the cache

	store := &keystore.Counting{Store: h.Secrets}
	net := &tokenserver.NoNetwork{}
	hit := sibling(h)
	hit.Secrets = store
	hit.HTTPClient = &http.Client{Transport: net}

	tok := mustToken(t, hit, credential.Request{})
	if tok.AccessToken == "" {
		t.Fatal("credential.Token() returned an empty token")
	}
	if got := store.Gets.Load(); got != 1 {
		t.Errorf("keychain reads on a cache hit = %d; want 1", got)
	}
	if got := net.Calls.Load(); got != 0 {
		t.Errorf("HTTP requests on a cache hit = %d; want 0", got)
	}
	if got := srv.Count(); got != 1 {
		t.Errorf("token requests = %d; want 1", got)
	}
}

package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

type demoCmd struct{}

// Run walks through login, token, token again and logout against a token
// endpoint served by this process on loopback, with a throwaway config
// file and cache, and the real keychain when one is reachable.
func (cmd *demoCmd) Run(ctx context.Context, e env) error {
	secret := randomHex(16)
	var requests atomic.Int32
	srv, url, err := demoServer(secret, &requests)
	if err != nil {
		return err
	}
	defer srv.Close()

	tmp, err := os.MkdirTemp("", name+"-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	profile := "demo-" + randomHex(4)
	store, where := demoStore(ctx, profile)
	defer store.Delete(context.WithoutCancel(ctx), profile)
	// The core every call builds, with no environment (no credentials
	// from it), on the throwaway config and cache, and the store probed.
	h := newCore(filepath.Join(tmp, "config.toml"), func(string) (string, bool) { return "", false }, nil)
	h.Secrets, h.CacheDir = store, filepath.Join(tmp, "cache")
	h.Profile, h.Explicit = profile, true
	say := func(format string, args ...any) { fmt.Fprintf(e.stdout, format+"\n", args...) }

	say("A token endpoint is running inside this process at %s.", url)
	say("Secrets go to %s.\n", where)

	say("1. login: check the client secret against the endpoint, then store it.")
	say("   $ %s --profile %s login --client-id demo-client --oauth-url %s --client-secret-stdin", name, profile, url)
	tok, err := h.Login(ctx, helper.LoginParams{ClientID: ptr("demo-client"), TokenURL: &url, Secret: secret})
	if err != nil {
		return err
	}
	say("   verified; token requests so far: %d\n", requests.Load())

	say("2. token: served from the encrypted cache that login filled.")
	tok, err = h.Token(ctx, credential.Request{})
	if err != nil {
		return err
	}
	say("   $ %s --profile %s token --format raw\n   %s\n   valid until %s; token requests so far: %d\n", name, profile, mask(tok.AccessToken), tok.Expiry.UTC().Format(time.RFC3339), requests.Load())

	say("3. token again: still no new request to the endpoint.")
	if tok, err = h.Token(ctx, credential.Request{}); err != nil {
		return err
	}
	say("   %s; token requests so far: %d\n", mask(tok.AccessToken), requests.Load())

	say("4. token --force-refresh: a new token from the endpoint.")
	if tok, err = h.Token(ctx, credential.Request{ForceRefresh: true}); err != nil {
		return err
	}
	say("   %s; token requests so far: %d\n", mask(tok.AccessToken), requests.Load())

	say("5. logout: the secret and the cached token are gone.")
	if err := h.Logout(ctx); err != nil {
		return err
	}
	_, err = h.Token(ctx, credential.Request{})
	say("   $ %s --profile %s token\n   %s: %s\n", name, profile, name, strings.ReplaceAll(protocol.Explain(err), "\n", "\n     "))
	say("Done. Next: %s login --client-id ID (with credentials from Camunda Console), then %s token.", name, name)
	return nil
}

// demoStore is the OS keychain when it takes a probe for profile, else an
// in-memory store; where says which, and why.
func demoStore(ctx context.Context, profile string) (store keystore.Store, where string) {
	store = keystore.Keyring{}
	if err := store.Set(ctx, profile, "probe"); err != nil {
		return &keystore.Memory{}, "an in-memory store, for this demo only, because the OS keychain is not reachable: " + err.Error()
	}
	return store, "the OS keychain (service " + keystore.Service + ", account " + profile + ")"
}

// demoServer serves the client-credentials grant for one client on
// loopback.
func demoServer(secret string, requests *atomic.Int32) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.PostFormValue("grant_type") != "client_credentials" || r.PostFormValue("client_id") != "demo-client" || r.PostFormValue("client_secret") != secret {
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_client", "error_description": "Invalid client credentials"})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"access_token": fmt.Sprintf("demo-token-%d-%s", n, randomHex(8)), "token_type": "Bearer", "expires_in": 3600})
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return srv, "http://" + ln.Addr().String() + "/oauth/token", nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func ptr[T any](v T) *T { return &v }

// mask shows enough of a token to tell two apart.
func mask(tok string) string {
	if len(tok) <= 16 {
		return tok
	}
	return tok[:16] + "..."
}

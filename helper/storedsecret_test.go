package helper

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// storedSecretOf decodes what the keychain holds for profile.
func storedSecretOf(t *testing.T, h *Core, profile string) storedSecret {
	t.Helper()
	v, err := h.Secrets.Get(context.Background(), profile)
	if err != nil {
		t.Fatalf("keychain get %s = %v", profile, err)
	}
	var s storedSecret
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		t.Fatalf("keychain value for %s is not an envelope: %v", profile, err)
	}
	return s
}

// setStoredSecret writes the keychain behind login's back, as another
// program (or an earlier version) could, bound to the CA bundle the
// profile names in the config file as it is now (none when it names none).
func setStoredSecret(t *testing.T, h *Core, profile, tokenURL, clientID, secret string) {
	t.Helper()
	caSum := ""
	if cfg, err := config.Load(h.ConfigPath); err == nil && cfg.Profiles[profile] != nil {
		if caSum, err = caSHA256(cfg.Profiles[profile].CAFile); err != nil {
			t.Fatal(err)
		}
	}
	v := mustEncode(t, creds{TokenURL: tokenURL, ClientID: clientID, Secret: secret}, caSum)
	if err := h.Secrets.Set(context.Background(), profile, v); err != nil {
		t.Fatal(err)
	}
}

func mustEncode(t *testing.T, c creds, caSum string) string {
	t.Helper()
	v, err := encodeSecret(c, caSum)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOpenSecret(t *testing.T) {
	c := creds{Profile: "p", TokenURL: "https://idp.example.com/oauth/token", ClientID: "cid"}
	ok := mustEncode(t, creds{TokenURL: c.TokenURL, ClientID: "cid", Secret: "s3cr3t"}, "")
	for _, tt := range []struct {
		name, stored, wantSecret, wantMsg string
		caSum                             string // the profile's CA bundle now
	}{
		{name: "bound to this profile", stored: ok, wantSecret: "s3cr3t"},
		{name: "equivalent URL", stored: mustEncode(t, creds{TokenURL: "HTTPS://IDP.example.com:443/oauth/token/", ClientID: "cid", Secret: "s3cr3t"}, ""), wantSecret: "s3cr3t"},
		{name: "another token URL", stored: mustEncode(t, creds{TokenURL: "https://evil.example.net/t", ClientID: "cid", Secret: "s3cr3t"}, ""),
			wantMsg: `the secret stored for profile "p" was verified against https://evil.example.net/t (client cid), but the profile now points to https://idp.example.com/oauth/token (client cid)`},
		{name: "another client", stored: mustEncode(t, creds{TokenURL: c.TokenURL, ClientID: "other", Secret: "s3cr3t"}, ""), wantMsg: "(client other)"},
		{name: "legacy plain secret", stored: "s3cr3t", wantMsg: "earlier version"},
		{name: "plain secret that looks like JSON", stored: `{"secret":"s3cr3t"}`, wantMsg: "earlier version"},
		{name: "unknown version", stored: `{"v":2,"secret":"s3cr3t"}`, wantMsg: "format version 2"},
		// The CA bundle's SHA-256 (see storedSecret for the envelopes
		// stored before it was bound).
		{name: "bound to this CA", stored: mustEncode(t, creds{TokenURL: c.TokenURL, ClientID: "cid", Secret: "s3cr3t"}, "aaaa"), caSum: "aaaa", wantSecret: "s3cr3t"},
		{name: "another CA", stored: mustEncode(t, creds{TokenURL: c.TokenURL, ClientID: "cid", Secret: "s3cr3t"}, "aaaa"), caSum: "bbbb", wantMsg: "verified with another CA bundle"},
		{name: "CA file dropped", stored: mustEncode(t, creds{TokenURL: c.TokenURL, ClientID: "cid", Secret: "s3cr3t"}, "aaaa"), wantMsg: "the profile now names none"},
		{name: "CA file added to an envelope without one", stored: ok, caSum: "bbbb", wantMsg: "was not verified with the CA file"},
		{name: "envelope of the version before the CA binding", stored: `{"v":1,"token_url":"https://idp.example.com/oauth/token","client_id":"cid","secret":"s3cr3t"}`, wantSecret: "s3cr3t"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := openSecret(c, tt.caSum, tt.stored)
			if tt.wantMsg == "" {
				if err != nil || got != tt.wantSecret {
					t.Fatalf("openSecret = %q, %v; want %q", got, err, tt.wantSecret)
				}
				return
			}
			e := wantKind(t, err, credential.KindNotLoggedIn)
			if got != "" || !strings.Contains(e.Msg, tt.wantMsg) || e.Missing != credential.MissingBinding || e.Profile != "p" {
				t.Errorf("openSecret = %q, %v; want no secret and %q with a log in hint", got, err, tt.wantMsg)
			}
			wantNoLeak(t, "error", err.Error(), "s3cr3t")
		})
	}
}

// Editing the profile's token URL or client ID in the config file must not
// send the stored secret anywhere, not even serve the token cached for the
// old endpoint; logging in again binds the secret to the new settings.
func TestStoredSecretBoundToProfile(t *testing.T) {
	for _, via := range []string{"file cache", "agent"} {
		for _, field := range []string{"token_url", "client_id"} {
			t.Run(via+"/"+field, func(t *testing.T) {
				old, evil := newTokenServer(t, nil), newTokenServer(t, nil)
				h := newTestHelper(t)
				mustLogin(t, h, loginParams(old.Root, "cid", testSecret))
				if s := storedSecretOf(t, h, config.DefaultProfile); s != (storedSecret{V: 1, TokenURL: old.Root, ClientID: "cid", Secret: testSecret}) {
					t.Fatalf("stored %+v; want the secret bound to %s and cid", s, old.Root)
				}
				mk := func() (*Core, *keystore.Counting) {
					if via == "agent" {
						return agentHelper(h)
					}
					s := &keystore.Counting{Store: h.Secrets}
					sib := sibling(h)
					sib.Secrets = s
					return sib, s
				}
				a, _ := mk()
				mustToken(t, a, credential.Request{}) // cached now
				err := config.Update(context.Background(), h.ConfigPath, func(c *config.Config) error {
					if field == "token_url" {
						c.Profiles[config.DefaultProfile].TokenURL = evil.Root
					} else {
						c.Profiles[config.DefaultProfile].ClientID = "other"
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				b, store := mk()
				if via == "agent" {
					b.Front = a.Front // the same agent, which read the config again
				}
				_, err = b.Token(context.Background(), credential.Request{})
				e := wantKind(t, err, credential.KindNotLoggedIn)
				if !strings.Contains(e.Msg, "was verified against "+old.Root+" (client cid)") || e.Missing != credential.MissingBinding {
					t.Errorf("error = %v; want the old binding named and a new login asked for", err)
				}
				if old.Count() != 1 || evil.Count() != 0 {
					t.Errorf("requests: old %d, new %d; want 1 (the first token) and 0", old.Count(), evil.Count())
				}
				if n := store.Gets.Load(); n != 1 {
					t.Errorf("keychain reads = %d; want 1", n)
				}
				if via == "agent" {
					// The agent's long-lived core follows the edit too.
					_, err = a.Token(context.Background(), credential.Request{})
					wantKind(t, err, credential.KindNotLoggedIn)
					if evil.Count() != 0 {
						t.Errorf("the agent's core sent %d request(s) to the new token URL; want 0", evil.Count())
					}
				}

				// A new login binds the secret to the new settings.
				lp := LoginParams{Secret: testSecret, NoVerify: true}
				if _, err := h.Login(context.Background(), lp); err != nil {
					t.Fatal(err)
				}
				c, _ := mk()
				mustToken(t, c, credential.Request{})
				if old.Count()+evil.Count() != 2 {
					t.Errorf("requests after login: old %d, new %d; want one more", old.Count(), evil.Count())
				}
			})
		}
	}
}

// A plain secret, as versions before the binding stored it, is refused:
// nothing is sent until the user logs in again.
func TestLegacySecretRefused(t *testing.T) {
	srv := newTokenServer(t, nil)
	h := newTestHelper(t)
	mustLogin(t, h, loginParams(srv.Root, "cid", testSecret))
	if err := h.Secrets.Set(context.Background(), config.DefaultProfile, testSecret); err != nil {
		t.Fatal(err)
	}
	net := &tokenserver.NoNetwork{}
	h.HTTPClient = &http.Client{Transport: net}
	_, err := h.Token(context.Background(), credential.Request{})
	e := wantKind(t, err, credential.KindNotLoggedIn)
	if !strings.Contains(e.Msg, "earlier version") || e.Missing != credential.MissingBinding {
		t.Errorf("error = %v; want a legacy secret refused and a new login asked for", err)
	}
	if net.Calls.Load() != 0 || srv.Count() != 0 {
		t.Errorf("requests = %d; want 0", net.Calls.Load()+int32(srv.Count()))
	}
	// Listings only look for presence.
	ps, err := h.Profiles(context.Background())
	if err != nil || len(ps) != 1 || !ps[0].HasSecret {
		t.Errorf("Profiles = %+v, %v; want default with a secret", ps, err)
	}
	// Credentials from the environment do not touch the keychain entry.
	h.Getenv = mapEnv(map[string]string{credential.EnvClientID: "cid", credential.EnvClientSecret: testSecret})
	h.HTTPClient = nil
	mustToken(t, h, credential.Request{})
}

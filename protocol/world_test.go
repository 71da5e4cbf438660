package protocol_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

// The protocols' tests run over the product's token path: the config file's
// profiles routed by config.Select, the core (helper.Core inside the
// agent's client, with the agent off), an in-memory keychain and an
// in-process token endpoint below it. A change in routing, in the core's
// errors or in what the core hands out shows in the golden exchanges.

// t0 is the refresh time of the world's tokens; testNow, the clock the
// protocols see, is five minutes before.
var (
	t0      = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	testNow = t0.Add(-5 * time.Minute)
)

// fixtureProfile is one profile of the world's config file, with the token
// the endpoint issues to its client.
type fixtureProfile struct {
	name, clientID, username string
	hosts                    []string
	token                    string
	expiresIn                int    // seconds: 3600 refreshes at t0, 3601 at t0+900ms
	secret                   string // what the keychain holds; "" is endpointSecret
}

// endpointSecret is the secret the token endpoint accepts from every client;
// quotedSecret, one that Go quotes with escapes, too.
const (
	endpointSecret = "s3cr3t-value"
	quotedSecret   = `a"b\c-s3cr3t`
)

var fixtureProfiles = []fixtureProfile{
	{name: "default", clientID: "client-0", token: "tok-default-0", expiresIn: 3600},
	{name: "prod", clientID: "client-1", hosts: []string{"git.example.com", "127.0.0.1:8080"}, token: "tok-git-1", expiresIn: 3600},
	{name: "io", clientID: "client-2", hosts: []string{"*.example.io"}, token: "tok-wild-2", expiresIn: 3601},
	{name: "registry", clientID: "client-3", hosts: []string{"registry.example.com:5000"}, token: "tok-reg-3", expiresIn: 3600},
	{name: "hub", clientID: "client-4", hosts: []string{"docker.io"}, token: "tok-hub-4", expiresIn: 3600},
	{name: "badtoken", clientID: "client-5", hosts: []string{"badtoken.example.com"}, token: "tok-bad-5\nusername=evil", expiresIn: 3600},
	{name: "baduser", clientID: "client-6", username: "client\r\n6", hosts: []string{"baduser.example.com"}, token: "tok-baduser-6", expiresIn: 3600},
	{name: "rejected", clientID: "client-9", hosts: []string{"rejected.example.com"}, secret: worldSecrets[2], expiresIn: 3600},
}

// worldSecrets are the client secrets of the world and of its exchanges'
// inputs: none may show in any output, however escaped.
var worldSecrets = []string{endpointSecret, quotedSecret, "revoked-secret", "wrong-secret"}

// fixtureTokens lists every token the world can hand out.
var fixtureTokens = func() []string {
	var out []string
	for _, p := range fixtureProfiles {
		if p.token != "" {
			out = append(out, strings.SplitN(p.token, "\n", 2)[0])
		}
	}
	return out
}()

// endpoint is the token endpoint of every world: one per test binary, its
// answers depend on the request alone.
var endpoint *httptest.Server

// template is what every world starts from: the config file and the
// keychain that logging in every fixture profile leaves.
var template struct {
	config  []byte
	secrets map[string]string
}

func TestMain(m *testing.M) {
	endpoint = httptest.NewServer(http.HandlerFunc(serveToken))
	code := 1
	if err := makeTemplate(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	} else {
		code = m.Run()
	}
	endpoint.Close()
	os.Exit(code)
}

// makeTemplate logs every fixture profile in with the product's login
// (without asking the endpoint: login's verification is not what these
// tests are about).
func makeTemplate() error {
	dir, err := os.MkdirTemp("", "protocol-world")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	kc := &keystore.Memory{}
	cfgPath := filepath.Join(dir, "config.toml")
	for _, p := range fixtureProfiles {
		secret := p.secret
		if secret == "" {
			secret = endpointSecret
		}
		login := &helper.Core{Secrets: kc, ConfigPath: cfgPath, Profile: p.name, Getenv: func(string) (string, bool) { return "", false }}
		lp := helper.LoginParams{ClientID: &p.clientID, TokenURL: ptr(endpoint.URL + "/oauth/token"), Hosts: p.hosts, Secret: secret, NoVerify: true}
		if p.username != "" {
			lp.Username = &p.username
		}
		if _, err := login.Login(context.Background(), lp); err != nil {
			return fmt.Errorf("login %s: %w", p.name, err)
		}
	}
	template.secrets = map[string]string{}
	for _, p := range fixtureProfiles {
		if template.secrets[p.name], err = kc.Get(context.Background(), p.name); err != nil {
			return err
		}
	}
	template.config, err = os.ReadFile(cfgPath)
	return err
}

// serveToken issues a profile's token to its client with endpointSecret
// and rejects everything else, as a real endpoint would.
func serveToken(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	for _, p := range fixtureProfiles {
		if p.clientID == id && p.token != "" && (secret == endpointSecret || secret == quotedSecret) {
			tokenserver.WriteJSON(w, http.StatusOK, map[string]any{"access_token": p.token, "token_type": "Bearer", "expires_in": p.expiresIn})
			return
		}
	}
	tokenserver.OAuthError(w, http.StatusUnauthorized, "invalid_client", "Invalid client credentials")
}

// world is one call's surroundings: its own config file, cache and
// keychain, the shared endpoint, and a log of what the protocol asked.
type world struct {
	dir      string // the config file and cache live below it
	core     *helper.Core
	keychain *keychain
	calls    []string
}

// newWorld returns a world of its own, copied from the template, and the
// token path a call of the full binary would build, with the agent off.
func newWorld(t testing.TB) *world {
	t.Helper()
	dir := t.TempDir()
	kc := &keychain{}
	for name, v := range template.secrets {
		_ = kc.Memory.Set(context.Background(), name, v)
	}
	core := &helper.Core{Secrets: kc, ConfigPath: filepath.Join(dir, "config", "config.toml"), CacheDir: filepath.Join(dir, "cache"),
		Getenv: func(string) (string, bool) { return "", false }, Timeout: 10 * time.Second}
	if err := os.Mkdir(filepath.Dir(core.ConfigPath), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(core.ConfigPath, template.config, 0o600); err != nil {
		t.Fatal(err)
	}
	// The core's clock: a token of 3600 s received now refreshes at t0.
	core.Now = func() time.Time { return t0.Add(-3240 * time.Second) }
	return &world{dir: dir, core: core, keychain: kc}
}

// set applies one directive of a golden exchange's header to the world.
func (w *world) set(t testing.TB, key, val string) {
	switch key + ": " + val {
	case "keychain: locked":
		w.keychain.locked = true
	case "keychain: empty":
		w.keychain.Memory = keystore.Memory{}
	case "keychain: echo":
		w.keychain.echo = true
	case "config: broken":
		if err := os.WriteFile(w.core.ConfigPath, []byte("[profiles\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	default:
		switch key {
		case "profile":
			w.core.Profile = val // CAMUNDA_PROFILE
		case "args", "env", "stdin":
			// the exchange's own, not the world's
		default:
			t.Fatalf("unknown directive %s: %s", key, val)
		}
	}
}

// source is what the full binary hands a protocol: the agent's client
// (here with no agent) around the core, with every call logged.
func (w *world) source() *recorder {
	return &recorder{c: agent.NewTokenPath(w.core), w: w}
}

// served reports whether the product's routing gives resource a profile:
// config.Select over the world's config file, asked directly.
func (w *world) served(t testing.TB, resource string) bool {
	cfg, err := w.core.Config()
	if err != nil {
		t.Fatal(err)
	}
	_, err = cfg.Select(w.core.Stamp(credential.Request{Resource: resource}))
	return err == nil
}

// keychain is an in-memory keychain that can be locked, and can break the Store contract by quoting the secret in
// an error (the docker adapter redacts it anyway).
type keychain struct {
	keystore.Memory
	locked bool
	echo   bool
}

func (k *keychain) unavailable(string) error {
	if k.locked {
		return &keystore.UnavailableError{Reason: "the login keyring is locked", Hint: "unlock it and try again"}
	}
	return nil
}

func (k *keychain) Get(ctx context.Context, profile string) (string, error) {
	if err := k.unavailable(profile); err != nil {
		return "", err
	}
	return k.Memory.Get(ctx, profile)
}

func (k *keychain) Set(ctx context.Context, profile, secret string) error {
	if err := k.unavailable(profile); err != nil {
		return err
	}
	if k.echo {
		return fmt.Errorf("store failed for value %q", secret)
	}
	return k.Memory.Set(ctx, profile, secret)
}

func (k *keychain) Delete(ctx context.Context, profile string) error {
	if err := k.unavailable(profile); err != nil {
		return err
	}
	return k.Memory.Delete(ctx, profile)
}

// recorder passes every call on to the token path and logs it.
type recorder struct {
	c *agent.TokenPath
	w *world
}

var (
	_ protocol.Registry = (*recorder)(nil)
	_ protocol.Tokens   = (*recorder)(nil)
)

func (r *recorder) logf(format string, args ...any) {
	r.w.calls = append(r.w.calls, fmt.Sprintf(format, args...))
}

func (r *recorder) Token(ctx context.Context, req credential.Request) (credential.Token, error) {
	r.logf("token profile=%q resource=%q min_ttl=%s", req.Profile, req.Resource, req.MinTTL)
	return r.c.Token(ctx, req)
}

func (r *recorder) Drop(ctx context.Context, req credential.Request) error {
	r.logf("drop profile=%q resource=%q", req.Profile, req.Resource)
	return r.c.Drop(ctx, req)
}

func (r *recorder) LoginRegistry(ctx context.Context, serverURL, clientID, secret string) error {
	r.logf("login server=%q client_id=%q secret=%q", serverURL, clientID, secret)
	return r.c.LoginRegistry(ctx, serverURL, clientID, secret)
}

func (r *recorder) LogoutRegistry(ctx context.Context, serverURL string) error {
	r.logf("logout server=%q", serverURL)
	return r.c.LogoutRegistry(ctx, serverURL)
}

func (r *recorder) Hosts(ctx context.Context) (map[string]string, error) {
	r.logf("hosts")
	return r.c.Hosts(ctx)
}

func ptr[T any](v T) *T { return &v }

// assertNoLeak checks the invariants every adapter keeps on any input: no
// token on stderr, and no token on stdout unless the exit status is 0.
func assertNoLeak(t *testing.T, name, in string, code int, stdout, stderr string) {
	t.Helper()
	for _, tok := range fixtureTokens {
		if strings.Contains(stderr, tok) {
			t.Fatalf("%s(%q) stderr = %q; contains token %q", name, in, stderr, tok)
		}
		if code != 0 && strings.Contains(stdout, tok) {
			t.Fatalf("%s(%q) = exit %d, stdout %q; contains token %q", name, in, code, stdout, tok)
		}
	}
}

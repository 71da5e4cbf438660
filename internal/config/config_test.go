package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
)

func TestLoadConfigMissing(t *testing.T) {
	cfg, err := Load(filepath.Join(t.TempDir(), "nope", "config.toml"))
	if err != nil {
		t.Fatalf("Load(missing) = %v; want an empty config", err)
	}
	if cfg.Profiles == nil || len(cfg.Profiles) != 0 {
		t.Errorf("Load(missing).Profiles = %#v; want an empty, non-nil map", cfg.Profiles)
	}
}

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		wantErr string // "" means success
		check   func(t *testing.T, c *Config)
	}{
		{name: "empty file", text: "", check: func(t *testing.T, c *Config) {
			if c.Profiles == nil || len(c.Profiles) != 0 {
				t.Errorf("Profiles = %#v; want an empty map", c.Profiles)
			}
		}},
		{name: "audience absent means the default", text: "[profiles.a]\nclient_id = \"x\"\n", check: func(t *testing.T, c *Config) {
			if got := c.Profiles["a"].AudienceOrDefault(); got != DefaultAudience {
				t.Errorf("audience = %q; want %q", got, DefaultAudience)
			}
			if got := c.Profiles["a"].TokenURLOrDefault(); got != DefaultTokenURL {
				t.Errorf("token URL = %q; want %q", got, DefaultTokenURL)
			}
			if got := c.Profiles["a"].AuthMethodOrDefault(); got != AuthPost {
				t.Errorf("auth method = %q; want %q", got, AuthPost)
			}
			if got := c.Profiles["a"].UsernameOrDefault(); got != "x" {
				t.Errorf("username = %q; want the client ID", got)
			}
		}},
		{name: "empty audience means none", text: "[profiles.a]\nclient_id = \"x\"\naudience = \"\"\n", check: func(t *testing.T, c *Config) {
			if got := c.Profiles["a"].AudienceOrDefault(); got != "" {
				t.Errorf("audience = %q; want none", got)
			}
		}},
		{name: "every field", text: `
[profiles.prod]
client_id = "id"
token_url = "https://login.example.com/token"
audience = "zeebe.camunda.io"
scope = "a b"
auth_method = "basic"
hosts = ["*.example.com", "api.example.com:8443"]
ca_file = "/etc/ca.pem"
username = "bob"
api_url = "https://api.example.com"
`, check: func(t *testing.T, c *Config) {
			want := &Profile{ClientID: "id", TokenURL: "https://login.example.com/token", Audience: ptr("zeebe.camunda.io"), Scope: "a b",
				AuthMethod: AuthBasic, Hosts: []string{"*.example.com", "api.example.com:8443"}, CAFile: "/etc/ca.pem", Username: "bob", APIURL: "https://api.example.com"}
			if got := c.Profiles["prod"]; !reflect.DeepEqual(got, want) {
				t.Errorf("profile = %+v; want %+v", got, want)
			}
		}},
		{name: "empty profile table", text: "[profiles.a]\n", check: func(t *testing.T, c *Config) {
			if c.Profiles["a"] == nil {
				t.Errorf("profile a = nil; want an empty profile")
			}
		}},
		{name: "unknown top-level key", text: "verbose = true\n", wantErr: "verbose"},
		{name: "unknown profile key", text: "[profiles.a]\nclient_id = \"x\"\nclient_secret = \"oops\"\n", wantErr: `"profiles.a.client_secret" (line 3)`},
		{name: "misspelt key", text: "[profiles.a]\nclientid = \"x\"\n", wantErr: "clientid"},
		{name: "wrong type", text: "[profiles.a]\nhosts = \"a.example.com\"\n", wantErr: "line 2"},
		{name: "bad auth method", text: "[profiles.a]\nauth_method = \"tls_client_auth\"\n", wantErr: "tls_client_auth"},
		{name: "bad signing alg", text: "[profiles.a]\nsigning_alg = \"HS256\"\n", wantErr: "HS256"},
		{name: "bad host pattern", text: "[profiles.a]\nhosts = [\"https://a.example.com\"]\n", wantErr: `profile "a"`},
		{name: "not TOML", text: "{\"profiles\": {}}", wantErr: "config.toml"},
		{name: "duplicate table", text: "[profiles.a]\n[profiles.a]\n", wantErr: "config.toml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.toml")
			if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := Load(path)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Load = %v", err)
				}
				tt.check(t, cfg)
				return
			}
			e := wantKind(t, err, credential.KindUsage)
			if !strings.Contains(e.Msg, path) || !strings.Contains(e.Msg, tt.wantErr) {
				t.Errorf("message %q does not name the file %s and %q", e.Msg, path, tt.wantErr)
			}
		})
	}
}

func TestUpdateConfigConcurrent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "dir")
	path := filepath.Join(dir, "config.toml")
	const n = 20
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			errs[i] = Update(context.Background(), path, func(c *Config) error {
				c.Profiles[fmt.Sprintf("p%02d", i)] = &Profile{ClientID: fmt.Sprintf("id-%d", i)}
				return nil
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Update %d = %v", i, err)
		}
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Profiles) != n {
		t.Errorf("config has %d profiles (%v); want %d: an update was lost", len(cfg.Profiles), cfg.Names(), n)
	}
	for i := range n {
		if p := cfg.Profiles[fmt.Sprintf("p%02d", i)]; p == nil || p.ClientID != fmt.Sprintf("id-%d", i) {
			t.Errorf("profile p%02d = %+v; want client ID id-%d", i, p, i)
		}
	}
	if runtime.GOOS != "windows" {
		for path, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
			if fi, err := os.Stat(path); err != nil {
				t.Error(err)
			} else if fi.Mode().Perm() != want {
				t.Errorf("%s: mode %v; want %v", path, fi.Mode().Perm(), want)
			}
		}
	}
}

func TestUpdateConfigErrorKeepsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	add := func(name string) error {
		return Update(context.Background(), path, func(c *Config) error {
			c.Profiles[name] = &Profile{ClientID: name}
			return nil
		})
	}
	if err := add("a"); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	boom := fmt.Errorf("boom")
	err := Update(context.Background(), path, func(c *Config) error {
		c.Profiles["b"] = &Profile{}
		return boom
	})
	if err != boom {
		t.Errorf("Update = %v; want the callback's error", err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Errorf("a failed update changed the file:\n%s\nwant:\n%s", after, before)
	}
	// A file that does not parse is not overwritten either.
	os.WriteFile(path, []byte("junk = \n"), 0o600)
	if err := add("c"); credential.KindOf(err) != credential.KindUsage {
		t.Errorf("Update over a broken file = %v; want a usage error", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "junk = \n" {
		t.Errorf("Update rewrote a broken file to %q", b)
	}
}

// A writer that dies mid-write leaves only a temporary file; the config
// stays parseable and later updates ignore the leftovers.
func TestUpdateConfigCrashLeftovers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	if err := Update(context.Background(), path, func(c *Config) error {
		c.Profiles["a"] = &Profile{ClientID: "a", Hosts: []string{"a.example.com"}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	full, _ := os.ReadFile(path)
	// What writeFileAtomic leaves behind when killed before the rename: a
	// partial temp file (and a stale lock file, which flock ignores).
	for i, junk := range [][]byte{full[:len(full)/2], []byte("\x00\x00garbage [[[")} {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf(".config.toml.%d.tmp", 1000+i)), junk, 0o600)
	}
	cfg, err := Load(path)
	if err != nil || cfg.Profiles["a"] == nil {
		t.Fatalf("Load with leftovers = %+v, %v; want profile a", cfg, err)
	}
	if err := Update(context.Background(), path, func(c *Config) error {
		c.Profiles["b"] = &Profile{ClientID: "b"}
		return nil
	}); err != nil {
		t.Fatalf("Update with leftovers = %v", err)
	}
	cfg, err = Load(path)
	if err != nil || len(cfg.Profiles) != 2 {
		t.Fatalf("after an update with leftovers: %v, %v; want profiles a and b", cfg, err)
	}
	// Successful writes leave no temporary file of their own.
	tmps, _ := filepath.Glob(filepath.Join(dir, ".config.toml.*.tmp"))
	if len(tmps) != 2 {
		t.Errorf("temporary files = %q; want only the two planted leftovers", tmps)
	}
}

// A config that parses survives being rewritten by Update.
func TestUpdateConfigRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	orig := map[string]*Profile{
		"a":          {ClientID: "id", Audience: ptr(""), Scope: "x y", AuthMethod: AuthBasic, Hosts: []string{"*.example.com"}},
		"b.example":  {ClientID: "quote\"and\\backslash", Audience: ptr("aud"), TokenURL: "https://x.example.com/t"},
		"c:5000":     {ClientID: "c"},
		"me@example": {ClientID: "ünïcödé\ttab"},
	}
	if err := Update(context.Background(), path, func(c *Config) error {
		c.Profiles = orig
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg.Profiles, orig) {
		b, _ := os.ReadFile(path)
		t.Errorf("round trip changed the profiles; file:\n%s", b)
	}
}

func FuzzLoadConfig(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("[profiles.a]\nclient_id = \"x\"\naudience = \"\"\nhosts = [\"*.example.com:443\"]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := parseConfig("fuzz.toml", b)
		if err != nil {
			if credential.KindOf(err) != credential.KindUsage || !strings.Contains(err.Error(), "fuzz.toml") {
				t.Fatalf("parseConfig error %v: want a usage error naming the file", err)
			}
			return
		}
		if cfg.Profiles == nil {
			t.Fatal("parseConfig returned nil Profiles")
		}
		for name, p := range cfg.Profiles {
			if p == nil {
				t.Fatalf("profile %q is nil", name)
			}
			p.TokenURLOrDefault()
			p.AudienceOrDefault()
			for _, h := range p.Hosts {
				route.MatchHost(h, route.Target{Scheme: "https", Host: "a.example.com", Port: "443"})
			}
		}
		if runtime.GOOS == "windows" {
			return
		}
		// What parses must survive a rewrite by Update.
		path := filepath.Join(t.TempDir(), "config.toml")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := Update(context.Background(), path, func(*Config) error { return nil }); err != nil {
			t.Fatalf("Update of a parseable file = %v", err)
		}
		again, err := Load(path)
		if err != nil {
			out, _ := os.ReadFile(path)
			t.Fatalf("the rewritten file does not parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(normalized(again.Profiles), normalized(cfg.Profiles)) {
			out, _ := os.ReadFile(path)
			t.Fatalf("rewrite changed the profiles: %#v -> %#v\n%s", cfg.Profiles, again.Profiles, out)
		}
	})
}

// normalized treats an empty hosts list like an absent one, as the file
// does.
func normalized(m map[string]*Profile) map[string]Profile {
	out := map[string]Profile{}
	for k, p := range m {
		q := *p
		if len(q.Hosts) == 0 {
			q.Hosts = nil
		}
		out[k] = q
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func wantKind(t *testing.T, err error, k credential.Kind) *credential.Error {
	t.Helper()
	var e *credential.Error
	if !errors.As(err, &e) || e.Kind != k {
		t.Fatalf("error = %v; want an error of kind %s", err, k.Code())
	}
	return e
}

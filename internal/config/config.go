// Package config is the config file: named profiles with their non-secret
// settings (the client secret lives in the keychain), read and written
// under a lock, refused when others could change it; the one rule for which
// profile serves a request (select.go); and Camunda's API presets.
package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"github.com/pelletier/go-toml/v2"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/privfile"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
)

// Camunda SaaS defaults.
const (
	DefaultTokenURL = "https://login.cloud.camunda.io/oauth/token"
	DefaultAudience = "api.cloud.camunda.io"
	DefaultProfile  = "default"
)

// Client authentication methods (RFC 6749 §2.3.1).
const (
	AuthPost  = "post"  // client_id and client_secret in the form body (client_secret_post)
	AuthBasic = "basic" // HTTP Basic with the form-encoded id and secret (client_secret_basic)
	// AuthKey is a JWT signed with the client's private key, kept in the
	// keychain in place of a secret (RFC 7523, private_key_jwt).
	AuthKey = "private_key_jwt"
)

// AuthMethodName is the method's name in OpenID Connect's registry, as
// discovery documents and identity providers' consoles spell it.
func AuthMethodName(m string) string {
	switch m {
	case "", AuthPost:
		return "client_secret_post"
	case AuthBasic:
		return "client_secret_basic"
	}
	return m
}

// Profile holds a profile's non-secret settings. The client secret lives in
// the keychain under the profile's name, never here.
type Profile struct {
	ClientID   string   `toml:"client_id"`
	TokenURL   string   `toml:"token_url,omitempty"`
	Audience   *string  `toml:"audience,omitempty"` // nil: DefaultAudience; "": none is sent
	Scope      string   `toml:"scope,omitempty"`
	AuthMethod string   `toml:"auth_method,omitempty"` // "" means AuthPost
	Issuer     string   `toml:"issuer,omitempty"`      // the OIDC issuer TokenURL was discovered from (login --issuer)
	KeyID      string   `toml:"key_id,omitempty"`      // kid of the assertions; "" means the key's RFC 7638 thumbprint
	SigningAlg string   `toml:"signing_alg,omitempty"` // RS256 (default for RSA), PS256, or ES256 (EC)
	Hosts      []string `toml:"hosts,omitempty"`
	CAFile     string   `toml:"ca_file,omitempty"`
	Username   string   `toml:"username,omitempty"`
	API        string   `toml:"api,omitempty"`     // Camunda API preset for check: modeler, admin, zeebe, ...
	APIURL     string   `toml:"api_url,omitempty"` // base URL of that API, when not the preset's SaaS one
	// TrustLoopbackListener sends over plain http to a loopback token URL
	// whose listener's owner this system cannot tell (macOS, Windows).
	TrustLoopbackListener bool `toml:"trust_loopback_listener,omitempty"`
	// Forward lets the agent's forward socket (ssh -R, a dev container)
	// hand out this profile's tokens; see Forwarded.
	Forward bool `toml:"forward,omitempty"`
}

// TokenURLOrDefault returns the token URL, or DefaultTokenURL when unset.
func (p *Profile) TokenURLOrDefault() string {
	if p.TokenURL == "" {
		return DefaultTokenURL
	}
	return p.TokenURL
}

// AudienceOrDefault returns the audience to send ("" for none).
func (p *Profile) AudienceOrDefault() string {
	if p.Audience == nil {
		return DefaultAudience
	}
	return *p.Audience
}

// AuthMethodOrDefault returns the client authentication method.
func (p *Profile) AuthMethodOrDefault() string {
	if p.AuthMethod == "" {
		return AuthPost
	}
	return p.AuthMethod
}

// UsernameOrDefault returns the username for protocols that need one.
func (p *Profile) UsernameOrDefault() string {
	if p.Username == "" {
		return p.ClientID
	}
	return p.Username
}

// Config is the config file: named profiles.
type Config struct {
	Agent    AgentSettings       `toml:"agent,omitzero"`
	Profiles map[string]*Profile `toml:"profiles"`
}

// Names returns the profile names, sorted.
func (c *Config) Names() []string {
	names := make([]string, 0, len(c.Profiles))
	for n := range c.Profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// DefaultPath is <os.UserConfigDir()>/camunda-credential-helper/config.toml.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, tools.Name, "config.toml"), nil
}

// Load reads the config file at path. A missing file is an empty
// config; one that others could have changed is refused (checkConfigPerms).
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{Profiles: map[string]*Profile{}}, nil
	}
	if err != nil {
		return nil, &credential.Error{Kind: credential.KindUsage, Msg: "cannot read config file: " + err.Error(), Err: err}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, &credential.Error{Kind: credential.KindUsage, Msg: "cannot read config file: " + err.Error(), Err: err}
	}
	if err := checkConfigPerms(path, fi); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, &credential.Error{Kind: credential.KindUsage, Msg: "cannot read config file: " + err.Error(), Err: err}
	}
	return parseConfig(path, b)
}

func parseConfig(path string, b []byte) (*Config, error) {
	var c Config
	d := toml.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&c); err != nil {
		return nil, &credential.Error{Kind: credential.KindUsage, Msg: fmt.Sprintf("config file %s: %s", path, tomlError(err)), Err: err}
	}
	if c.Profiles == nil {
		c.Profiles = map[string]*Profile{}
	}
	if d, err := time.ParseDuration(c.Agent.Idle); c.Agent.Idle != "" && (err != nil || d <= 0) {
		return nil, &credential.Error{Kind: credential.KindUsage, Msg: fmt.Sprintf("config file %s: agent.idle %q: want a positive duration such as \"15m\"", path, c.Agent.Idle)}
	}
	for _, uid := range c.Agent.ForwardUIDs {
		if uid < 0 {
			return nil, &credential.Error{Kind: credential.KindUsage, Msg: fmt.Sprintf("config file %s: agent.forward_uids: %d is not a uid", path, uid)}
		}
	}
	for name, p := range c.Profiles {
		if p == nil {
			c.Profiles[name] = &Profile{}
			continue
		}
		if err := p.Validate(); err != nil {
			return nil, &credential.Error{Kind: credential.KindUsage, Msg: fmt.Sprintf("config file %s: profile %q: %v", path, name, err), Err: err}
		}
		if p.CAFile != "" && !filepath.IsAbs(p.CAFile) {
			// git and the others run us in whatever directory they are
			// in: a relative CA file can only mean one next to the config.
			// (The next update of the file writes it out absolute.)
			p.CAFile = filepath.Join(filepath.Dir(path), p.CAFile)
		}
	}
	return &c, nil
}

// tomlError names the offending keys and lines, which go-toml's messages
// for unknown keys leave out.
func tomlError(err error) string {
	var sme *toml.StrictMissingError
	if errors.As(err, &sme) {
		keys := make([]string, len(sme.Errors))
		for i := range sme.Errors {
			row, _ := sme.Errors[i].Position()
			keys[i] = fmt.Sprintf("%q (line %d)", strings.Join(sme.Errors[i].Key(), "."), row)
		}
		return "unknown key " + strings.Join(keys, ", ")
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		if row, _ := de.Position(); row > 0 {
			return fmt.Sprintf("line %d: %v", row, err)
		}
	}
	return err.Error()
}

// Validate reports why p cannot be used, or nil.
func (p *Profile) Validate() error {
	switch p.AuthMethod {
	case "", AuthPost, AuthBasic, AuthKey:
	default:
		return fmt.Errorf("auth_method %q: want %q, %q or %q", p.AuthMethod, AuthPost, AuthBasic, AuthKey)
	}
	switch p.SigningAlg {
	case "", "RS256", "PS256", "ES256":
	default:
		return fmt.Errorf("signing_alg %q: want RS256, PS256 or ES256", p.SigningAlg)
	}
	if _, ok := Presets[p.API]; p.API != "" && !ok {
		return fmt.Errorf("api %q: want one of %v", p.API, PresetNames())
	}
	for _, h := range p.Hosts {
		if err := route.ValidHostPattern(h); err != nil {
			return err
		}
	}
	return nil
}

// Update applies f to the config file at path under an exclusive lock
// and writes the result atomically (temp file, fsync, rename), so concurrent
// updates never lose each other's changes and a crash leaves either the old
// or the new file. The directory is created 0700 and the file is 0600.
func Update(ctx context.Context, path string, f func(*Config) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return &credential.Error{Kind: credential.KindUsage, Msg: "cannot create config directory: " + err.Error(), Err: err}
	}
	if fi, err := os.Stat(dir); err == nil && fi.Mode().Perm()&0o077 != 0 && filepath.Base(dir) == tools.Name {
		_ = os.Chmod(dir, 0o700) // our own directory: tighten it; never someone else's
	}
	if err := checkConfigDir(dir); err != nil {
		return err // a file written there would be refused on reading
	}
	lock := flock.New(path + ".lock")
	ok, err := lock.TryLockContext(ctx, 10*time.Millisecond)
	if !ok {
		return &credential.Error{Kind: credential.KindUsage, Msg: "cannot lock config file", Err: err}
	}
	defer lock.Unlock()
	c, err := Load(path)
	if err != nil {
		return err
	}
	if err := f(c); err != nil {
		return err
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# %s profiles. Client secrets are never stored here:\n# they live in the OS keychain. Edit freely; `%[1]s profiles` checks it.\n\n", tools.Name)
	enc := toml.NewEncoder(&buf)
	enc.SetIndentTables(true)
	if err := enc.Encode(c); err != nil {
		return err
	}
	if err := privfile.WriteAtomic(path, buf.Bytes()); err != nil {
		return &credential.Error{Kind: credential.KindUsage, Msg: "cannot write config file: " + err.Error(), Err: err}
	}
	return nil
}

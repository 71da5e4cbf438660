package helper

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/clientauth"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// LoginParams are the settings login changes. A nil field keeps the
// profile's current value (or the default for a new profile).
type LoginParams struct {
	ClientID   *string
	TokenURL   *string
	Audience   *string // "" means none is sent
	Scope      *string
	AuthMethod *string
	Hosts      []string // nil keeps the current hosts
	CAFile     *string
	Username   *string
	API        *string // a Camunda API preset: sets the audience unless Audience is given
	APIURL     *string
	Forward    *bool // let the agent's forward socket hand out the profile's tokens
	// TrustLoopbackListener allows plain http to a loopback token URL whose
	// listener's owner this system cannot tell (macOS, Windows).
	TrustLoopbackListener *bool
	Secret                string
	NoVerify              bool
	// A key in place of the secret: read from a file, or generated (clientauth.TypeRSA, TypeEC; unverified).
	Key         *clientauth.Key
	GenerateKey string
	KeyID       *string // kid of the assertions ("" or nil: the key's thumbprint)
	SigningAlg  *string // RS256, PS256 or ES256 ("" or nil: the key's default)
	Issuer      *string // OIDC issuer: the token URL is discovered from it
}

// ValidProfileName rejects names that cannot serve as a keychain account or
// be typed safely.
func ValidProfileName(name string) error {
	if name == "" || len(name) > 128 {
		return errors.New("a profile name must be 1 to 128 characters")
	}
	for _, r := range name {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-:@", r)) {
			return fmt.Errorf("profile name %q: only letters, digits and . _ - : @ are allowed", name)
		}
	}
	return nil
}

// Login verifies the credentials by fetching a token (unless NoVerify),
// then stores the secret in the keychain and the settings in the config
// file. When verification fails nothing is stored.
func (h *Core) Login(ctx context.Context, lp LoginParams) (credential.Token, error) {
	return h.login(ctx, h.ProfileName(), lp)
}

// LoginProfile is Login for the named profile rather than the selected one
// (import, which makes several).
func (h *Core) LoginProfile(ctx context.Context, name string, lp LoginParams) (credential.Token, error) {
	return h.login(ctx, name, lp)
}

func (h *Core) login(ctx context.Context, name string, lp LoginParams) (credential.Token, error) {
	ctx, cancel := h.withTimeout(ctx)
	defer cancel()
	if err := ValidProfileName(name); err != nil {
		return credential.Token{}, &credential.Error{Kind: credential.KindUsage, Msg: err.Error()}
	}
	cfg, err := h.config()
	if err != nil {
		return credential.Token{}, err
	}
	p := config.Profile{}
	if old, ok := cfg.Profiles[name]; ok {
		p = *old
	}
	apply(&p, lp)
	key, err := h.loginAuth(ctx, &p, lp)
	if err != nil {
		return credential.Token{}, err
	}
	if err := checkProfile(&p); err != nil {
		return credential.Token{}, err
	}
	if lp.Secret == "" && key == nil {
		return credential.Token{}, credential.Errorf(credential.KindUsage, "the client secret is empty")
	}
	c := profileCreds(name, &p)
	if c.Key = key; key == nil {
		c.Secret = lp.Secret
	}
	caSum, err := caSHA256(c.CAFile)
	if err != nil {
		return credential.Token{}, err
	}
	entry, err := encodeSecret(c, caSum)
	if err != nil {
		return credential.Token{}, err // before any request: nothing is stored half
	}
	var tok credential.Token
	if !lp.NoVerify && lp.GenerateKey == "" {
		e, err := h.fetchEntry(ctx, c, h.tokens().Key(c.identity()))
		if err != nil {
			return credential.Token{}, err
		}
		tok = token(c, e)
	}
	if err := h.Secrets.Set(ctx, name, entry); err != nil {
		return credential.Token{}, keychainError(name, c.scrubStored(err))
	}
	h.tokens().ForgetRejection(h.tokens().Key(c.identity())) // a new login is worth asking again, verified or not
	err = config.Update(ctx, h.ConfigPath, func(cfg *config.Config) error {
		cfg.Profiles[name] = &p
		return nil
	})
	h.configChanged()
	return tok, err
}

func apply(p *config.Profile, lp LoginParams) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&p.ClientID, lp.ClientID)
	set(&p.TokenURL, lp.TokenURL)
	set(&p.Scope, lp.Scope)
	set(&p.AuthMethod, lp.AuthMethod)
	set(&p.CAFile, lp.CAFile)
	if lp.CAFile != nil && p.CAFile != "" && !filepath.IsAbs(p.CAFile) {
		// Given relative, it is the caller's; in the config file it would
		// mean one next to the config.
		if abs, err := filepath.Abs(p.CAFile); err == nil {
			p.CAFile = abs
		}
	}
	set(&p.Username, lp.Username)
	set(&p.APIURL, lp.APIURL)
	set(&p.API, lp.API)
	if pr, ok := config.Presets[p.API]; ok && lp.API != nil && lp.Audience == nil {
		a := pr.Audience
		p.Audience = &a
	}
	if lp.Audience != nil {
		a := strings.TrimSpace(*lp.Audience)
		p.Audience = &a
	} else if p.Audience == nil {
		a := config.DefaultAudience
		p.Audience = &a
	}
	if p.TokenURL == "" {
		p.TokenURL = config.DefaultTokenURL
	}
	if p.AuthMethod == "" {
		p.AuthMethod = config.AuthPost
	}
	if lp.Hosts != nil {
		p.Hosts = lp.Hosts
	}
	if lp.Forward != nil {
		p.Forward = *lp.Forward
	}
	if lp.TrustLoopbackListener != nil {
		p.TrustLoopbackListener = *lp.TrustLoopbackListener
	}
}

func checkProfile(p *config.Profile) error {
	if p.ClientID == "" {
		return credential.Errorf(credential.KindUsage, "missing client ID: pass --client-id")
	}
	if err := CheckTokenURL(p.TokenURL); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return &credential.Error{Kind: credential.KindUsage, Msg: err.Error(), Err: err}
	}
	if p.CAFile != "" {
		if _, err := NewHTTPClient(p.CAFile, LoopbackPolicy(p)); err != nil {
			return err
		}
	}
	return nil
}

// Logout deletes the profile's secret from the keychain and its cached
// tokens. The profile's settings stay in the config file.
func (h *Core) Logout(ctx context.Context) error {
	return h.logout(ctx, h.ProfileName())
}

func (h *Core) logout(ctx context.Context, name string) error {
	if err := h.Secrets.Delete(ctx, name); err != nil {
		return keychainError(name, err)
	}
	return h.DropProfile(name)
}

// ProfileStatus describes a profile for listings.
type ProfileStatus struct {
	Name      string
	Profile   config.Profile
	HasSecret bool
	Err       error // why HasSecret could not be determined, if so
}

// Profiles lists the profiles in the config file and whether each has a
// secret in the keychain.
func (h *Core) Profiles(ctx context.Context) ([]ProfileStatus, error) {
	cfg, err := h.config()
	if err != nil {
		return nil, err
	}
	var out []ProfileStatus
	for _, name := range cfg.Names() {
		st := ProfileStatus{Name: name, Profile: *cfg.Profiles[name]}
		_, err := h.Secrets.Get(ctx, name)
		switch {
		case err == nil:
			st.HasSecret = true
		case errors.Is(err, keystore.ErrNotFound):
		default:
			st.Err = keychainError(name, err)
		}
		out = append(out, st)
	}
	return out, nil
}

// Hosts maps every host pattern of every profile that has a secret stored
// to the profile's username.
func (h *Core) Hosts(ctx context.Context) (map[string]string, error) {
	cfg, err := h.config()
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, name := range cfg.Names() {
		p := cfg.Profiles[name]
		if len(p.Hosts) == 0 {
			continue
		}
		if _, err := h.Secrets.Get(ctx, name); errors.Is(err, keystore.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, keychainError(name, err)
		}
		for _, host := range p.Hosts {
			m[host] = p.UsernameOrDefault()
		}
	}
	return m, nil
}

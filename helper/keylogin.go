package helper

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/clientauth"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/oidc"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// loginAuth settles how profile p authenticates after login: with lp's
// secret (client_secret_post or _basic), or with a key, read or generated
// here, which it returns. The key's kid and algorithm follow the flags, or
// are reset with a new key (the old ones belonged to the old key). With
// lp.Issuer the token URL comes from the issuer's discovery document.
func (h *Core) loginAuth(ctx context.Context, p *config.Profile, lp LoginParams) (*clientauth.Key, error) {
	key := lp.Key
	if lp.GenerateKey != "" {
		if key != nil {
			return nil, credential.Errorf(credential.KindUsage, "give a private key or generate one, not both")
		}
		if p.ClientID == "" {
			return nil, credential.Errorf(credential.KindUsage, "missing client ID: pass --client-id")
		}
		var err error
		if key, err = clientauth.Generate(lp.GenerateKey, p.ClientID, h.now()); err != nil {
			return nil, &credential.Error{Kind: credential.KindUsage, Msg: err.Error(), Err: err}
		}
	}
	switch {
	case key != nil:
		if lp.AuthMethod != nil && *lp.AuthMethod != config.AuthKey {
			return nil, credential.Errorf(credential.KindUsage, "--auth-method %s is for a client secret, not a key", *lp.AuthMethod)
		}
		p.AuthMethod, p.KeyID, p.SigningAlg = config.AuthKey, "", ""
		if lp.KeyID != nil {
			p.KeyID = strings.TrimSpace(*lp.KeyID)
		}
		if lp.SigningAlg != nil {
			p.SigningAlg = strings.TrimSpace(*lp.SigningAlg)
		}
		key.KID = p.KeyID
		if err := key.SetAlg(p.SigningAlg); err != nil {
			return nil, &credential.Error{Kind: credential.KindUsage, Msg: err.Error(), Err: err}
		}
	case p.AuthMethod == config.AuthKey || lp.KeyID != nil || lp.SigningAlg != nil:
		if lp.KeyID != nil || lp.SigningAlg != nil {
			return nil, credential.Errorf(credential.KindUsage, "a key ID or signing algorithm goes with a private key (--private-key or --generate-key)")
		}
		if lp.AuthMethod == nil || *lp.AuthMethod == config.AuthKey {
			p.AuthMethod = config.AuthPost // a secret now takes the key's place
		}
		p.KeyID, p.SigningAlg = "", ""
	}
	if p.AuthMethod == config.AuthKey && key == nil {
		return nil, credential.Errorf(credential.KindUsage, "auth method %s needs a key: pass --private-key FILE or --generate-key", config.AuthKey)
	}
	if lp.TokenURL != nil {
		p.Issuer = "" // a token URL given by hand was not discovered
	}
	if lp.Issuer != nil {
		if err := h.discover(ctx, p, strings.TrimSpace(*lp.Issuer), key); err != nil {
			return nil, err
		}
	}
	return key, nil
}

// discover sets p's token URL from the issuer's metadata and refuses an
// issuer whose token endpoint does not take p's authentication method.
func (h *Core) discover(ctx context.Context, p *config.Profile, issuer string, key *clientauth.Key) error {
	if err := CheckTokenURL(issuer); err != nil {
		return credential.Errorf(credential.KindUsage, "issuer %q: want an https:// URL (plain http only to loopback)", issuer)
	}
	client := h.HTTPClient
	if client == nil {
		var err error
		if client, err = NewHTTPClient(p.CAFile, LoopbackPolicy(p)); err != nil {
			return err
		}
	} else {
		cl := *client
		cl.CheckRedirect = noRedirect
		client = &cl
	}
	md, err := oidc.Discover(ctx, client, issuer)
	if err != nil {
		return &credential.Error{Kind: credential.KindUsage, Msg: err.Error(), Err: err}
	}
	method := config.AuthMethodName(p.AuthMethod)
	if !md.Supports(method) {
		return credential.Errorf(credential.KindUsage, "issuer %s does not take %s client authentication at its token endpoint (it lists %s)",
			issuer, method, strings.Join(md.AuthMethods, ", "))
	}
	if key != nil && len(md.AuthSigningAlgs) > 0 && !slices.Contains(md.AuthSigningAlgs, key.Algorithm()) {
		return credential.Errorf(credential.KindUsage, "issuer %s does not take %s-signed client assertions (it lists %s)",
			issuer, key.Algorithm(), strings.Join(md.AuthSigningAlgs, ", "))
	}
	trace.Printf(ctx, "discovery", "issuer %s: token endpoint %s, %s supported", issuer, md.TokenEndpoint, method)
	p.Issuer, p.TokenURL = issuer, md.TokenEndpoint
	return nil
}

// PublicKey is the stored key of the selected profile, for printing its
// public parts (public-key); its private part stays in this process.
func (h *Core) PublicKey(ctx context.Context) (*clientauth.Key, error) {
	ctx, cancel := h.withTimeout(ctx)
	defer cancel()
	cfg, err := h.config()
	if err != nil {
		return nil, err
	}
	name := h.ProfileName()
	p, ok := cfg.Profiles[name]
	if !ok {
		return nil, credential.Errorf(credential.KindNotLoggedIn, "no profile %q", name)
	}
	if p.AuthMethod != config.AuthKey {
		return nil, &credential.Error{Kind: credential.KindUsage, Msg: fmt.Sprintf("profile %q authenticates with a client secret, not a key", name),
			Hint: "To use a key, log in with --generate-key or --private-key FILE."}
	}
	c := profileCreds(name, p)
	if err := h.readSecret(ctx, &c); err != nil {
		return nil, err
	}
	return c.Key, nil
}

package cli

import (
	"context"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

type publicKeyCmd struct {
	Format string `help:"cert: the certificate (PEM, for Entra ID); jwks: a JSON Web Key Set with the kid (Keycloak, Okta); pem: the public key." enum:"cert,jwks,pem" default:"pem" placeholder:"cert|jwks|pem"`
}

// Run prints the public part of the profile's key, never the private one.
func (cmd *publicKeyCmd) Run(ctx context.Context, c *agent.TokenPath, e env) error {
	k, err := c.PublicKey(ctx)
	if err != nil {
		return err
	}
	var out []byte
	switch cmd.Format {
	case "cert":
		out, err = k.CertPEM()
	case "jwks":
		out, err = k.JWKS()
		out = append(out, '\n')
	default:
		out = k.PublicPEM()
	}
	if err != nil {
		return &credential.Error{Kind: credential.KindUsage, Msg: err.Error()}
	}
	_, err = e.stdout.Write(out)
	return err
}

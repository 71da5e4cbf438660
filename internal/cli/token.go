package cli

import (
	"context"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

type tokenCmd struct {
	Format       string        `help:"Output: json, raw (the token), header (an Authorization header line) or curl (a config line for curl -K -)." enum:"${token_formats}" default:"json" short:"f"`
	ForceRefresh bool          `help:"Fetch a new token even if a cached one is valid."`
	MinTTL       time.Duration `name:"min-ttl" help:"Minimum remaining lifetime of the token." placeholder:"DURATION"`
}

func (cmd *tokenCmd) Run(ctx context.Context, c *agent.TokenPath, s protocol.Stdio) error {
	return code(protocol.Token(ctx, c, credential.Request{MinTTL: cmd.MinTTL, ForceRefresh: cmd.ForceRefresh}, cmd.Format, s))
}

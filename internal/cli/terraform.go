package cli

import (
	"context"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

type terraformCmd struct {
	Action string   `arg:"" optional:"" help:"get, store or forget."`
	Args   []string `arg:"" optional:"" help:"The host."`
}

func (cmd *terraformCmd) Run(ctx context.Context, c *agent.TokenPath, s protocol.Stdio) error {
	return code(protocol.Terraform(ctx, c, cmd.Action, cmd.Args, s))
}

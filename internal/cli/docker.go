package cli

import (
	"context"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

type dockerCmd struct {
	Action string `arg:"" optional:"" help:"get, store, erase, list or version."`
}

func (cmd *dockerCmd) Run(ctx context.Context, c *agent.TokenPath, s protocol.Stdio) error {
	return code(protocol.Docker(ctx, c, cmd.Action, s))
}

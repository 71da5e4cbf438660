package cli

import (
	"context"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

type gitCmd struct {
	Action string   `arg:"" optional:"" help:"get, store or erase (others are ignored)."`
	Rest   []string `arg:"" optional:"" passthrough:"" hidden:""`
}

func (cmd *gitCmd) Run(ctx context.Context, c *agent.TokenPath, s protocol.Stdio) error {
	return code(protocol.Git(ctx, c, cmd.Action, s))
}

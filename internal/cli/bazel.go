package cli

import (
	"context"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

type bazelCmd struct {
	Action string `arg:"" optional:"" help:"get."`
}

func (cmd *bazelCmd) Run(ctx context.Context, c *agent.TokenPath, s protocol.Stdio) error {
	return code(protocol.Bazel(ctx, c, cmd.Action, s))
}

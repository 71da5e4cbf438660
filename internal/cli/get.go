package cli

import (
	"context"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

type getCmd struct{}

func (cmd *getCmd) Run(ctx context.Context, c *agent.TokenPath, s protocol.Stdio) error {
	return code(protocol.Get(ctx, c, s))
}

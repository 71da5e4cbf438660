package cli

import (
	"context"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

type kubectlCmd struct{}

func (cmd *kubectlCmd) Run(ctx context.Context, c *agent.TokenPath, e env, s protocol.Stdio) error {
	getenv := func(k string) string { v, _ := e.lookup(k); return v }
	return code(protocol.Kubectl(ctx, c, getenv, s))
}

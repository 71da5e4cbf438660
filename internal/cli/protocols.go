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

func (cmd *gitCmd) Run(ctx context.Context, c *agent.Client, s protocol.Stdio) error {
	return code(protocol.Git(ctx, c, cmd.Action, s))
}

type dockerCmd struct {
	Action string `arg:"" optional:"" help:"get, store, erase, list or version."`
}

func (cmd *dockerCmd) Run(ctx context.Context, c *agent.Client, s protocol.Stdio) error {
	return code(protocol.Docker(ctx, c, cmd.Action, s))
}

type kubectlCmd struct{}

func (cmd *kubectlCmd) Run(ctx context.Context, c *agent.Client, e env, s protocol.Stdio) error {
	getenv := func(k string) string { v, _ := e.lookup(k); return v }
	return code(protocol.Kubectl(ctx, c, getenv, s))
}

type bazelCmd struct {
	Action string `arg:"" optional:"" help:"get."`
}

func (cmd *bazelCmd) Run(ctx context.Context, c *agent.Client, s protocol.Stdio) error {
	return code(protocol.Bazel(ctx, c, cmd.Action, s))
}

type terraformCmd struct {
	Action string   `arg:"" optional:"" help:"get, store or forget."`
	Args   []string `arg:"" optional:"" help:"The host."`
}

func (cmd *terraformCmd) Run(ctx context.Context, c *agent.Client, s protocol.Stdio) error {
	return code(protocol.Terraform(ctx, c, cmd.Action, cmd.Args, s))
}

type getCmd struct{}

func (cmd *getCmd) Run(ctx context.Context, c *agent.Client, s protocol.Stdio) error {
	return code(protocol.Get(ctx, c, s))
}

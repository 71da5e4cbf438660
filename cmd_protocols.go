package main

import (
	"context"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

type gitCmd struct {
	Action string   `arg:"" optional:"" help:"get, store or erase (others are ignored)."`
	Rest   []string `arg:"" optional:"" passthrough:"" hidden:""`
}

func (cmd *gitCmd) Run(ctx context.Context, h *helper.Core, s protocol.Stdio) error {
	return code(protocol.Git(ctx, h, cmd.Action, s))
}

type dockerCmd struct {
	Action string `arg:"" optional:"" help:"get, store, erase, list or version."`
}

func (cmd *dockerCmd) Run(ctx context.Context, r protocol.Registry, s protocol.Stdio) error {
	return code(protocol.Docker(ctx, r, cmd.Action, s))
}

type kubectlCmd struct{}

func (cmd *kubectlCmd) Run(ctx context.Context, h *helper.Core, e env, s protocol.Stdio) error {
	getenv := func(k string) string { v, _ := e.lookup(k); return v }
	return code(protocol.Kubectl(ctx, h, getenv, s))
}

type bazelCmd struct {
	Action string `arg:"" optional:"" help:"get."`
}

func (cmd *bazelCmd) Run(ctx context.Context, h *helper.Core, s protocol.Stdio) error {
	return code(protocol.Bazel(ctx, h, cmd.Action, s))
}

type terraformCmd struct {
	Action string   `arg:"" optional:"" help:"get, store or forget."`
	Args   []string `arg:"" optional:"" help:"The host."`
}

func (cmd *terraformCmd) Run(ctx context.Context, h *helper.Core, s protocol.Stdio) error {
	return code(protocol.Terraform(ctx, h, cmd.Action, cmd.Args, s))
}

type getCmd struct{}

func (cmd *getCmd) Run(ctx context.Context, h *helper.Core, s protocol.Stdio) error {
	return code(protocol.Plain(ctx, h, s))
}

package cli

import (
	"context"
	"fmt"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
)

type logoutCmd struct{}

func (cmd *logoutCmd) Run(ctx context.Context, c *agent.TokenPath, e env) error {
	if err := c.Logout(ctx); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "Deleted the client secret and cached tokens of profile %q.\n", c.ProfileName())
	return nil
}

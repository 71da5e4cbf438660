package cli

import (
	"context"
	"fmt"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/doctor"
)

type doctorCmd struct{}

// Run prints each check with the command that fixes what fails, and exits
// non-zero when something does. It examines the direct path, the core
// alone, and the agent beside it.
func (cmd *doctorCmd) Run(ctx context.Context, c *agent.TokenPath, core *helper.Core, e env) error {
	failed := 0
	findings := append(doctor.Run(ctx, core, c.Dir), doctor.Plaintext(e.lookup, e.cwd)...)
	for _, f := range findings {
		mark := "ok  "
		switch {
		case !f.OK:
			mark = "FAIL"
			failed++
		case f.Warn:
			mark = "note"
		}
		fmt.Fprintf(e.stdout, "[%s] %s: %s\n", mark, f.Topic, f.Detail)
		if f.Fix != "" {
			fmt.Fprintf(e.stdout, "       fix: %s\n", f.Fix)
		}
	}
	if failed > 0 {
		return exitCode(1)
	}
	return nil
}

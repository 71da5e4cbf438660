package main

import (
	"context"
	"fmt"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
)

type doctorCmd struct{}

// Run prints each check with the command that fixes what fails, and exits
// non-zero when something does.
func (cmd *doctorCmd) Run(ctx context.Context, h *helper.Core, e env) error {
	failed := 0
	for _, f := range h.Doctor(ctx) {
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

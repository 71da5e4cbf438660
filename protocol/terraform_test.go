package protocol_test

import (
	"context"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

func TestTerraformGolden(t *testing.T) {
	runGolden(t, "terraform", true, func(ctx context.Context, src *recorder, x *exchange, s protocol.Stdio) int {
		var args []string
		if len(x.args) > 1 {
			args = x.args[1:]
		}
		code := protocol.Terraform(ctx, src, x.action(), args, s)
		if x.action() == "store" && s.In.(*strings.Reader).Len() != 0 {
			t.Errorf("Terraform(store) left stdin unread")
		}
		return code
	})
}

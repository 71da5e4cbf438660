package protocol

import (
	"context"
	"strings"
	"testing"
)

func TestTerraformGolden(t *testing.T) {
	runGolden(t, "terraform", true, func(ctx context.Context, f *fakeCore, x *exchange, s Stdio) int {
		var args []string
		if len(x.args) > 1 {
			args = x.args[1:]
		}
		code := Terraform(ctx, f, x.action(), args, s)
		if x.action() == "store" && s.In.(*strings.Reader).Len() != 0 {
			t.Errorf("Terraform(store) left stdin unread")
		}
		return code
	})
}

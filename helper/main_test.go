package helper

import (
	"os"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/otheruser"
)

func TestMain(m *testing.M) {
	otheruser.Main() // the test binary as another user (internal/otheruser)
	os.Exit(m.Run())
}

package main

import (
	"os"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
)

// agentRuntimeDir makes a short private directory to serve as a test's
// XDG_RUNTIME_DIR, so that the test has a token agent of its own (a Unix
// socket path must stay under about 100 bytes, which t.TempDir's may not).
// At cleanup the agent is stopped and the directory removed.
func agentRuntimeDir(t testing.TB, cleanup func(func())) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "cch")
	if err != nil {
		t.Fatal(err)
	}
	cleanup(func() {
		lookup := func(k string) (string, bool) { return dir, k == "XDG_RUNTIME_DIR" }
		_, _ = helper.StopAgent(agentwire.Dir(lookup))
		os.RemoveAll(dir)
	})
	return dir
}

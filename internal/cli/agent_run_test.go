package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
)

// TestAgentRunsOnlyTokenCommands: whatever command line reaches the agent's
// run, it runs only the commands that print a token: the parsed command is
// checked, not just the words the client sent.
func TestAgentRunsOnlyTokenCommands(t *testing.T) {
	run := agentRun("/nonexistent")
	attached := 0
	attach := func(*helper.Core) error { attached++; return errStop }
	for _, tc := range []struct {
		args []string
		runs bool
	}{
		{[]string{name, "token", "--format", "raw"}, true},
		{[]string{name, "--profile", "p", "git", "get"}, true},
		{[]string{"git-credential-camunda", "get"}, true},
		{[]string{name, "terraform", "get", "h.example"}, true},
		{[]string{name, "kubectl"}, true},
		{[]string{name, "get"}, true},
		{[]string{name, "git", "--profile", "get", "erase"}, false},
		{[]string{name, "docker", "store"}, false},
		{[]string{"docker-credential-camunda", "erase"}, false},
		{[]string{name, "terraform", "forget", "h.example"}, false},
		{[]string{name, "logout"}, false},
		{[]string{name, "login", "--client-id", "x"}, false},
		{[]string{name, "exec", "--", "true"}, false},
	} {
		attached = 0
		_, _, _, err := run(context.Background(), &agentwire.Request{Op: agentwire.OpRun, Args: tc.args}, attach)
		if tc.runs {
			if attached != 1 || err != errStop {
				t.Errorf("%q: attached %d, err %v; want it run (attached once)", strings.Join(tc.args, " "), attached, err)
			}
		} else if attached != 0 || err == nil {
			t.Errorf("%q: attached %d, err %v; want it refused", strings.Join(tc.args, " "), attached, err)
		}
	}
}

// errStop ends a run at attach, before anything touches a keychain.
var errStop = stopErr("stop here")

type stopErr string

func (e stopErr) Error() string { return string(e) }

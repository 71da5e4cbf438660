//go:build linux || darwin

package agent

import (
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// TestEnvRecordedAtStart: the agent compares each caller's environment with
// the one it started with, not with its process's as it is now. Whatever
// the process does to its own environment later (a library that once wrote
// DBUS_SESSION_BUS_ADDRESS there made the agent refuse every caller after
// its first keychain read) does not change whom it serves.
func TestEnvRecordedAtStart(t *testing.T) {
	t.Setenv("SSL_CERT_DIR", "/etc/ssl/at-start")
	s := newSetup(t)
	c := s.client(s.core(t)) // the caller's environment: the agent's at start
	mustToken(t, c, credential.Request{})

	t.Setenv("SSL_CERT_DIR", "/etc/ssl/changed-later") // the agent's process, after the start
	mustToken(t, c, credential.Request{})
	st, err := Status(s.server.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Served != 2 {
		t.Fatalf("the agent served %d of 2 calls from a caller with the environment it started with", st.Served)
	}

	// A caller whose environment differs from the agent's start is not
	// served, even when it matches the process's environment of now.
	c.Env["SSL_CERT_DIR"] = "/etc/ssl/changed-later"
	mustToken(t, c, credential.Request{})
	if st, err = Status(s.server.Dir); err != nil {
		t.Fatal(err)
	}
	if st.Served != 2 {
		t.Fatalf("the agent served a caller whose SSL_CERT_DIR differs from the agent's at start (%d served)", st.Served)
	}
}

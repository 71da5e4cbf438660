// Package keyringtest holds the one rule for tests that use a real
// keychain: they run only inside the throwaway Secret Service that
// scripts/with-keyring starts (which sets CCH_TEST_KEYRING=private), never
// against a developer's own keychain; outside it they skip loudly, and under
// CI=true they fail, so a missing Secret Service is never skipped silently.
package keyringtest

import (
	"os"
	"testing"
)

// Require skips or fails t unless it runs inside scripts/with-keyring. run
// tells the reader how to run the test there.
func Require(t testing.TB, run string) {
	t.Helper()
	if os.Getenv("CCH_TEST_KEYRING") == "private" {
		return
	}
	if isCI() {
		t.Fatal("CI requires the private Secret Service: run via scripts/test")
	}
	t.Skip("SKIPPED: this test uses a real keychain and runs only inside a throwaway Secret Service. Run ./scripts/test, or: " + run)
}

func isCI() bool { return os.Getenv("CI") == "true" }

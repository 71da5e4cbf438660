//go:build !linux

package keyringtest

import "testing"

// RequireKernelKeyring skips t: only Linux has the kernel keyring.
func RequireKernelKeyring(t testing.TB) {
	t.Helper()
	t.Skip("SKIPPED: the kernel keyring is Linux's")
}

// PurgeKernelKeys has nothing to purge outside Linux.
func PurgeKernelKeys(testing.TB, string) {}

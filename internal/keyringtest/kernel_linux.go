package keyringtest

import (
	"encoding/binary"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// RequireKernelKeyring skips t unless this process may use the kernel's
// key retention service (a container's seccomp profile may refuse it), and
// unless keyutils' keyctl is installed to check on it (under CI=true a
// missing keyctl fails: scripts/test deps installs it).
func RequireKernelKeyring(t testing.TB) {
	t.Helper()
	if _, err := unix.KeyctlInt(unix.KEYCTL_GET_PERSISTENT, -1, unix.KEY_SPEC_PROCESS_KEYRING, 0, 0); err != nil && !errors.Is(err, unix.EOPNOTSUPP) {
		t.Skipf("SKIPPED: the kernel keyring is not available to this process: %v", err)
	}
	if _, err := exec.LookPath("keyctl"); err != nil {
		if isCI() {
			t.Fatal("CI requires keyutils' keyctl: run scripts/test deps")
		}
		t.Skip("SKIPPED: keyutils' keyctl is not installed (scripts/test deps installs it)")
	}
}

// PurgeKernelKeys invalidates every key in the user's persistent and user
// keyrings whose description ends in " service=SERVICE": what a test under
// that service name left behind in the kernel keyring.
func PurgeKernelKeys(t testing.TB, service string) {
	t.Helper()
	rings := []int{unix.KEY_SPEC_USER_KEYRING}
	if id, err := unix.KeyctlInt(unix.KEYCTL_GET_PERSISTENT, -1, unix.KEY_SPEC_PROCESS_KEYRING, 0, 0); err == nil {
		rings = append(rings, id)
	}
	for _, ring := range rings {
		n, err := unix.KeyctlBuffer(unix.KEYCTL_READ, ring, nil, 0)
		if err != nil || n == 0 {
			continue
		}
		buf := make([]byte, n)
		if n, err = unix.KeyctlBuffer(unix.KEYCTL_READ, ring, buf, 0); err != nil {
			continue
		}
		for i := 0; i+4 <= n && i+4 <= len(buf); i += 4 {
			id := int(int32(binary.NativeEndian.Uint32(buf[i:])))
			desc, err := unix.KeyctlString(unix.KEYCTL_DESCRIBE, id)
			if err != nil || !strings.HasSuffix(desc, " service="+service) {
				continue
			}
			if _, err := unix.KeyctlInt(unix.KEYCTL_INVALIDATE, id, 0, 0, 0); err != nil {
				t.Errorf("cleanup: invalidate kernel key %d (%s): %v", id, desc, err)
			}
		}
	}
}

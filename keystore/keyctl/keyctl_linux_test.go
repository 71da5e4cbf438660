package keyctl

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/keyringtest"
)

// TestFailed: a blocked key syscall (a seccomp profile's EPERM, a kernel
// without keys' ENOSYS) is Blocked, so that its user can name the way out;
// a full quota and other failures are not.
func TestFailed(t *testing.T) {
	for _, tc := range []struct {
		errno   unix.Errno
		blocked bool
		reason  string
	}{
		{unix.EPERM, true, "seccomp"},
		{unix.ENOSYS, true, "seccomp"},
		{unix.EDQUOT, false, "quota"},
		{unix.EIO, false, "failed"},
	} {
		var e *Error
		if err := failed(tc.errno); !errors.As(err, &e) || e.Blocked != tc.blocked || !strings.Contains(e.Reason, tc.reason) || !errors.Is(err, tc.errno) {
			t.Errorf("failed(%v) = %#v; want Blocked %v and a reason naming %q", tc.errno, err, tc.blocked, tc.reason)
		}
	}
	for _, errno := range []unix.Errno{unix.ENOKEY, unix.EKEYEXPIRED, unix.EKEYREVOKED} {
		if err := keyError(errno); err != ErrNoKey {
			t.Errorf("keyError(%v) = %v; want ErrNoKey", errno, err)
		}
	}
}

// TestReadWriteRemove against the real kernel: a key is replaced, not
// added twice; removing it twice is no error; afterwards it is gone.
func TestReadWriteRemove(t *testing.T) {
	keyringtest.RequireKernelKeyring(t)
	b := make([]byte, 6)
	rand.Read(b)
	service := "camunda-credential-helper-test-" + hex.EncodeToString(b)
	t.Cleanup(func() { keyringtest.PurgeKernelKeys(t, service) })
	desc := "camunda-credential-helper profile=p service=" + service

	if _, err := Read(desc); err != ErrNoKey {
		t.Fatalf("Read before Write: %v; want ErrNoKey", err)
	}
	for _, v := range []string{"first", "second\x00with a NUL"} {
		if err := Write(desc, v); err != nil {
			t.Fatal(err)
		}
		if got, err := Read(desc); err != nil || got != v {
			t.Fatalf("Read = %q, %v; want %q", got, err, v)
		}
	}
	for range 2 {
		if err := Remove(desc); err != nil {
			t.Fatalf("Remove: %v", err)
		}
	}
	if _, err := Read(desc); err != ErrNoKey {
		t.Fatalf("Read after Remove: %v; want ErrNoKey", err)
	}
	if !strings.Contains(Where(), "keyring of uid") {
		t.Errorf("Where() = %q", Where())
	}
}

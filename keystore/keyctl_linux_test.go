package keystore_test

// The kernel keyring store against the real kernel, checked from outside
// with keyutils' keyctl. Each test uses a service name of its own and
// leaves no key behind.

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/keyringtest"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore/keyctl"
)

func testKeyctl(t *testing.T) keystore.Keyctl {
	t.Helper()
	keyringtest.RequireKernelKeyring(t)
	k := keystore.Keyctl{Service: "camunda-credential-helper-test-" + randomHex(t, 6)}
	t.Cleanup(func() { keyringtest.PurgeKernelKeys(t, k.Service) })
	return k
}

// keyctlSearch finds a key by description in the user's persistent keyring
// with keyctl, in a throwaway session keyring (so that the test's own
// session keyring gains no link). ok is false when there is none.
func keyctlSearch(t *testing.T, desc string) (payload string, ok bool) {
	t.Helper()
	out, err := exec.Command("keyctl", "session", "-", "sh", "-c",
		`id=$(keyctl search "$(keyctl get_persistent @s)" user "$1") || exit 3; keyctl pipe "$id"`, "sh", desc).Output()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), true
	case errors.As(err, &exit) && exit.ExitCode() == 3:
		return "", false
	}
	t.Fatalf("keyctl search: %v: %s", err, out)
	return "", false
}

func TestKeyctlRoundTrip(t *testing.T) {
	k := testKeyctl(t)
	ctx := context.Background()
	if _, err := k.Get(ctx, "p1"); !errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("Get before Set: err = %v; want ErrNotFound", err)
	}
	if err := k.Set(ctx, "p1", "first"); err != nil {
		t.Fatal(err)
	}
	if err := k.Set(ctx, "p1", "second"); err != nil { // replaces, adds no second key
		t.Fatal(err)
	}
	if got, err := k.Get(ctx, "p1"); err != nil || got != "second" {
		t.Fatalf("Get = %q, %v; want \"second\"", got, err)
	}
	// keyctl finds it, under a description that names the helper, the
	// profile and the service, with the payload Set stored.
	desc := k.Description("p1")
	if want := "camunda-credential-helper profile=p1 service=" + k.Service; desc != want {
		t.Fatalf("description = %q; want %q", desc, want)
	}
	if got, ok := keyctlSearch(t, desc); !ok || got != "second" {
		t.Fatalf("keyctl search %q: found %v; payload equal: %v", desc, ok, got == "second")
	}
	// Another profile is another key.
	if _, err := k.Get(ctx, "p2"); !errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("Get(p2): err = %v; want ErrNotFound", err)
	}
	if err := k.Delete(ctx, "p1"); err != nil {
		t.Fatal(err)
	}
	if _, ok := keyctlSearch(t, desc); ok {
		t.Fatal("keyctl still finds the key after Delete")
	}
	if _, err := k.Get(ctx, "p1"); !errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("Get after Delete: err = %v; want ErrNotFound", err)
	}
	if err := k.Delete(ctx, "p1"); err != nil {
		t.Fatalf("Delete of a missing key: %v; want nil", err)
	}
}

// TestKeyctlServices: the same profile under two services is two keys.
func TestKeyctlServices(t *testing.T) {
	a, b := testKeyctl(t), testKeyctl(t)
	ctx := context.Background()
	if err := a.Set(ctx, "default", "a-secret"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(ctx, "default"); !errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("another service's Get: err = %v; want ErrNotFound", err)
	}
	if err := b.Delete(ctx, "default"); err != nil {
		t.Fatal(err)
	}
	if got, err := a.Get(ctx, "default"); err != nil || got != "a-secret" {
		t.Fatalf("another service's Delete removed this one's key (Get: %v)", err)
	}
}

func TestKeyctlValues(t *testing.T) {
	k := testKeyctl(t)
	ctx := context.Background()
	for name, v := range map[string]string{
		"unicode":   "sécret-密钥-🔑",
		"newlines":  "a\nb\r\nc",
		"nul":       "a\x00b",
		"32 KiB-1":  strings.Repeat("x", 32767), // the user type's limit
		"one byte":  "x",
		"envelope":  `{"v":1,"secret":"s3cr3t","token_url":"https://idp/token","client_id":"cid"}`,
		"with = sp": "a b=c",
	} {
		if err := k.Set(ctx, "v", v); err != nil {
			t.Fatalf("%s: Set: %v", name, err)
		}
		if got, err := k.Get(ctx, "v"); err != nil || got != v {
			t.Fatalf("%s: Get returned a different value (len %d, want %d), err %v", name, len(got), len(v), err)
		}
	}
	if err := k.Set(ctx, "v", strings.Repeat("x", 32768)); err == nil {
		t.Fatal("Set of 32 KiB: no error; the kernel's user keys hold at most 32767 bytes")
	} else if strings.Contains(err.Error(), "xxxx") {
		t.Fatalf("the error holds the value: %v", err)
	}
}

// TestKeyctlRefused: where the key syscalls are blocked (package keyctl
// says so for a seccomp profile's EPERM, Docker's default, and a kernel
// without keys' ENOSYS) the error names the forward socket as the way
// out; other failures do not.
func TestKeyctlRefused(t *testing.T) {
	blocked := &keyctl.Error{Reason: "the kernel keyring is blocked here (a container's seccomp profile refuses keyctl)", Blocked: true, Err: unix.EPERM}
	var ue *keystore.UnavailableError
	if err := keystore.KeyctlError(blocked); !errors.As(err, &ue) {
		t.Fatalf("%T; want *UnavailableError", err)
	}
	if !strings.Contains(ue.Reason, "seccomp") || !strings.Contains(ue.Hint, "CAMUNDA_CREDENTIAL_HELPER_AGENT_SOCKET") || !errors.Is(ue, unix.EPERM) {
		t.Errorf("reason %q, hint %q; want seccomp named and the forward socket as the way out", ue.Reason, ue.Hint)
	}
	quota := &keyctl.Error{Reason: "the kernel keyring's quota is full", Err: unix.EDQUOT}
	if err := keystore.KeyctlError(quota); !errors.As(err, &ue) || ue.Hint != "" {
		t.Errorf("quota: %v (hint %q); want no forward hint", err, ue.Hint)
	}
	if err := keystore.KeyctlError(keyctl.ErrNoKey); !errors.Is(err, keystore.ErrNotFound) {
		t.Errorf("no key: %v; want ErrNotFound", err)
	}
}

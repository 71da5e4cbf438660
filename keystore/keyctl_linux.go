package keystore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
)

// Keyctl keeps secrets in the Linux kernel's key retention service, for
// headless machines that have no Secret Service: in the user's persistent
// keyring where the kernel has one (it outlives the login session that
// stored the secret and expires after kernel.keys.persistent_keyring_expiry
// unused), else in the user keyring. Nothing is written to a file; the
// kernel keeps the secret in memory until reboot.
type Keyctl struct {
	Service string // "" means Service
}

var _ Store = Keyctl{}

// keyType is the kernel's type for opaque data a user stores.
const keyType = "user"

// keyPerm lets the owner's processes use the key even when they do not
// possess the keyring that holds it (the user keyring is not linked from a
// container's or cron's session keyring): possessor all; user view, read,
// write, search and setattr; nothing for group or others (keyctl(2)'s
// KEY_POS_ALL, KEY_USR_*, which x/sys does not define).
const keyPerm = 0x3f000000 | 0x00010000 | 0x00020000 | 0x00040000 | 0x00080000 | 0x00200000

// Description is the key's description: it names the helper, the profile
// and the service, so that keyctl show tells whose the key is. A profile
// name holds no space (ValidProfileName), so the service comes last.
func (k Keyctl) Description(profile string) string {
	return tools.Name + " profile=" + profile + " service=" + serviceOr(k.Service)
}

// Describe names the store (for doctor and login).
func (k Keyctl) Describe() string {
	if _, err := persistentKeyring(); err == nil {
		return "kernel keyring (persistent keyring of uid " + strconv.Itoa(os.Getuid()) + ")"
	}
	return "kernel keyring (user keyring of uid " + strconv.Itoa(os.Getuid()) + ")"
}

// Note says what keeping a secret here means for the user.
func (k Keyctl) Note() string {
	s := "kept in memory, lost at reboot"
	if b, err := os.ReadFile("/proc/sys/kernel/keys/persistent_keyring_expiry"); err == nil {
		if secs, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && secs > 0 {
			if _, err := persistentKeyring(); err == nil {
				s += fmt.Sprintf(" or after %s unused", days(secs))
			}
		}
	}
	return s
}

func days(secs int) string {
	if secs%86400 == 0 {
		return strconv.Itoa(secs/86400) + " days"
	}
	return strconv.Itoa(secs/3600) + " hours"
}

// persistentKeyring links the user's persistent keyring into this process's
// keyring, so that this process possesses it and the keys in it, and
// returns its id. Each call also restarts its expiry.
func persistentKeyring() (int, error) {
	return unix.KeyctlInt(unix.KEYCTL_GET_PERSISTENT, -1, unix.KEY_SPEC_PROCESS_KEYRING, 0, 0)
}

// secretsKeyring is the keyring the secrets live in.
func secretsKeyring() (int, error) {
	id, err := persistentKeyring()
	if errors.Is(err, unix.EOPNOTSUPP) {
		// A kernel built without persistent keyrings.
		return unix.KEY_SPEC_USER_KEYRING, nil
	}
	return id, err
}

// find returns the id of profile's key in the keyring.
func (k Keyctl) find(profile string) (ring, id int, err error) {
	ring, err = secretsKeyring()
	if err != nil {
		return 0, 0, keyctlError(err)
	}
	id, err = unix.KeyctlSearch(ring, keyType, k.Description(profile), 0)
	if errors.Is(err, unix.ENOKEY) || errors.Is(err, unix.EKEYEXPIRED) || errors.Is(err, unix.EKEYREVOKED) {
		return ring, 0, ErrNotFound
	}
	if err != nil {
		return ring, 0, keyctlError(err)
	}
	return ring, id, nil
}

// Get implements Store.
func (k Keyctl) Get(_ context.Context, profile string) (string, error) {
	_, id, err := k.find(profile)
	if err != nil {
		return "", err
	}
	for {
		n, err := unix.KeyctlBuffer(unix.KEYCTL_READ, id, nil, 0)
		if err != nil {
			return "", readError(err)
		}
		buf := make([]byte, n)
		m, err := unix.KeyctlBuffer(unix.KEYCTL_READ, id, buf, 0)
		if err != nil {
			return "", readError(err)
		}
		if m <= n { // else it grew in between: read again
			return string(buf[:m]), nil
		}
	}
}

func readError(err error) error {
	if errors.Is(err, unix.ENOKEY) || errors.Is(err, unix.EKEYEXPIRED) || errors.Is(err, unix.EKEYREVOKED) {
		return ErrNotFound // removed between search and read
	}
	return keyctlError(err)
}

// Set implements Store: add_key replaces a key of the same description in
// the keyring.
func (k Keyctl) Set(_ context.Context, profile, secret string) error {
	ring, err := secretsKeyring()
	if err != nil {
		return keyctlError(err)
	}
	id, err := unix.AddKey(keyType, k.Description(profile), []byte(secret), ring)
	if err != nil {
		return keyctlError(err)
	}
	if err := unix.KeyctlSetperm(id, keyPerm); err != nil {
		return keyctlError(err)
	}
	return nil
}

// Delete implements Store. It invalidates the key, which removes it from
// every keyring that links it, not only from ours.
func (k Keyctl) Delete(_ context.Context, profile string) error {
	_, id, err := k.find(profile)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := unix.KeyctlInt(unix.KEYCTL_INVALIDATE, id, 0, 0, 0); err != nil && !errors.Is(err, unix.ENOKEY) {
		return keyctlError(err)
	}
	return nil
}

// keyctlError says what a failed keyctl call means. A container's seccomp
// profile (Docker's default among them) refuses the key syscalls with
// EPERM, a kernel without keys answers ENOSYS: there the way out is the
// laptop's agent, forwarded.
func keyctlError(err error) error {
	switch {
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.ENOSYS):
		return &UnavailableError{
			Reason: "the kernel keyring is blocked here (a container's seccomp profile refuses keyctl)",
			Hint:   forwardHint, Err: err}
	case errors.Is(err, unix.EDQUOT):
		return &UnavailableError{Reason: "the kernel keyring's quota is full (kernel.keys.maxbytes, kernel.keys.maxkeys)", Err: err}
	}
	return &UnavailableError{Reason: "the kernel keyring failed", Err: err}
}

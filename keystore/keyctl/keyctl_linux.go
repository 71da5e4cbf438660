// Package keyctl keeps small secrets in the Linux kernel's key retention
// service, for machines that have no Secret Service: as "user" keys, found
// by description, in the user's persistent keyring where the kernel has
// one (it outlives the login session that stored them and expires after
// kernel.keys.persistent_keyring_expiry unused), else in the user keyring.
// Nothing is written to a file; the kernel keeps the keys in memory until
// reboot. Package keystore turns it into a Store.
package keyctl

import (
	"errors"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrNoKey means that no key has the description (or it expired, or was
// revoked).
var ErrNoKey = errors.New("no such key in the kernel keyring")

// Error is a keyctl call that failed, and what that means.
type Error struct {
	Reason string // what is wrong, for a person
	// Blocked says that this process may not use the key syscalls at all
	// (a container's seccomp profile: EPERM; a kernel without keys:
	// ENOSYS), so that no other key operation will work either.
	Blocked bool
	Err     error // the system call's error
}

func (e *Error) Error() string { return e.Reason + " (" + e.Err.Error() + ")" }
func (e *Error) Unwrap() error { return e.Err }

// keyType is the kernel's type for opaque data a user stores.
const keyType = "user"

// keyPerm lets the owner's processes use a key even when they do not
// possess the keyring that holds it (the user keyring is not linked from a
// container's or cron's session keyring): possessor all; user view, read,
// write, search and setattr; nothing for group or others (keyctl(2)'s
// KEY_POS_ALL, KEY_USR_*, which x/sys does not define).
const keyPerm = 0x3f000000 | 0x00010000 | 0x00020000 | 0x00040000 | 0x00080000 | 0x00200000

// Read returns the payload of the key with description desc.
func Read(desc string) (string, error) {
	_, id, err := find(desc)
	if err != nil {
		return "", err
	}
	for {
		n, err := unix.KeyctlBuffer(unix.KEYCTL_READ, id, nil, 0)
		if err != nil {
			return "", keyError(err) // ErrNoKey: removed between search and read
		}
		buf := make([]byte, n)
		m, err := unix.KeyctlBuffer(unix.KEYCTL_READ, id, buf, 0)
		if err != nil {
			return "", keyError(err)
		}
		if m <= n { // else it grew in between: read again
			return string(buf[:m]), nil
		}
	}
}

// Write stores payload under desc: add_key replaces a key of the same
// description in the keyring.
func Write(desc, payload string) error {
	ring, err := secretsKeyring()
	if err != nil {
		return failed(err)
	}
	id, err := unix.AddKey(keyType, desc, []byte(payload), ring)
	if err != nil {
		return failed(err)
	}
	if err := unix.KeyctlSetperm(id, keyPerm); err != nil {
		return failed(err)
	}
	return nil
}

// Remove invalidates the key with description desc, which removes it from
// every keyring that links it, not only from ours. A missing key is not an
// error.
func Remove(desc string) error {
	_, id, err := find(desc)
	if errors.Is(err, ErrNoKey) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := unix.KeyctlInt(unix.KEYCTL_INVALIDATE, id, 0, 0, 0); err != nil && !errors.Is(err, unix.ENOKEY) {
		return failed(err)
	}
	return nil
}

// Where names the keyring the keys live in.
func Where() string {
	if _, err := persistentKeyring(); err == nil {
		return "persistent keyring of uid " + strconv.Itoa(os.Getuid())
	}
	return "user keyring of uid " + strconv.Itoa(os.Getuid())
}

// Expiry is how long the keys stay unused before the kernel drops them:
// the persistent keyring's expiry, in seconds; ok is false where the keys
// live in the user keyring, which lasts until reboot.
func Expiry() (secs int, ok bool) {
	if _, err := persistentKeyring(); err != nil {
		return 0, false
	}
	b, err := os.ReadFile("/proc/sys/kernel/keys/persistent_keyring_expiry")
	if err != nil {
		return 0, false
	}
	secs, err = strconv.Atoi(strings.TrimSpace(string(b)))
	return secs, err == nil && secs > 0
}

// persistentKeyring links the user's persistent keyring into this process's
// keyring, so that this process possesses it and the keys in it, and
// returns its id. Each call also restarts its expiry.
func persistentKeyring() (int, error) {
	return unix.KeyctlInt(unix.KEYCTL_GET_PERSISTENT, -1, unix.KEY_SPEC_PROCESS_KEYRING, 0, 0)
}

// secretsKeyring is the keyring the keys live in.
func secretsKeyring() (int, error) {
	id, err := persistentKeyring()
	if errors.Is(err, unix.EOPNOTSUPP) {
		// A kernel built without persistent keyrings.
		return unix.KEY_SPEC_USER_KEYRING, nil
	}
	return id, err
}

// find returns the id of the key with description desc in the keyring.
func find(desc string) (ring, id int, err error) {
	ring, err = secretsKeyring()
	if err != nil {
		return 0, 0, failed(err)
	}
	id, err = unix.KeyctlSearch(ring, keyType, desc, 0)
	if err != nil {
		return ring, 0, keyError(err)
	}
	return ring, id, nil
}

// keyError is ErrNoKey for a key that is not there (any more), else failed.
func keyError(err error) error {
	if errors.Is(err, unix.ENOKEY) || errors.Is(err, unix.EKEYEXPIRED) || errors.Is(err, unix.EKEYREVOKED) {
		return ErrNoKey
	}
	return failed(err)
}

// failed says what a failed keyctl call means.
func failed(err error) error {
	switch {
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.ENOSYS):
		return &Error{Reason: "the kernel keyring is blocked here (a container's seccomp profile refuses keyctl)", Blocked: true, Err: err}
	case errors.Is(err, unix.EDQUOT):
		return &Error{Reason: "the kernel keyring's quota is full (kernel.keys.maxbytes, kernel.keys.maxkeys)", Err: err}
	}
	return &Error{Reason: "the kernel keyring failed", Err: err}
}

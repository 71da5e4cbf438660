package keystore

import (
	"context"
	"errors"
	"strconv"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore/keyctl"
)

// Keyctl keeps secrets in the Linux kernel's key retention service (package
// keyctl), for headless machines that have no Secret Service: one key per
// profile and service, in the user's persistent keyring where the kernel
// has one, else in the user keyring, never in a file.
type Keyctl struct {
	Service string // "" means Service
}

var _ Store = Keyctl{}

// Description is the key's description: it names the helper, the profile
// and the service, so that keyctl show tells whose the key is. A profile
// name holds no space (ValidProfileName), so the service comes last.
func (k Keyctl) Description(profile string) string {
	return tools.Name + " profile=" + profile + " service=" + serviceOr(k.Service)
}

// Describe names the store (for doctor and login).
func (k Keyctl) Describe() string { return "kernel keyring (" + keyctl.Where() + ")" }

// Note says what keeping a secret here means for the user.
func (k Keyctl) Note() string {
	s := "kept in memory, lost at reboot"
	if secs, ok := keyctl.Expiry(); ok {
		s += " or after " + days(secs) + " unused"
	}
	return s
}

func days(secs int) string {
	if secs%86400 == 0 {
		return strconv.Itoa(secs/86400) + " days"
	}
	return strconv.Itoa(secs/3600) + " hours"
}

// Get implements Store.
func (k Keyctl) Get(_ context.Context, profile string) (string, error) {
	s, err := keyctl.Read(k.Description(profile))
	return s, keyctlError(err)
}

// Set implements Store.
func (k Keyctl) Set(_ context.Context, profile, secret string) error {
	return keyctlError(keyctl.Write(k.Description(profile), secret))
}

// Delete implements Store: a missing secret is not an error.
func (k Keyctl) Delete(_ context.Context, profile string) error {
	return keyctlError(keyctl.Remove(k.Description(profile)))
}

// keyctlError is the Store's meaning of a keyctl error. Where the key
// syscalls are blocked (a container's seccomp profile, Docker's default
// among them) the way out is the laptop's agent, forwarded.
func keyctlError(err error) error {
	var ke *keyctl.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyctl.ErrNoKey):
		return ErrNotFound
	case errors.As(err, &ke) && ke.Blocked:
		return &UnavailableError{Reason: ke.Reason, Hint: forwardHint, Err: ke.Err}
	case errors.As(err, &ke):
		return &UnavailableError{Reason: ke.Reason, Err: ke.Err}
	}
	return &UnavailableError{Reason: "the kernel keyring failed", Err: err}
}

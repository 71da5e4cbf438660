// Package keystore keeps client secrets in the operating system's keychain
// (macOS Keychain, Windows Credential Manager, the Secret Service on Linux)
// behind one small interface, with an in-memory variant for tests.
package keystore

import (
	"context"
	"errors"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
)

// Service is the keychain service name under which secrets are stored; the
// account (user) is the profile name.
const Service = tools.Name

// ErrNotFound means no secret is stored for the profile.
var ErrNotFound = errors.New("no client secret stored")

// Store reads and writes client secrets by profile name. Implementations must
// be safe for concurrent use and must never include a secret in an error.
type Store interface {
	Get(ctx context.Context, profile string) (string, error)
	Set(ctx context.Context, profile, secret string) error
	// Delete removes the secret; deleting a missing secret is not an error.
	Delete(ctx context.Context, profile string) error
}

// UnavailableError says why the keychain cannot be used and what to do.
type UnavailableError struct {
	Reason string // what is wrong, e.g. "the login keyring is locked"
	Hint   string // what to do about it
	Err    error  // the backend's error, if any
}

func (e *UnavailableError) Error() string {
	s := "keychain unavailable: " + e.Reason
	if e.Err != nil {
		s += " (" + e.Err.Error() + ")"
	}
	return s
}

func (e *UnavailableError) Unwrap() error { return e.Err }

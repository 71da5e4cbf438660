package keystore

import (
	"context"
	"fmt"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// EnvKeyring forces the store on Linux: "secret-service" or "keyctl".
// Unset, Select chooses.
const EnvKeyring = "CAMUNDA_CREDENTIAL_HELPER_KEYRING"

// Chosen is the store Select chose, and why. Each call says both in the
// --verbose trace.
type Chosen struct {
	Store
	Why string
}

var _ Store = (*Chosen)(nil)

// Select chooses where a call's secrets live, from its environment; the
// rule lives here once (select_linux.go, select_other.go). service is the
// keychain service name ("" means Service).
func Select(service string, lookup func(string) (string, bool)) *Chosen {
	return choose(service, lookup)
}

// Get implements Store.
func (c *Chosen) Get(ctx context.Context, profile string) (string, error) {
	c.trace(ctx, "read", profile)
	return c.Store.Get(ctx, profile)
}

// Set implements Store.
func (c *Chosen) Set(ctx context.Context, profile, secret string) error {
	c.trace(ctx, "store", profile)
	return c.Store.Set(ctx, profile, secret)
}

// Delete implements Store.
func (c *Chosen) Delete(ctx context.Context, profile string) error {
	c.trace(ctx, "delete", profile)
	return c.Store.Delete(ctx, profile)
}

func (c *Chosen) trace(ctx context.Context, op, profile string) {
	trace.Printf(ctx, "keychain", "%s profile %q's secret: %s, because %s", op, profile, Describe(c.Store), c.Why)
}

// Describe names the store.
func (c *Chosen) Describe() string { return Describe(c.Store) }

// Note says what keeping a secret there means, or "".
func (c *Chosen) Note() string { return Note(c.Store) }

// Describe names where s keeps secrets, for doctor and login.
func Describe(s Store) string {
	if d, ok := s.(interface{ Describe() string }); ok {
		return d.Describe()
	}
	return "the keychain"
}

// Note says what keeping a secret in s means when that is not what a
// keychain means (e.g. "kept in memory, lost at reboot"), or "".
func Note(s Store) string {
	if n, ok := s.(interface{ Note() string }); ok {
		return n.Note()
	}
	return ""
}

// refused is the store of an environment that names no store this
// platform has: every call fails saying so.
type refused struct{ err error }

func (r refused) Get(context.Context, string) (string, error) { return "", r.err }
func (r refused) Set(context.Context, string, string) error   { return r.err }
func (r refused) Delete(context.Context, string) error        { return r.err }
func (r refused) Describe() string                            { return "no keychain" }

func badChoice(value, want string) *Chosen {
	return &Chosen{Store: refused{&UnavailableError{
		Reason: fmt.Sprintf("%s=%q names no keychain of this system", EnvKeyring, value),
		Hint:   "Set it to " + want + ", or unset it.",
	}}, Why: EnvKeyring + " is " + fmt.Sprintf("%q", value)}
}

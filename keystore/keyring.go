package keystore

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// DefaultTimeout bounds every keychain call: go-keyring has no timeouts of
// its own, and a Secret Service waiting on an unlock prompt never answers.
const DefaultTimeout = 5 * time.Second

// InteractiveTimeout bounds a keychain call when a person is at the
// terminal and may have to answer the desktop's unlock prompt.
const InteractiveTimeout = 2 * time.Minute

type promptKey struct{}

// WithPrompt marks ctx as a call for which a person may answer the
// desktop's unlock prompt (a terminal is attached): keychain calls made
// with it wait InteractiveTimeout instead of DefaultTimeout.
func WithPrompt(ctx context.Context) context.Context {
	return context.WithValue(ctx, promptKey{}, true)
}

// timeout is the bound of a keychain call made with ctx.
func timeout(ctx context.Context) time.Duration {
	if ctx.Value(promptKey{}) != nil {
		return InteractiveTimeout
	}
	return DefaultTimeout
}

// Keyring is the OS keychain: the Secret Service on Linux
// (secretservice_linux.go), go-keyring elsewhere. Its zero value uses
// Service and DefaultTimeout.
type Keyring struct {
	Service string        // "" means Service
	Timeout time.Duration // 0: DefaultTimeout, or InteractiveTimeout under WithPrompt
}

var _ Store = Keyring{}

// Describe names the keychain (for doctor and login).
func (k Keyring) Describe() string {
	switch runtime.GOOS {
	case "darwin":
		return "macOS Keychain (via /usr/bin/security)"
	case "windows":
		return "Windows Credential Manager"
	}
	return "Secret Service over the D-Bus session bus (gnome-keyring, KeePassXC, KWallet)"
}

func (k Keyring) service() string { return serviceOr(k.Service) }

func serviceOr(s string) string {
	if s == "" {
		return Service
	}
	return s
}

// Get implements Store.
func (k Keyring) Get(ctx context.Context, profile string) (string, error) {
	var v string
	err := k.do(ctx, func(ctx context.Context) (err error) {
		v, err = backendGet(ctx, k.service(), profile)
		return err
	})
	return v, err
}

// Set implements Store.
func (k Keyring) Set(ctx context.Context, profile, secret string) error {
	return k.do(ctx, func(ctx context.Context) error { return backendSet(ctx, k.service(), profile, secret) })
}

// Delete implements Store.
func (k Keyring) Delete(ctx context.Context, profile string) error {
	err := k.do(ctx, func(ctx context.Context) error { return backendDelete(ctx, k.service(), profile) })
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// do runs one keychain call under a deadline. go-keyring's calls (macOS,
// Windows) cannot be cancelled: on timeout they are abandoned, which is
// fine in a short-lived process; the Secret Service's (Linux) end with ctx.
func (k Keyring) do(ctx context.Context, f func(context.Context) error) error {
	d := k.Timeout
	if d == 0 {
		d = timeout(ctx)
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f(ctx) }()
	var err error
	select {
	case err = <-done:
		if err == nil || ctx.Err() == nil {
			return translate(err)
		}
	case <-ctx.Done():
	}
	return &UnavailableError{
		Reason: "the keychain did not answer in time",
		Hint:   unlockHint,
		Err:    ctx.Err(),
	}
}

// errLocked says the collection stayed locked (no prompter, or the prompt
// was dismissed).
var errLocked = errors.New("failed to unlock the login collection")

// translate maps go-keyring's and the platform's errors to ours, each with a
// distinct, actionable message.
func translate(err error) error {
	var ue *UnavailableError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ue):
		return err
	case errors.Is(err, ErrNotFound), errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, errLocked):
		return &UnavailableError{Reason: "the keyring is locked (or has no login collection)", Hint: unlockHint}
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return &UnavailableError{Reason: "the secret is too large for this keychain", Err: err}
	case errors.Is(err, keyring.ErrUnsupportedPlatform):
		return &UnavailableError{Reason: "this platform has no supported keychain", Hint: envHint, Err: err}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "failed to unlock"):
		return &UnavailableError{Reason: "the keyring is locked (or has no login collection)", Hint: unlockHint}
	case strings.Contains(msg, "org.freedesktop.secrets was not provided"),
		strings.Contains(msg, "ServiceUnknown"):
		return &UnavailableError{Reason: "no Secret Service is running on the session bus", Hint: startHint}
	case strings.Contains(msg, "dial"), strings.Contains(msg, "connection refused"),
		strings.Contains(msg, "no such file"), strings.Contains(msg, "dbus-launch"):
		return &UnavailableError{Reason: "cannot connect to the D-Bus session bus", Hint: busHint, Err: err}
	}
	return &UnavailableError{Reason: "the keychain failed", Err: err}
}

// envVars are the variables that carry credentials instead of the keychain.
const envVars = credential.EnvClientID + " and " + credential.EnvClientSecret

const (
	envHint     = "Use the environment variables " + envVars + " instead (see the README)."
	unlockHint  = "Unlock the login keyring (e.g. log in to the desktop, or run: printf %s \"$PASSWORD\" | gnome-keyring-daemon --unlock), or use the environment variables " + envVars + "."
	startHint   = "Start a Secret Service (e.g. gnome-keyring-daemon --start --components=secrets) or use the environment variables " + envVars + "."
	forwardHint = "Forward the agent of a machine that has a keychain and point CAMUNDA_CREDENTIAL_HELPER_AGENT_SOCKET at its forward socket, or use the environment variables " + envVars + "."
	busHint     = "Start a D-Bus session (e.g. run the command under dbus-run-session) or use the environment variables " + envVars + "."
)

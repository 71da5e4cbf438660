package credential

import (
	"errors"
	"fmt"
)

// Kind classifies a failure so that callers can choose an exit code or a
// stable error code without parsing messages.
type Kind int

// The kinds of failure, each with its own exit code (see ExitCode).
const (
	KindOther       Kind = iota // anything else
	KindUsage                   // bad flags, bad input, bad or missing configuration
	KindNotLoggedIn             // no client secret stored for the profile
	KindRejected                // the token endpoint rejected the credentials (4xx)
	KindUnreachable             // network failure, timeout, 5xx, TLS problem
	KindKeychain                // the OS keychain is unavailable, locked or timed out
	KindNoRoute                 // no profile serves the requested host
	KindForbidden               // an API accepted the token but denied the call (403)
)

// Code is the stable, machine-readable name of a kind, used by the JSON
// stdin/stdout protocol.
func (k Kind) Code() string {
	switch k {
	case KindUsage:
		return "bad_request"
	case KindNotLoggedIn:
		return "not_logged_in"
	case KindRejected:
		return "credentials_rejected"
	case KindUnreachable:
		return "endpoint_unavailable"
	case KindKeychain:
		return "keychain_unavailable"
	case KindNoRoute:
		return "no_profile_for_host"
	case KindForbidden:
		return "forbidden"
	}
	return "internal_error"
}

// ExitCode is the process exit status documented in the README for a kind.
func (k Kind) ExitCode() int {
	switch k {
	case KindUsage:
		return 2
	case KindNotLoggedIn:
		return 3
	case KindRejected:
		return 4
	case KindUnreachable:
		return 5
	case KindKeychain:
		return 6
	case KindNoRoute:
		return 7
	case KindForbidden:
		return 8
	}
	return 1
}

// Error is a classified failure. Its message never contains a secret.
//
// What to do about it comes in two forms. Hint is advice in words from the
// layer that knows it (unlock the keyring, pass --ca-file). Missing, with
// Profile and Host, is a fact: what the failure lacks. The command that
// supplies it is spelled out at the edge (protocol.Explain), in the
// program's name, never by the core.
type Error struct {
	Kind    Kind
	Msg     string  // one line for the user; may be followed by Hint
	Hint    string  // what to do about it in words, or ""
	Missing Missing // what the failure lacks, for the edge to name the command that supplies it
	Profile string  // the profile the failure concerns, or ""
	Host    string  // the host no profile serves (MissingHost), or ""
	Err     error   // the underlying cause, for errors.Is/As; may be nil
}

// Missing is what a failure lacks.
type Missing int

// What a failure may lack.
const (
	MissingNothing Missing = iota
	MissingProfile         // there is no profile Profile: a login with a client ID makes one (or the environment's credentials)
	MissingSecret          // no client secret is stored for Profile: a login stores one
	MissingBinding         // the secret stored for Profile is not bound to its token URL and client ID: a new login binds it
	MissingHost            // no profile serves Host (or Profile, named for it, lists no hosts): a login with the host makes one
)

func (e *Error) Error() string {
	s := e.Msg
	if s == "" && e.Err != nil {
		s = e.Err.Error()
	}
	if e.Hint != "" {
		s += "\n" + e.Hint
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// ExitCode lets kong and main map the error to the process exit status.
func (e *Error) ExitCode() int { return e.Kind.ExitCode() }

// Classify is err as a classified failure: the first *Error in its chain,
// or, for an error no layer classified, an *Error of KindOther with err's
// message and err as its cause. It is nil only for a nil err. Every layer
// that reports a failure (doctor, the agent's answer, the protocols) takes
// its kind, message and hint from here, so none dereferences a failed
// errors.As and all agree on the kind.
func Classify(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) && e != nil {
		return e
	}
	return &Error{Kind: KindOther, Msg: err.Error(), Err: err}
}

// KindOf returns the kind of the first *Error in err's chain, or KindOther
// (KindOther for a nil err too).
func KindOf(err error) Kind {
	if err == nil {
		return KindOther
	}
	return Classify(err).Kind
}

// ErrNoRoute is returned (wrapped in an *Error of KindNoRoute) when a request
// names a host that no profile's host patterns match.
var ErrNoRoute = errors.New("no profile serves this host")

// Errorf is an *Error of kind k with a formatted message.
func Errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, args...)}
}

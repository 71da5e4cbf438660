package credential

import (
	"errors"
	"fmt"
	"testing"
)

// Classify turns any error into an *Error: the first in its chain, or one
// of KindOther with the error's message and the error as its cause.
func TestClassify(t *testing.T) {
	if Classify(nil) != nil {
		t.Error("Classify(nil) != nil")
	}
	inner := &Error{Kind: KindKeychain, Msg: "locked", Hint: "unlock"}
	if got := Classify(fmt.Errorf("get: %w", inner)); got != inner {
		t.Errorf("Classify(wrapped) = %#v; want the wrapped *Error itself", got)
	}
	plain := errors.New("mkdir /x: not a directory")
	got := Classify(plain)
	if got == nil || got.Kind != KindOther || got.Msg != plain.Error() || !errors.Is(got, plain) {
		t.Errorf("Classify(plain) = %#v; want KindOther with its message, wrapping it", got)
	}
	// A typed nil *Error in a chain is no classification.
	var typedNil *Error
	if got := Classify(fmt.Errorf("x: %w", typedNil)); got == nil || got.Kind != KindOther {
		t.Errorf("Classify(typed nil) = %#v; want KindOther", got)
	}
}

func TestKindOf(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want Kind
	}{
		{nil, KindOther},
		{errors.New("x"), KindOther},
		{Errorf(KindNoRoute, "no profile serves %s", "h"), KindNoRoute},
		{fmt.Errorf("a: %w", fmt.Errorf("b: %w", &Error{Kind: KindRejected})), KindRejected},
	} {
		if got := KindOf(tt.err); got != tt.want {
			t.Errorf("KindOf(%v) = %v; want %v", tt.err, got, tt.want)
		}
	}
}

// Each kind has its own exit status and code: scripts and the JSON
// protocol tell failures apart by them (the README documents both).
func TestKindsDistinct(t *testing.T) {
	want := map[Kind]struct {
		exit int
		code string
	}{
		KindOther:       {1, "internal_error"},
		KindUsage:       {2, "bad_request"},
		KindNotLoggedIn: {3, "not_logged_in"},
		KindRejected:    {4, "credentials_rejected"},
		KindUnreachable: {5, "endpoint_unavailable"},
		KindKeychain:    {6, "keychain_unavailable"},
		KindNoRoute:     {7, "no_profile_for_host"},
		KindForbidden:   {8, "forbidden"},
	}
	for k, w := range want {
		if k.ExitCode() != w.exit || k.Code() != w.code {
			t.Errorf("kind %d: exit %d, code %q; want %d, %q", k, k.ExitCode(), k.Code(), w.exit, w.code)
		}
		if e := (&Error{Kind: k}); e.ExitCode() != w.exit {
			t.Errorf("(*Error).ExitCode of kind %d = %d; want %d", k, e.ExitCode(), w.exit)
		}
	}
	if k := KindForbidden + 1; k.ExitCode() != 1 || k.Code() != "internal_error" {
		t.Errorf("an unknown kind: exit %d, code %q; want 1, internal_error", k.ExitCode(), k.Code())
	}
}

func TestErrorText(t *testing.T) {
	cause := errors.New("dial unix /run/bus: connection refused")
	for _, tt := range []struct {
		e    *Error
		want string
	}{
		{&Error{Msg: "locked", Hint: "Unlock it."}, "locked\nUnlock it."},
		{&Error{Msg: "locked"}, "locked"},
		{&Error{Err: cause}, cause.Error()},
		{&Error{Err: cause, Hint: "Start a bus."}, cause.Error() + "\nStart a bus."},
		// Facts are for the edge, which makes the command; the text
		// carries none.
		{&Error{Msg: "no client secret", Missing: MissingSecret, Profile: "work"}, "no client secret"},
	} {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q; want %q", got, tt.want)
		}
	}
	if !errors.Is(&Error{Err: cause}, cause) {
		t.Error("an *Error does not unwrap to its cause")
	}
}

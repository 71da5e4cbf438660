package protocol

import (
	"fmt"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// Explain is the text of a failure for the person who reads it: its
// message, then what to do on the next line. The core's errors say what
// is missing (credential.Missing, with the profile or host); the command
// that supplies it is made here, at the edge, where the program's name is
// known. An error no layer classified is its own message.
func Explain(err error) string {
	if err == nil {
		return ""
	}
	s := strings.TrimSpace(err.Error())
	if e := credential.Classify(err); e.Hint == "" {
		if fix := Fix(e); fix != "" {
			s += "\n" + fix
		}
	}
	return s
}

// Command is the command line that runs the helper's args for profile.
func Command(profile, args string) string {
	return progName + " --profile " + profile + " " + args
}

// Fix is what to do about e: its own hint, else the command that supplies
// what it lacks, else "".
func Fix(e *credential.Error) string {
	if e == nil {
		return ""
	}
	if e.Hint != "" {
		return e.Hint
	}
	profile := e.Profile
	if profile == "" {
		profile = "NAME"
	}
	switch e.Missing {
	case credential.MissingProfile:
		return fmt.Sprintf("Run: %s (or set %s and %s)", Command(profile, "login --client-id ID"), credential.EnvClientID, credential.EnvClientSecret)
	case credential.MissingSecret:
		return "Run: " + Command(profile, "login")
	case credential.MissingBinding:
		return "If the profile's settings are right, log in again: " + Command(profile, "login")
	case credential.MissingHost:
		host := e.Host
		if host == "" {
			host = "HOST"
		}
		if e.Profile != "" { // a profile named for the host, which its hosts do not list
			return fmt.Sprintf("To serve %s with it: %s login --profile %s --host HOST", host, progName, e.Profile)
		}
		return fmt.Sprintf("Run: %s login --host %s --profile NAME --client-id ID --oauth-url TOKEN_URL", progName, host)
	}
	return ""
}

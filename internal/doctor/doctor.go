// Package doctor checks a setup from end to end and says how to fix what
// fails: the keychain, the environment, the config file, git's storage
// helpers, the core's own diagnosis and the token agent.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

// Run checks and explains the keychain, the environment, the config file,
// git's storage helpers, what the core owns (the profile, its token
// endpoint, a token, the cache: helper.Core.Diagnose) and the token agent.
// Nothing it reports holds a secret or a token.
func Run(ctx context.Context, h *helper.Core, agentDir string) []helper.Finding {
	if ep := agentwire.Locate(h.LookupEnv); ep.Forwarded {
		// This machine's keychain, config and token endpoint are not used.
		return []helper.Finding{forwardFinding(ep)}
	}
	var out []helper.Finding
	add := func(f helper.Finding) { out = append(out, f) }
	// Keychain.
	backend := keystore.Describe(h.Secrets)
	if c, ok := h.Secrets.(*keystore.Chosen); ok {
		backend += ", because " + c.Why
	}
	_, err := h.Secrets.Get(ctx, "doctor-probe")
	var ue *keystore.UnavailableError
	switch {
	case err == nil || errors.Is(err, keystore.ErrNotFound):
		add(helper.Finding{OK: true, Topic: "keychain", Detail: backend + ": reachable and unlocked"})
	case errors.As(err, &ue):
		add(helper.Finding{Topic: "keychain", Detail: backend + ": " + ue.Reason, Fix: ue.Hint})
	default:
		add(helper.Finding{Topic: "keychain", Detail: backend + ": " + err.Error()})
	}

	// Environment.
	envID, envSecret := getenv(h, credential.EnvClientID), getenv(h, credential.EnvClientSecret)
	if envID != "" || envSecret != "" {
		f := helper.Finding{OK: envID != "" && envSecret != "", Warn: true, Topic: "environment",
			Detail: fmt.Sprintf("%s=%s and %s=%s override the stored profile", credential.EnvClientID, envID, credential.EnvClientSecret, mask(envSecret))}
		if !f.OK {
			f.Fix = "Set both variables, or unset both."
		}
		add(f)
	}

	// Config file.
	// The loader refuses a file others could change (checkConfigPerms), and
	// its message names the fix.
	cfg, err := h.Config()
	switch _, serr := os.Stat(h.ConfigPath); {
	case err != nil:
		f := helper.Finding{Topic: "config", Detail: err.Error(), Fix: "Fix or remove " + h.ConfigPath}
		if e := credential.Classify(err); e.Hint != "" {
			f.Detail, f.Fix = e.Msg, e.Hint
		}
		add(f)
		return out
	case serr != nil:
		add(helper.Finding{OK: true, Warn: true, Topic: "config", Detail: h.ConfigPath + " does not exist yet (no profiles)"})
	default:
		add(helper.Finding{OK: true, Topic: "config", Detail: fmt.Sprintf("%s: %d profile(s): %s", h.ConfigPath, len(cfg.Profiles), strings.Join(cfg.Names(), ", "))})
	}

	out = append(out, gitFindings(ctx, cfg)...)
	for _, f := range h.Diagnose(ctx) {
		// The commands are made here, at the edge: the core says what
		// is missing, or which of its commands to run.
		switch {
		case f.Then != "":
			f.Fix = strings.TrimSpace(f.Fix + " " + protocol.Command(h.ProfileName(), f.Then))
		case f.Fix == "" && f.Cause != nil:
			f.Fix = protocol.Fix(f.Cause)
		}
		add(f)
	}
	add(agentFinding(h, agentDir))
	return out
}

func getenv(h *helper.Core, k string) string {
	v, _ := h.LookupEnv(k)
	return v
}

func mask(s string) string {
	if s == "" {
		return "(unset)"
	}
	return fmt.Sprintf("(set, %d characters)", len(s))
}

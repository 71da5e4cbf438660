package fastclient

import (
	"cmp"
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/forward"
)

// errUnserved says the agent could not take the call: the full binary will.
var errUnserved = errors.New("the agent cannot take this call")

// callGuard bounds a call to the agent, which bounds the request itself by
// the caller's --timeout: it only guards against an agent that hangs.
const callGuard = 10 * time.Minute

// agentSource asks the user's token agent for tokens; it never starts one.
// Whatever the agent cannot answer marks the call unserved, and Main then
// hands it to the full binary, output and all.
type agentSource struct {
	version     string
	call        call
	interactive bool
	unserved    bool
}

// Token implements credential.Source, with the caller's choice of profile
// put on req as the full binary does (helper.Core.Stamp).
func (a *agentSource) Token(ctx context.Context, req credential.Request) (credential.Token, error) {
	selected, ok := os.LookupEnv("CAMUNDA_PROFILE")
	if a.call.profileSet {
		selected, ok = a.call.profile, true
		if req.Profile == "" {
			req.Profile = a.call.profile
		}
	}
	if req.Default == "" && ok {
		req.Default = selected
	}
	cfg := a.call.config
	if v := os.Getenv("CAMUNDA_CREDENTIAL_HELPER_CONFIG"); cfg == "" && v != "" {
		if !filepath.IsAbs(v) {
			return a.fail() // the full binary says why
		}
		cfg = v
	}
	ep := agentwire.Locate(os.LookupEnv)
	if ep.Forwarded {
		// A forwarded agent is the only source there is: its answer or
		// failure is the call's, told as the full binary tells it, and
		// never handed to the full binary to be asked again.
		f := &forward.Source{Endpoint: ep, Version: a.version, Timeout: cmp.Or(a.call.timeout, credential.DefaultTimeout)}
		return f.Token(ctx, req)
	}
	c, err := ep.Dial()
	if err != nil {
		return a.fail() // the full binary says why
	}
	r := &agentwire.Request{Op: agentwire.OpToken, Version: a.version, Timeout: a.call.timeout,
		Config: cfg, Env: agentwire.Environment(os.LookupEnv, agentwire.ProcessEnv), Interactive: a.interactive}
	r.SetRequest(req)
	rep, err := agentwire.Call(c, r, time.Now().Add(callGuard))
	if err != nil || rep.Unserved != "" {
		return a.fail()
	}
	return rep.Result()
}

func (a *agentSource) fail() (credential.Token, error) {
	a.unserved = true
	return credential.Token{}, errUnserved
}

// The rest of docker's Registry is never asked for by a get; should it be,
// the full binary answers.

func (a *agentSource) LoginRegistry(context.Context, string, string, string) error {
	a.unserved = true
	return errUnserved
}

func (a *agentSource) LogoutRegistry(context.Context, string) error {
	a.unserved = true
	return errUnserved
}

func (a *agentSource) Hosts(context.Context) (map[string]string, error) {
	a.unserved = true
	return nil, errUnserved
}

// Drop is git's and Terraform's erase, which the fast client leaves to the
// full binary.
func (a *agentSource) Drop(context.Context, credential.Request) error {
	a.unserved = true
	return errUnserved
}

// Package forward is the calling side of a forwarded agent: on a remote
// host or in a container, CAMUNDA_CREDENTIAL_HELPER_AGENT_SOCKET
// (agentwire.EnvSocket) names the laptop agent's forward socket, brought
// there by ssh -R or a bind mount. The agent at the other end routes each
// request with its own config file and answers it; this side uses no
// keychain, config file, cache or token endpoint of its own, starts no
// agent, and never falls back to one when the forwarded agent cannot
// answer: the call fails with one line that names the socket.
//
// The forward socket itself (what it serves, to whom) is the agent's
// (internal/agent/forward.go); which profiles may be forwarded is
// config.Forwarded; where the socket is and what is trusted of it,
// agentwire.Locate.
package forward

import (
	"context"
	"errors"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// Source gets tokens from a forwarded agent.
type Source struct {
	Endpoint agentwire.Endpoint // from agentwire.Locate, Forwarded set
	Version  string             // this build's: an agent of another refuses the call
	Timeout  time.Duration      // the call's bound, retries included, at the far side
}

// grace is how much longer than Timeout the caller waits for the answer:
// the agent bounds the request by the same timeout and reports its own failure.
const grace = time.Second

// Token implements credential.Source; req carries the caller's choice of
// profile (--profile, CAMUNDA_PROFILE), which the far side applies.
func (s *Source) Token(ctx context.Context, req credential.Request) (credential.Token, error) {
	r := &agentwire.Request{Op: agentwire.OpToken, Version: s.Version, Timeout: s.Timeout}
	r.SetRequest(req)
	rep, err := s.call(ctx, r, s.Timeout+grace)
	if err != nil {
		return credential.Token{}, err
	}
	return rep.Result()
}

// Drop has the forwarded agent drop the cached token of the profile req
// selects there (git's erase, Terraform's forget).
func (s *Source) Drop(ctx context.Context, req credential.Request) error {
	r := &agentwire.Request{Op: agentwire.OpDrop, Version: s.Version}
	r.SetRequest(req)
	rep, err := s.call(ctx, r, 5*time.Second)
	if err != nil {
		return err
	}
	_, err = rep.Result()
	return err
}

// Refuse is the error for what only the machine that holds the secrets
// does (login, logout, docker login and logout).
func (s *Source) Refuse(what string) error {
	return &credential.Error{Kind: credential.KindUsage,
		Msg:  what + ": tokens come from the forwarded agent on " + s.Endpoint.Socket + " (" + agentwire.EnvSocket + ")",
		Hint: "Run it on the machine whose agent is forwarded, or unset " + agentwire.EnvSocket + "."}
}

// call sends r to the forwarded agent and returns its answer; a request
// it does not serve (another uid, another version) is an error that says why.
func (s *Source) call(ctx context.Context, r *agentwire.Request, timeout time.Duration) (*agentwire.Reply, error) {
	ep := s.Endpoint
	trace.Printf(ctx, "agent", "forwarded agent %s (%s): no keychain, config or token endpoint of this machine is used", ep.Socket, agentwire.EnvSocket)
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn, err := ep.Dial()
	if err != nil {
		return nil, failure(err)
	}
	rep, err := agentwire.Call(conn, r, deadline)
	if err != nil {
		return nil, failure(ep.Failed(err))
	}
	if rep.Unserved != "" {
		return nil, &credential.Error{Kind: credential.KindOther, Msg: "the forwarded agent on " + ep.Socket + " did not serve the call: " + rep.Unserved}
	}
	return rep, nil
}

// failure classifies a forwarded agent's failure: gone (the session
// ended) is unreachable, a bad setting a usage error.
func failure(err error) error {
	k := credential.KindUsage
	var fe *agentwire.ForwardError
	if errors.As(err, &fe) && fe.Gone {
		k = credential.KindUnreachable
	}
	return &credential.Error{Kind: k, Msg: err.Error(), Err: err}
}

package agent

import (
	"context"
	"errors"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// The calling side of a forwarded agent (agentwire.EnvSocket set, on the
// remote host or in the container): the agent at the other end routes each
// request with its own config file and answers it; this side uses no
// keychain, config file, cache or token endpoint of its own, starts no
// agent, and never falls back to one when the forwarded agent cannot
// answer: the call fails with one line that names the socket.

// forwardedToken asks the forwarded agent for a token.
func (c *TokenPath) forwardedToken(ctx context.Context, req credential.Request) (credential.Token, error) {
	timeout := c.core.TimeoutOrDefault()
	r := &agentwire.Request{Op: agentwire.OpToken, Version: c.Version, Timeout: timeout}
	r.SetRequest(req)
	rep, err := c.callForwarded(ctx, r, timeout+grace)
	if err != nil {
		return credential.Token{}, err
	}
	return rep.Result()
}

// forwardedDrop has the forwarded agent drop the cached token of the
// profile req selects there (git's erase, Terraform's forget).
func (c *TokenPath) forwardedDrop(ctx context.Context, req credential.Request) error {
	r := &agentwire.Request{Op: agentwire.OpDrop, Version: c.Version}
	r.SetRequest(req)
	rep, err := c.callForwarded(ctx, r, 5*time.Second)
	if err != nil {
		return err
	}
	_, err = rep.Result()
	return err
}

// callForwarded sends r to the forwarded agent and returns its answer; a
// request it does not serve (another uid, another version) is an error
// that says why.
func (c *TokenPath) callForwarded(ctx context.Context, r *agentwire.Request, timeout time.Duration) (*agentwire.Reply, error) {
	ep := c.Forward
	trace.Printf(ctx, "agent", "forwarded agent %s (%s): no keychain, config or token endpoint of this machine is used", ep.Socket, agentwire.EnvSocket)
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn, err := ep.Dial()
	if err != nil {
		return nil, forwardFailure(err)
	}
	rep, err := agentwire.Call(conn, r, deadline)
	if err != nil {
		return nil, forwardFailure(ep.Failed(err))
	}
	if rep.Unserved != "" {
		return nil, &credential.Error{Kind: credential.KindOther, Msg: "the forwarded agent on " + ep.Socket + " did not serve the call: " + rep.Unserved}
	}
	return rep, nil
}

// forwardFailure classifies a forwarded agent's failure: gone (the session
// ended) is unreachable, a bad setting a usage error.
func forwardFailure(err error) error {
	k := credential.KindUsage
	var fe *agentwire.ForwardError
	if errors.As(err, &fe) && fe.Gone {
		k = credential.KindUnreachable
	}
	return &credential.Error{Kind: k, Msg: err.Error(), Err: err}
}

// local refuses what only the machine that holds the secrets does (login,
// logout) when the tokens come from a forwarded agent.
func (c *TokenPath) local(what string) error {
	if c.Forward == nil {
		return nil
	}
	return &credential.Error{Kind: credential.KindUsage,
		Msg:  what + ": tokens come from the forwarded agent on " + c.Forward.Socket + " (" + agentwire.EnvSocket + ")",
		Hint: "Run it on the machine whose agent is forwarded, or unset " + agentwire.EnvSocket + "."}
}

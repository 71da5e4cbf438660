package agent

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/forward"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// TokenPath is the caller's token path: it asks the user's token agent for
// a token first (starting one when none runs) and falls back to the core,
// so an agent can only make a call faster. Whatever withdraws a token
// (login, logout, a protocol's erase) goes to the core and is then told to
// a running agent, which is dialled for that but never started.
//
// It wraps the core rather than embedding it: each of its methods is
// written out (here and in tokenpath.go), so a method added to the core
// that withdraws a token cannot reach callers without telling the agent
// (TestTokenPathWrapsCore).
type TokenPath struct {
	core *helper.Core // the direct path

	Dir         string            // the agent's directory (agentwire.Dir); "" where the OS has no agent
	Tokens      bool              // ask the agent for tokens (false: CAMUNDA_CREDENTIAL_HELPER_AGENT=off)
	Exe         string            // the binary that runs "agent run"; "" never starts one
	Env         map[string]string // the caller's agentwire.ProcessEnv
	Interactive bool              // a person may answer a keychain prompt
	Version     string            // this build's (agentwire.BuildVersion): an agent of another retires
	// Forward, when set, is a forwarded agent (agentwire.EnvSocket): every
	// token comes from it and nothing from the core.
	Forward *forward.Source
}

// NewTokenPath returns the token path around core; set the agent's fields
// before first use (none set: the direct path only).
func NewTokenPath(core *helper.Core) *TokenPath { return &TokenPath{core: core} }

// startTimeout bounds starting an agent until its socket listens.
const startTimeout = 3 * time.Second

// grace is how much longer than the call's timeout a client waits for the
// agent's answer: the agent bounds the request by the same timeout and
// reports its own failure (a token endpoint that did not answer, say).
const grace = time.Second

// Token implements credential.Source: the agent's answer, or the core's
// when the agent cannot take the call. A caller with credentials in its
// environment is never served by the agent, so that a secret from the
// environment never crosses the socket nor outlives the caller.
func (c *TokenPath) Token(ctx context.Context, req credential.Request) (credential.Token, error) {
	req = c.core.Stamp(req)
	if c.Forward != nil && credential.EnvCredentialVar(c.core.LookupEnv) == "" {
		return c.Forward.Token(ctx, req)
	}
	if why := c.notAsked(); why != "" {
		trace.Printf(ctx, "agent", "not asked: %s", why)
	} else if tok, err, ok := c.ask(ctx, req); ok {
		return tok, err
	}
	trace.Printf(ctx, "direct", "this process gets the token itself")
	return c.core.Token(ctx, req)
}

// notAsked says why the agent is not asked for this call's tokens, or "".
func (c *TokenPath) notAsked() string {
	switch {
	case c.Dir == "":
		return "this operating system has no agent"
	case !c.Tokens:
		return agentwire.EnvAgent + " turns it off"
	}
	if n := credential.EnvCredentialVar(c.core.LookupEnv); n != "" {
		return n + " is set: credentials from the environment never go to the agent"
	}
	return ""
}

// ask has the agent answer req; ok is false when it did not (none runs
// and none may start, it refused the caller), and the core answers.
func (c *TokenPath) ask(ctx context.Context, req credential.Request) (tok credential.Token, err error, ok bool) {
	timeout := c.core.TimeoutOrDefault()
	r := &agentwire.Request{Op: agentwire.OpToken, Version: c.Version, Env: c.Env, Config: c.core.ConfigPath,
		Timeout: timeout, Interactive: c.Interactive, Trace: trace.On(ctx)}
	r.SetRequest(req)
	mayStart := func() bool {
		ok := c.mayStart()
		if ok {
			trace.Printf(ctx, "agent", "none listens in %s: starting one (%s agent run)", c.Dir, c.Exe)
		} else {
			trace.Printf(ctx, "agent", "none listens in %s, and the config file turns it off ([agent] enabled = false) or cannot be read", c.Dir)
		}
		return ok
	}
	start := time.Now()
	rep, err := c.call(ctx, r, timeout, mayStart)
	if err != nil {
		trace.Printf(ctx, "agent", "not used: %v", err)
		return credential.Token{}, nil, false
	}
	trace.Relay(ctx, "agent", rep.Trace)
	if rep.Unserved != "" {
		trace.Printf(ctx, "agent", "refused the call: %s", rep.Unserved)
		return credential.Token{}, nil, false
	}
	tok, err = rep.Result()
	trace.Printf(ctx, "agent", "answered in %s", time.Since(start).Round(10*time.Microsecond))
	return tok, err, true
}

// mayStart reads the config file's agent setting; it is consulted only
// before starting an agent, never on a hit.
func (c *TokenPath) mayStart() bool {
	cfg, err := c.core.Config()
	return err == nil && cfg.Agent.On()
}

// call sends r to the agent. When no agent listens and mayStart allows,
// it starts one and asks again.
func (c *TokenPath) call(ctx context.Context, r *agentwire.Request, timeout time.Duration, mayStart func() bool) (*agentwire.Reply, error) {
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn, err := agentwire.Dial(c.Dir)
	if err != nil {
		trace.Printf(ctx, "agent", "none answers in %s: %v", c.Dir, err)
		if mayStart == nil || c.Exe == "" || !agentwire.NotListening(err) || !mayStart() {
			return nil, err
		}
		if conn, err = c.start(deadline); err != nil {
			return nil, err
		}
	}
	return agentwire.Call(conn, r, deadline.Add(grace))
}

// start runs "Exe agent run" in its own session, waits until it says that
// it listens, and dials it. When another agent holds the lock ("busy"), it
// dials that one; if none comes to listen soon (the holder was exiting), it
// starts another.
func (c *TokenPath) start(deadline time.Time) (agentwire.Conn, error) {
	deadline = minTime(deadline, time.Now().Add(startTimeout))
	for {
		msg, err := c.spawn(deadline)
		if err != nil {
			return nil, err
		}
		switch msg {
		case "ready":
			return agentwire.Dial(c.Dir)
		case "busy":
			for retry := minTime(deadline, time.Now().Add(250*time.Millisecond)); ; {
				conn, err := agentwire.Dial(c.Dir)
				if err == nil || !agentwire.NotListening(err) {
					return conn, err
				}
				if time.Now().After(retry) {
					break
				}
				time.Sleep(2 * time.Millisecond)
			}
		default:
			return nil, errors.New("the agent did not start: " + msg)
		}
		if time.Now().After(deadline) {
			return nil, errors.New("timed out starting the agent")
		}
	}
}

// spawn starts an agent and returns what it says on its ready pipe.
func (c *TokenPath) spawn(deadline time.Time) (string, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer pr.Close()
	cmd := exec.Command(c.Exe, "agent", "run", "--ready-fd=3")
	cmd.ExtraFiles = []*os.File{pw}
	cmd.SysProcAttr = detached()
	err = cmd.Start()
	pw.Close()
	if err != nil {
		return "", err
	}
	go cmd.Wait() //nolint:errcheck // reap the agent if it exits while we run
	_ = pr.SetReadDeadline(deadline)
	msg, _ := io.ReadAll(io.LimitReader(pr, 64))
	return strings.TrimSpace(string(msg)), nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

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
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// Client is the caller's token path: it asks the user's token agent for a
// token first (starting one when none runs) and falls back to the core, so
// an agent can only make a call faster. Whatever withdraws a token (login,
// logout, a protocol's erase) goes to the core and is then told to a
// running agent, which is dialled for that but never started.
type Client struct {
	*helper.Core // the direct path, and everything but tokens

	Dir         string            // the agent's directory (agentwire.Dir); "" where the OS has no agent
	Tokens      bool              // ask the agent for tokens (false: CAMUNDA_CREDENTIAL_HELPER_AGENT=off)
	Exe         string            // the binary that runs "agent run"; "" never starts one
	Env         map[string]string // the caller's agentwire.ProcessEnv
	Interactive bool              // a person may answer a keychain prompt
	Version     string            // this build's (agentwire.BuildVersion): an agent of another retires
}

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
func (c *Client) Token(ctx context.Context, req credential.Request) (credential.Token, error) {
	req = c.Stamp(req)
	if c.Tokens && c.Dir != "" && !c.EnvCredentials() {
		if tok, err, ok := c.ask(ctx, req); ok {
			return tok, err
		}
	}
	return c.Core.Token(ctx, req)
}

func (c *Client) ask(ctx context.Context, req credential.Request) (credential.Token, error, bool) {
	timeout := c.Core.TimeoutOrDefault()
	r := &agentwire.Request{Op: agentwire.OpToken, Version: c.Version, Env: c.Env, Config: c.ConfigPath,
		Timeout: timeout, Interactive: c.Interactive}
	r.SetRequest(req)
	rep, err := c.call(ctx, r, timeout, c.mayStart)
	if err != nil || rep.Unserved != "" {
		return credential.Token{}, nil, false
	}
	tok, err := rep.Result()
	return tok, err, true
}

// mayStart reads the config file's agent setting; it is consulted only
// before starting an agent, never on a hit.
func (c *Client) mayStart() bool {
	cfg, err := c.Core.Config()
	return err == nil && cfg.Agent.On()
}

// Drop drops the cached tokens of the profile req selects (git's erase,
// Terraform's forget), in the file cache and in a running agent.
func (c *Client) Drop(ctx context.Context, req credential.Request) error {
	name, err := c.Core.Drop(ctx, c.Stamp(req))
	c.tell(name)
	return err
}

// Login stores the selected profile's secret (see helper.Core.Login); a
// running agent drops the tokens it got with the old one.
func (c *Client) Login(ctx context.Context, lp helper.LoginParams) (credential.Token, error) {
	tok, err := c.Core.Login(ctx, lp)
	c.tell(c.ProfileName())
	return tok, err
}

// Logout deletes the selected profile's secret and cached tokens, also a
// running agent's.
func (c *Client) Logout(ctx context.Context) error {
	err := c.Core.Logout(ctx)
	c.tell(c.ProfileName())
	return err
}

// LoginRegistry is docker login (see helper.Core.LoginRegistry).
func (c *Client) LoginRegistry(ctx context.Context, serverURL, clientID, secret string) error {
	name, err := c.Core.LoginRegistry(ctx, serverURL, clientID, secret)
	c.tell(name)
	return err
}

// LogoutRegistry is docker logout (see helper.Core.LogoutRegistry).
func (c *Client) LogoutRegistry(ctx context.Context, serverURL string) error {
	name, err := c.Core.LogoutRegistry(ctx, serverURL)
	c.tell(name)
	return err
}

// tell has a running agent drop a profile's tokens: dialled, never
// started; whether this call used the agent or not, it must not go on
// serving a token the call withdrew. A profile of "" (environment
// credentials) has none there.
func (c *Client) tell(profile string) {
	if c.Dir == "" || profile == "" {
		return
	}
	r := &agentwire.Request{Op: agentwire.OpDrop, Env: c.Env, Config: c.ConfigPath, Profile: profile}
	_, _ = c.call(context.Background(), r, 2*time.Second, nil)
}

// call sends r to the agent. When no agent listens and mayStart allows,
// it starts one and asks again.
func (c *Client) call(ctx context.Context, r *agentwire.Request, timeout time.Duration, mayStart func() bool) (*agentwire.Reply, error) {
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
func (c *Client) start(deadline time.Time) (agentwire.Conn, error) {
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
func (c *Client) spawn(deadline time.Time) (string, error) {
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

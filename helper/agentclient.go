package helper

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// AgentClient reaches the user's token agent, starting it when it is not
// running. Whatever goes wrong with the agent, the caller takes the direct
// path, so an agent can only make calls faster.
type AgentClient struct {
	Dir         string            // the agent's directory (agentwire.Dir)
	Exe         string            // the binary that runs "agent run"; "" never starts one
	Env         map[string]string // the caller's agentwire.ProcessEnv
	Interactive bool              // a person may answer a keychain prompt
	Version     string            // this build's (agentwire.BuildVersion): an agent of another retires
}

// agentStartTimeout bounds starting an agent until its socket listens.
const agentStartTimeout = 3 * time.Second

// envCredentials reports whether the environment holds credentials: such
// callers never use the agent (see agentwire.SecretEnv).
func (h *Helper) envCredentials() bool {
	for _, n := range agentwire.SecretEnv {
		if h.getenv(n) != "" {
			return true
		}
	}
	return false
}

// agentToken asks the agent for a token; ok is false when the agent cannot
// serve this call and the direct path must.
func (h *Helper) agentToken(ctx context.Context, req credential.Request) (tok credential.Token, err error, ok bool) {
	a := h.Agent
	if a == nil || h.envCredentials() {
		return credential.Token{}, nil, false
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	r := &agentwire.Request{Op: agentwire.OpToken, Version: a.Version, Env: a.Env, Config: h.ConfigPath, Profile: h.Profile, Explicit: h.Explicit,
		ReqProfile: req.Profile, Resource: req.Resource, MinTTL: req.MinTTL, ForceRefresh: req.ForceRefresh,
		Timeout: timeout, Interactive: a.Interactive}
	rep, cerr := a.call(ctx, r, timeout, func() bool { return h.agentAllowed() })
	if cerr != nil || rep.Unserved != "" {
		return credential.Token{}, nil, false
	}
	if rep.Err != nil {
		return credential.Token{}, &credential.Error{Kind: credential.Kind(rep.Err.Kind), Msg: rep.Err.Msg, Hint: rep.Err.Hint}, true
	}
	return credential.Token{AccessToken: rep.AccessToken, Expiry: rep.Expiry, Profile: rep.Profile, Username: rep.Username}, nil, true
}

// agentAllowed reads the config file's agent setting; it is consulted only
// before starting an agent, never on a hit.
func (h *Helper) agentAllowed() bool {
	cfg, err := h.config()
	return err == nil && cfg.Agent.On()
}

// agentErase tells a running agent to drop a profile's tokens (login,
// logout, erase), whether or not this call asks it for tokens. It never
// starts one.
func (h *Helper) agentErase(profile string) {
	a := h.Agent
	if a == nil {
		if h.AgentDir == "" {
			return
		}
		a = &AgentClient{Dir: h.AgentDir}
	}
	r := &agentwire.Request{Op: agentwire.OpErase, Env: a.Env, Config: h.ConfigPath, ReqProfile: profile}
	_, _ = a.call(context.Background(), r, 2*time.Second, nil)
}

// call sends r to the agent. When no agent listens and mayStart allows,
// it starts one and asks again.
func (a *AgentClient) call(ctx context.Context, r *agentwire.Request, timeout time.Duration, mayStart func() bool) (*agentwire.Reply, error) {
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	c, err := agentwire.Dial(a.Dir)
	if err != nil {
		if mayStart == nil || a.Exe == "" || !notListening(err) || !mayStart() {
			return nil, err
		}
		if c, err = a.start(deadline); err != nil {
			return nil, err
		}
	}
	// The agent bounds the request by the same timeout and reports its own
	// failure (say, a token endpoint that did not answer): give its answer
	// time to arrive before taking the direct path.
	return agentwire.Call(c, r, deadline.Add(agentGrace))
}

// agentGrace is how much longer than the call's timeout a client waits for
// the agent's answer.
const agentGrace = time.Second

// notListening reports whether a dial failed because no agent runs: no
// directory or socket yet, or a socket left by an agent that died.
func notListening(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT)
}

// start runs "Exe agent run" in its own session, waits until it says that
// it listens, and dials it. When another agent holds the lock ("busy"), it
// dials that one; if none comes to listen soon (the holder was exiting), it
// starts another.
func (a *AgentClient) start(deadline time.Time) (agentwire.Conn, error) {
	deadline = minTime(deadline, time.Now().Add(agentStartTimeout))
	for {
		msg, err := a.spawn(deadline)
		if err != nil {
			return nil, err
		}
		switch msg {
		case "ready":
			return agentwire.Dial(a.Dir)
		case "busy":
			for retry := minTime(deadline, time.Now().Add(250*time.Millisecond)); ; {
				c, err := agentwire.Dial(a.Dir)
				if err == nil || !notListening(err) {
					return c, err
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
func (a *AgentClient) spawn(deadline time.Time) (string, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer pr.Close()
	cmd := exec.Command(a.Exe, "agent", "run", "--ready-fd=3")
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

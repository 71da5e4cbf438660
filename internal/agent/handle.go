package agent

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokencache"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// serveConn answers one request: on the agent's socket from this user
// only, on the forward socket from the uids it accepts (forwardPeer).
func (a *Server) serveConn(ctx context.Context, c *net.UnixConn, forwarded bool) {
	defer c.Close()
	a.inflight.Add(1)
	defer a.inflight.Add(-1)
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	uid, err := peerUID(c)
	if forwarded {
		if why := a.forwardPeer(uid, err); why != "" {
			trace.Printf(ctx, "agent", "forward socket: refused a connection: %s", why)
			// The request is read (and ignored) first: a caller whose
			// write met a closed socket would see a hang-up, not why.
			_ = agentwire.Read(c, &agentwire.Request{})
			_ = agentwire.Write(c, &agentwire.Reply{Unserved: "refused: " + why})
			return
		}
	} else if err != nil || uid != os.Getuid() {
		_ = agentwire.Write(c, &agentwire.Reply{Unserved: fmt.Sprintf("refused: this agent serves uid %d only", os.Getuid())})
		return
	}
	var r agentwire.Request
	if err := agentwire.Read(c, &r); err != nil {
		return
	}
	_ = c.SetDeadline(time.Time{})
	// A client that goes away (killed, timed out) cancels its request, as
	// a killed process releases its lock on the direct path.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		var b [1]byte
		_, _ = c.Read(b[:]) // returns at the client's EOF, or when c closes
		cancel()
	}()
	var rep *agentwire.Reply
	if forwarded {
		rep = a.safeHandle(ctx, &r, a.handleForwarded)
		if rep.Unserved == "" {
			a.fwd.Add(1)
		}
	} else {
		rep = a.safeHandle(ctx, &r, a.handle)
	}
	if r.Op == agentwire.OpToken && rep.Unserved == "" {
		// Only token requests it served keep the agent alive: status
		// checks and callers it sends to the direct path do not.
		a.served.Add(1)
		a.touch()
	}
	_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_ = agentwire.Write(c, rep)
}

func peerUID(c *net.UnixConn) (uid int, err error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return -1, err
	}
	if cerr := rc.Control(func(fd uintptr) { uid, err = agentwire.PeerUID(int(fd)) }); cerr != nil {
		return -1, cerr
	}
	return uid, err
}

// safeHandle is handle, where a panic answers Unserved (the client takes the
// direct path) instead of ending the agent and every request in flight.
func (a *Server) safeHandle(ctx context.Context, r *agentwire.Request, handle func(context.Context, *agentwire.Request) *agentwire.Reply) (rep *agentwire.Reply) {
	defer func() {
		if p := recover(); p != nil {
			rep = &agentwire.Reply{Unserved: fmt.Sprintf("internal error: %v", p)}
		}
	}()
	return handle(ctx, r)
}

func (a *Server) handle(ctx context.Context, r *agentwire.Request) *agentwire.Reply {
	switch r.Op {
	case agentwire.OpStatus:
		return &agentwire.Reply{Status: a.status()}
	case agentwire.OpStop:
		a.shutdown()
		return &agentwire.Reply{}
	case agentwire.OpDrop:
		if h := a.held(r.Config); h != nil {
			_ = h.mem.Drop(r.Profile)
		}
		return &agentwire.Reply{}
	case agentwire.OpToken:
		if why := a.unserved(r); why != "" {
			return &agentwire.Reply{Unserved: why}
		}
		return a.token(ctx, r)
	}
	return &agentwire.Reply{Unserved: fmt.Sprintf("unknown operation %q", r.Op)}
}

// unserved says why the agent leaves a token request to the direct path,
// or "". A caller of another build retires the agent.
func (a *Server) unserved(r *agentwire.Request) string {
	if r.Version != "" && a.Version != "" && r.Version != a.Version {
		a.shutdown()
		return "the agent is version " + a.Version + ", the caller " + r.Version + ": it exits"
	}
	if n := agentwire.EnvDiffers(a.env, r.Env); n != "" {
		return n + " differs from the agent's; run: " + tools.Name + " agent stop"
	}
	return ""
}

func (a *Server) token(ctx context.Context, r *agentwire.Request) *agentwire.Reply {
	if r.Config == "" { // the fast client's default: the agent's is the caller's (same ProcessEnv)
		r.Config, _ = config.DefaultPath()
	}
	core, err := a.core(r.Config)
	if err != nil {
		return &agentwire.Reply{Unserved: err.Error()}
	}
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	if r.Interactive {
		ctx = keystore.WithPrompt(ctx)
	}
	var lines strings.Builder // the caller's --verbose: the decisions made here go back with the answer
	if r.Trace {
		ctx = trace.With(ctx, &lines)
		trace.Printf(ctx, "process", "pid %d answers with the core of %s", os.Getpid(), r.Config)
	}
	rep := agentwire.Answer(core.Token(ctx, r.TokenRequest()))
	rep.Trace = lines.String()
	return rep
}

// errOff says that the config file turns the agent off.
var errOff = errors.New("the config file turns the agent off ([agent] enabled = false)")

// core is the core that serves a config file, made on first use. A config
// file that turns the agent off is not served: its tokens are dropped, and
// the agent exits unless another config file's callers still use it. A
// config file that cannot be read is served all the same: the core reports
// the error as the direct path would.
func (a *Server) core(path string) (*helper.Core, error) {
	a.mu.Lock()
	h := a.cores[path]
	if h == nil {
		mem := tokencache.NewMemory()
		h = &held{core: a.NewCore(path, mem), mem: mem}
		a.cores[path] = h
	}
	a.mu.Unlock()
	if cfg, err := h.core.Config(); err == nil && !cfg.Agent.On() {
		a.mu.Lock()
		delete(a.cores, path)
		last := len(a.cores) == 0
		a.mu.Unlock()
		if last {
			a.shutdown()
		}
		return nil, errOff
	}
	return h.core, nil
}

// held is what the agent keeps for one config file: the core that serves
// it, and the memory in front of its file cache.
type held struct {
	core *helper.Core
	mem  *tokencache.Memory
}

// held is what the agent keeps for a config file, if it has one.
func (a *Server) held(path string) *held {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cores[path]
}

func (a *Server) status() *agentwire.Status {
	n := 0
	a.mu.Lock()
	for _, h := range a.cores {
		n += h.mem.Size()
	}
	a.mu.Unlock()
	return &agentwire.Status{Version: a.Version, PID: os.Getpid(), Started: a.started, Idle: a.Idle, Tokens: n, Served: a.served.Load(),
		Forwarded: a.fwd.Load(), Memory: memoryGuard()}
}

// Status asks the agent in dir how it is; it never starts one.
func Status(dir string) (*agentwire.Status, error) {
	rep, err := ask(dir, &agentwire.Request{Op: agentwire.OpStatus}, 2*time.Second)
	if err != nil {
		return nil, err
	}
	if rep.Status == nil {
		return nil, errors.New("the agent did not say: " + rep.Unserved)
	}
	return rep.Status, nil
}

// Stop tells the agent in dir to exit. It reports whether one ran.
func Stop(dir string) (bool, error) {
	_, err := ask(dir, &agentwire.Request{Op: agentwire.OpStop}, 2*time.Second)
	if agentwire.NotListening(err) {
		return false, nil
	}
	return err == nil, err
}

// ask sends r to the agent in dir, if one listens.
func ask(dir string, r *agentwire.Request, timeout time.Duration) (*agentwire.Reply, error) {
	c, err := agentwire.Dial(dir)
	if err != nil {
		return nil, err
	}
	return agentwire.Call(c, r, time.Now().Add(timeout))
}

package helper

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofrs/flock"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokencache"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// Agent is the per-user token agent: it keeps tokens in memory and hands
// them out over a Unix socket that only its own user can reach, so that a
// cached token costs a connect and a reply instead of a keychain read. It
// reads a client secret only to fetch a token, never writes a token
// anywhere, and exits when idle, told to, or when its socket is removed.
type Agent struct {
	Dir  string        // private directory of socket and lock (agentwire.Dir)
	Idle time.Duration // exit after this long without requests
	// Version is this build's. A client of another build retires the agent
	// (after an upgrade, the next call starts one of the new build).
	Version string
	Ready   io.Writer // told "ready" once listening, or "busy" when another agent holds the lock
	// Secrets, when set, replaces the keychain of token requests (tests).
	Secrets keystore.Store
	// Run runs a forwarded command line (agentwire.OpRun) in this process.
	// The command's Helper must be passed to attach, which wires it to the
	// agent's memory; when attach fails, Run returns its error.
	Run func(ctx context.Context, r *agentwire.Request, attach func(*Helper) error) (stdout, stderr []byte, exit int, err error)

	started  time.Time
	mu       sync.Mutex
	states   map[string]*agentState // by config file path
	lastUse  atomic.Int64           // unix nanoseconds of the last request
	inflight atomic.Int32
	served   atomic.Int64
	stopOnce sync.Once
	stop     chan struct{}
}

// agentState is what the agent keeps for one config file.
type agentState struct {
	mem *tokencache.Memory

	mu   sync.Mutex
	path string
	cfg  *config.Config
	fi   os.FileInfo // of the file cfg was read from; nil when it did not exist
}

// ErrAgentRunning says that another agent holds the lock.
var ErrAgentRunning = errors.New("an agent is already running for this user")

// errAgentOff says that the config file turns the agent off.
var errAgentOff = errors.New("the config file turns the agent off ([agent] enabled = false)")

// Serve runs the agent until ctx ends, it is idle for a.Idle, told to stop,
// or its socket is removed.
func (a *Agent) Serve(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			a.tell("failed: " + err.Error()) // the starting client says why (once told, a no-op)
		}
	}()
	if !agentwire.Supported {
		return agentwire.ErrUnsupported
	}
	if a.Idle <= 0 {
		a.Idle = agentwire.DefaultIdle
	}
	a.started, a.states, a.stop = time.Now(), map[string]*agentState{}, make(chan struct{})
	a.touch()
	if err := os.MkdirAll(a.Dir, 0o700); err != nil {
		return err
	}
	if err := agentwire.CheckDir(a.Dir); err != nil {
		return err
	}
	lock := flock.New(agentwire.LockPath(a.Dir))
	ok, err := lock.TryLock()
	if err != nil {
		return err
	}
	if !ok {
		a.tell("busy")
		return ErrAgentRunning
	}
	defer lock.Unlock()
	// Holding the lock, no agent listens: a socket here is a dead agent's.
	sock := agentwire.SocketPath(a.Dir)
	if err := os.Remove(sock); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	ln, err := listenPrivate(sock)
	if err != nil {
		return err
	}
	ln.SetUnlinkOnClose(false)
	own, err := os.Lstat(sock)
	if err != nil {
		ln.Close()
		return err
	}
	a.tell("ready")

	var wg sync.WaitGroup
	go func() {
		a.watch(ctx, sock, own)
		ln.Close()
	}()
	for {
		c, err := ln.AcceptUnix()
		if errors.Is(err, net.ErrClosed) {
			break
		}
		if err != nil { // out of file descriptors, say: wait, unless stopping
			select {
			case <-a.stop:
			case <-time.After(10 * time.Millisecond):
				continue
			}
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.serveConn(ctx, c)
		}()
	}
	a.shutdown()
	if fi, err := os.Lstat(sock); err == nil && os.SameFile(fi, own) {
		os.Remove(sock)
	}
	wg.Wait()
	return nil
}

func (a *Agent) tell(msg string) {
	if a.Ready != nil {
		fmt.Fprintln(a.Ready, msg)
		if c, ok := a.Ready.(io.Closer); ok {
			c.Close()
		}
		a.Ready = nil
	}
}

func (a *Agent) touch() { a.lastUse.Store(time.Now().UnixNano()) }

func (a *Agent) shutdown() { a.stopOnce.Do(func() { close(a.stop) }) }

// watch returns when the agent should stop: ctx ends (SIGTERM), a stop
// request, idleness, or the socket is gone or replaced.
func (a *Agent) watch(ctx context.Context, sock string, own os.FileInfo) {
	tick := time.NewTicker(min(2*time.Second, max(a.Idle/4, 50*time.Millisecond)))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-a.stop:
			return
		case <-tick.C:
		}
		if fi, err := os.Lstat(sock); err != nil || !os.SameFile(fi, own) {
			return
		}
		if a.inflight.Load() == 0 && time.Since(time.Unix(0, a.lastUse.Load())) >= a.Idle {
			return
		}
	}
}

// serveConn answers one request, from this user only.
func (a *Agent) serveConn(ctx context.Context, c *net.UnixConn) {
	defer c.Close()
	a.inflight.Add(1)
	defer a.inflight.Add(-1)
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if uid, err := peerUID(c); err != nil || uid != os.Getuid() {
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
	rep := a.safeHandle(ctx, &r)
	if (r.Op == agentwire.OpToken || r.Op == agentwire.OpRun) && rep.Unserved == "" {
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
func (a *Agent) safeHandle(ctx context.Context, r *agentwire.Request) (rep *agentwire.Reply) {
	defer func() {
		if p := recover(); p != nil {
			rep = &agentwire.Reply{Unserved: fmt.Sprintf("internal error: %v", p)}
		}
	}()
	return a.handle(ctx, r)
}

func (a *Agent) handle(ctx context.Context, r *agentwire.Request) *agentwire.Reply {
	switch r.Op {
	case agentwire.OpStatus:
		return &agentwire.Reply{Status: a.status()}
	case agentwire.OpStop:
		a.shutdown()
		return &agentwire.Reply{}
	case agentwire.OpErase:
		a.mu.Lock()
		st := a.states[r.Config]
		a.mu.Unlock()
		if st != nil {
			_ = st.mem.Erase(r.ReqProfile)
		}
		return &agentwire.Reply{}
	case agentwire.OpToken, agentwire.OpRun:
	default:
		return &agentwire.Reply{Unserved: fmt.Sprintf("unknown operation %q", r.Op)}
	}
	if r.Version != "" && a.Version != "" && r.Version != a.Version {
		a.shutdown()
		return &agentwire.Reply{Unserved: "the agent is version " + a.Version + ", the caller " + r.Version + ": it exits"}
	}
	if n := agentwire.SameProcessEnv(r.Env); n != "" {
		return &agentwire.Reply{Unserved: n + " differs from the agent's; run: camunda-credential-helper agent stop"}
	}
	for _, n := range agentwire.SecretEnv {
		if r.Env[n] != "" {
			return &agentwire.Reply{Unserved: "credentials in the environment are not sent to the agent"}
		}
	}
	if r.Op == agentwire.OpRun {
		return a.run(ctx, r)
	}
	return a.token(ctx, r)
}

func (a *Agent) token(ctx context.Context, r *agentwire.Request) *agentwire.Reply {
	cacheDir, _ := DefaultCacheDir() // the caller's too: their ProcessEnv matches
	h := &Helper{
		Secrets:    keystore.Keyring{Service: os.Getenv("CAMUNDA_CREDENTIAL_HELPER_SERVICE"), Timeout: keychainTimeout(r.Interactive)},
		ConfigPath: r.Config, CacheDir: cacheDir, Profile: r.Profile, Explicit: r.Explicit, Timeout: r.Timeout,
	}
	if err := a.attach(h); err != nil {
		return &agentwire.Reply{Unserved: err.Error()}
	}
	tok, err := h.Token(ctx, credential.Request{Profile: r.ReqProfile, Resource: r.Resource, MinTTL: r.MinTTL, ForceRefresh: r.ForceRefresh})
	if err != nil {
		return &agentwire.Reply{Err: wireError(err)}
	}
	return &agentwire.Reply{AccessToken: tok.AccessToken, Expiry: tok.Expiry, Profile: tok.Profile, Username: tok.Username}
}

func (a *Agent) run(ctx context.Context, r *agentwire.Request) *agentwire.Reply {
	if len(r.Args) == 0 {
		return &agentwire.Reply{Unserved: "no command line"}
	}
	if ok, _ := agentwire.Forwardable(agentwire.CommandLine(r.Args)); !ok || a.Run == nil {
		return &agentwire.Reply{Unserved: "not a command the agent runs"}
	}
	stdout, stderr, exit, err := a.Run(ctx, r, a.attach)
	if err != nil {
		return &agentwire.Reply{Unserved: err.Error()}
	}
	return &agentwire.Reply{Stdout: stdout, Stderr: stderr, Exit: exit}
}

// attach makes h serve from the agent's memory for its config file, with
// the config as last read (the file is read again only when it changed).
// h.CacheDir stays: on a miss the agent adopts what the file cache holds.
// Inside the agent, h reads no environment: callers with credentials in
// theirs are never served here.
func (a *Agent) attach(h *Helper) error {
	a.mu.Lock()
	st := a.states[h.ConfigPath]
	if st == nil {
		st = &agentState{path: h.ConfigPath, mem: tokencache.NewMemory()}
		a.states[h.ConfigPath] = st
	}
	a.mu.Unlock()
	h.Agent, h.AgentDir, h.mem = nil, "", st.mem
	if a.Secrets != nil {
		h.Secrets = a.Secrets
	}
	h.Getenv = func(string) (string, bool) { return "", false }
	cfg, err := st.config()
	if err != nil {
		return nil // h reads the file itself and reports the error as the direct path would
	}
	if !cfg.Agent.On() {
		// Off for this config file: forget its tokens, and exit unless
		// another config file's callers still use the agent.
		a.mu.Lock()
		delete(a.states, h.ConfigPath)
		last := len(a.states) == 0
		a.mu.Unlock()
		if last {
			a.shutdown()
		}
		return errAgentOff
	}
	h.mu.Lock()
	h.cfg = cfg
	h.mu.Unlock()
	return nil
}

// config returns the config file's contents, reading it again when its
// identity, size, modification time or mode changed (a mode others may
// write through gets the file refused, as on the direct path).
func (st *agentState) config() (*config.Config, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	fi, err := os.Stat(st.path)
	if err != nil {
		fi = nil
	}
	if st.cfg != nil && sameFileInfo(fi, st.fi) {
		return st.cfg, nil
	}
	cfg, err := config.Load(st.path)
	if err != nil {
		return nil, err
	}
	st.cfg, st.fi = cfg, fi
	return cfg, nil
}

func sameFileInfo(a, b os.FileInfo) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime()) && a.Mode() == b.Mode()
}

func (a *Agent) status() *agentwire.Status {
	n := 0
	a.mu.Lock()
	for _, st := range a.states {
		n += st.mem.Size()
	}
	a.mu.Unlock()
	return &agentwire.Status{Version: a.Version, PID: os.Getpid(), Started: a.started, Idle: a.Idle, Tokens: n, Served: a.served.Load(), Memory: memoryGuard()}
}

// wireError carries err's kind, message and hint to the client.
func wireError(err error) *agentwire.Error {
	var e *credential.Error
	if errors.As(err, &e) {
		return &agentwire.Error{Kind: int(e.Kind), Msg: e.Msg, Hint: e.Hint}
	}
	return &agentwire.Error{Kind: int(credential.KindOf(err)), Msg: err.Error()}
}

// keychainTimeout bounds each keychain call: keystore.DefaultTimeout, or
// keystore.InteractiveTimeout when a person may answer an unlock prompt.
func keychainTimeout(interactive bool) time.Duration {
	if interactive {
		return keystore.InteractiveTimeout
	}
	return keystore.DefaultTimeout
}

// AgentStatus asks the agent in dir how it is; it never starts one.
func AgentStatus(dir string) (*agentwire.Status, error) {
	c, err := agentwire.Dial(dir)
	if err != nil {
		return nil, err
	}
	rep, err := agentwire.Call(c, &agentwire.Request{Op: agentwire.OpStatus}, time.Now().Add(2*time.Second))
	if err != nil {
		return nil, err
	}
	if rep.Status == nil {
		return nil, errors.New("the agent did not say: " + rep.Unserved)
	}
	return rep.Status, nil
}

// StopAgent tells the agent in dir to exit. It reports whether one ran.
func StopAgent(dir string) (bool, error) {
	c, err := agentwire.Dial(dir)
	if err != nil {
		if notListening(err) {
			return false, nil
		}
		return false, err
	}
	_, err = agentwire.Call(c, &agentwire.Request{Op: agentwire.OpStop}, time.Now().Add(2*time.Second))
	return err == nil, err
}

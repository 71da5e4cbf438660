// Package agent is the per-user token agent: a server that keeps tokens in
// memory behind a Unix socket only its own user can reach, and the client
// that asks it first and falls back to the core. Both are layers around
// the core (package helper): the server owns one core per config file,
// with its memory in front of the file cache; the client is a
// credential.Source around the caller's core.
package agent

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

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokencache"
)

// Server is the token agent: a cached token costs a connect and a reply
// instead of a keychain read. It reads a client secret only to fetch a
// token, never writes a token anywhere, and exits when idle, told to, or
// when its socket is removed.
type Server struct {
	Dir  string        // private directory of socket and lock (agentwire.Dir)
	Idle time.Duration // exit after this long without requests
	// Version is this build's. A client of another build retires the agent
	// (after an upgrade, the next call starts one of the new build).
	Version string
	Ready   io.Writer // told "ready" once listening, or "busy" when another agent holds the lock
	// NewCore builds the core that serves one config file, with front (the
	// agent's memory) in front of the file cache.
	NewCore func(configPath string, front tokencache.Store) *helper.Core
	// ForwardConfig is the config file that routes the forward socket's
	// requests (forward.go); "" means config.DefaultPath().
	ForwardConfig string

	started  time.Time
	env      map[string]string // the ProcessEnv it started with: its callers' must be the same
	mu       sync.Mutex
	cores    map[string]*held // by config file path
	lastUse  atomic.Int64     // unix nanoseconds of the last request
	inflight atomic.Int32
	served   atomic.Int64
	fwd      atomic.Int64 // requests answered on the forward socket
	stopOnce sync.Once
	stop     chan struct{}
}

// ErrRunning says that another agent holds the lock.
var ErrRunning = errors.New("an agent is already running for this user")

// Serve runs the agent until ctx ends, it is idle for a.Idle, told to stop,
// or its socket is removed.
func (a *Server) Serve(ctx context.Context) (err error) {
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
	a.started, a.cores, a.stop = time.Now(), map[string]*held{}, make(chan struct{})
	// What this process reads is what it started with: recorded once, so
	// that nothing the process does later changes whom it serves.
	a.env = agentwire.Environment(os.LookupEnv, agentwire.ProcessEnv)
	a.touch()
	lock, err := a.lock()
	if err != nil {
		return err
	}
	defer lock.Unlock()
	ln, sock, own, err := listen(agentwire.SocketPath(a.Dir))
	if err != nil {
		return err
	}
	fln, fsock, fown, err := a.listenForward()
	if err != nil {
		ln.Close()
		os.Remove(sock)
		return err
	}
	a.tell("ready")
	go func() {
		a.watch(ctx, sock, own)
		ln.Close()
		fln.Close()
	}()
	var wg sync.WaitGroup
	wg.Go(func() { a.accept(ctx, fln, true) })
	a.accept(ctx, ln, false)
	wg.Wait()
	for path, fi := range map[string]os.FileInfo{sock: own, fsock: fown} {
		if cur, err := os.Lstat(path); err == nil && os.SameFile(cur, fi) {
			os.Remove(path)
		}
	}
	return nil
}

// lock takes the agent's lock in its private directory: one agent per
// user (per runtime directory).
func (a *Server) lock() (*flock.Flock, error) {
	if a.Dir == "" {
		return nil, agentwire.ErrNoDir
	}
	if err := os.MkdirAll(a.Dir, 0o700); err != nil {
		return nil, err
	}
	if err := agentwire.CheckDir(a.Dir); err != nil {
		return nil, err
	}
	lock := flock.New(agentwire.LockPath(a.Dir))
	ok, err := lock.TryLock()
	if err != nil {
		return nil, err
	}
	if !ok {
		a.tell("busy")
		return nil, ErrRunning
	}
	return lock, nil
}

// listen replaces a dead agent's socket (the caller holds the lock, so no
// agent listens) with a new one, and returns it with its file's identity.
func listen(sock string) (*net.UnixListener, string, os.FileInfo, error) {
	if err := os.Remove(sock); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, "", nil, err
	}
	ln, err := listenPrivate(sock)
	if err != nil {
		return nil, "", nil, err
	}
	ln.SetUnlinkOnClose(false)
	own, err := os.Lstat(sock)
	if err != nil {
		ln.Close()
		return nil, "", nil, err
	}
	return ln, sock, own, nil
}

// accept serves connections until the listener closes, then waits for the
// requests in flight.
func (a *Server) accept(ctx context.Context, ln *net.UnixListener, forwarded bool) {
	var wg sync.WaitGroup
	defer wg.Wait()
	defer a.shutdown()
	for {
		c, err := ln.AcceptUnix()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil { // out of file descriptors, say: wait, unless stopping
			select {
			case <-a.stop:
				return
			case <-time.After(10 * time.Millisecond):
				continue
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.serveConn(ctx, c, forwarded)
		}()
	}
}

func (a *Server) tell(msg string) {
	if a.Ready != nil {
		fmt.Fprintln(a.Ready, msg)
		if c, ok := a.Ready.(io.Closer); ok {
			c.Close()
		}
		a.Ready = nil
	}
}

func (a *Server) touch() { a.lastUse.Store(time.Now().UnixNano()) }

func (a *Server) shutdown() { a.stopOnce.Do(func() { close(a.stop) }) }

// watch returns when the agent should stop: ctx ends (SIGTERM), a stop
// request, idleness, or the socket is gone or replaced.
func (a *Server) watch(ctx context.Context, sock string, own os.FileInfo) {
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

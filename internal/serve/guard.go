package serve

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/sockowner"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// The endpoint listens on TCP 127.0.0.1, which every local user can reach,
// and the per-run secret alone would make it a target: a user who reads the
// variables gets the profile's token, and one who does not can still pin
// its descriptors and memory with connections that never send a request.
// These bounds keep it serving its own client.
const (
	// maxConns bounds the connections held at once; a Camunda client
	// uses one or two.
	maxConns = 64
	// readHeaderTimeout is how long a connection may take to send its
	// request's headers (and readTimeout the whole request): Camunda's
	// clients send a few hundred bytes at once.
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	// idleTimeout closes a kept-alive connection between requests; clients
	// come back once per token lifetime.
	idleTimeout = 30 * time.Second
	// maxHeaderBytes bounds a request's headers.
	maxHeaderBytes = 8 << 10
)

// guard is the endpoint's listener: it closes, before a byte is read, every
// connection from another user (Linux: the peer's uid, see sockowner), and
// holds at most max of this user's own, making room for a new one by
// closing the connection that has waited longest without a request in
// progress, so a client that opens connections and sends nothing cannot
// starve the one that asks for a token.
type guard struct {
	net.Listener
	ctx  context.Context // for the trace
	uid  int
	max  int
	peer func(net.Conn) (uint32, error) // nil: sockowner.PeerUID

	mu    sync.Mutex
	conns map[net.Conn]*held
}

type held struct {
	busy  bool      // a request is being read or answered
	since time.Time // when it last started waiting
}

func newGuard(ctx context.Context, ln net.Listener) *guard {
	return &guard{Listener: ln, ctx: ctx, uid: os.Getuid(), max: maxConns, conns: map[net.Conn]*held{}}
}

// Accept returns the next connection of this user.
func (g *guard) Accept() (net.Conn, error) {
	for {
		c, err := g.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if g.allowed(c) && g.admit(c) {
			return c, nil
		}
		c.Close()
	}
}

func (g *guard) allowed(c net.Conn) bool {
	peer := g.peer
	if peer == nil {
		peer = sockowner.PeerUID
	}
	uid, err := peer(c)
	switch {
	case err == nil && int(uid) == g.uid:
		return true
	case err == nil:
		trace.Printf(g.ctx, "serve", "closed a connection from %s: uid %d's, not this user's", c.RemoteAddr(), uid)
		return false
	case errors.Is(err, sockowner.ErrUnsupported):
		return true // macOS, Windows: the per-run secret is the only lock
	}
	trace.Printf(g.ctx, "serve", "closed a connection from %s: its owner is unknown (%v)", c.RemoteAddr(), err)
	return false
}

// admit makes room for c, closing the connection that has waited longest
// without a request when max are held. It refuses c only when every held
// connection is in the middle of a request (each bounded by readTimeout).
func (g *guard) admit(c net.Conn) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.conns) >= g.max {
		var oldest net.Conn
		for hc, h := range g.conns {
			if !h.busy && (oldest == nil || h.since.Before(g.conns[oldest].since)) {
				oldest = hc
			}
		}
		if oldest == nil {
			trace.Printf(g.ctx, "serve", "closed a connection from %s: %d requests in progress", c.RemoteAddr(), len(g.conns))
			return false
		}
		oldest.Close()
		delete(g.conns, oldest)
	}
	g.conns[c] = &held{since: time.Now()}
	return true
}

// connState follows the server's connections (http.Server.ConnState).
func (g *guard) connState(c net.Conn, s http.ConnState) {
	g.mu.Lock()
	defer g.mu.Unlock()
	h, ok := g.conns[c]
	if !ok {
		return
	}
	switch s {
	case http.StateActive:
		h.busy = true
	case http.StateIdle:
		h.busy, h.since = false, time.Now()
	case http.StateClosed, http.StateHijacked:
		delete(g.conns, c)
	}
}

// held returns how many connections the guard holds.
func (g *guard) held() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.conns)
}

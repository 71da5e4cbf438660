package agentwire

import (
	"errors"
	"fmt"
)

// Dial connects to the agent in dir, after checking the directory, and
// refuses an agent that runs as another user.
//
// The socket is dialled with raw system calls (dial_unix.go), not package
// net: the fast front links this package, and net brings in cgo's resolver,
// so that a default build (CGO_ENABLED=1, as go install does) would be
// linked dynamically and every cached call would pay the dynamic loader.
// See docs/agentwire-measurements.md.
func Dial(dir string) (Conn, error) {
	if !Supported {
		return nil, ErrUnsupported
	}
	if dir == "" {
		return nil, ErrNoDir
	}
	path := SocketPath(dir)
	if len(path) > maxSocketPath {
		return nil, fmt.Errorf("the agent socket path %s is longer than a Unix socket allows (%d bytes), so there is no agent: set XDG_RUNTIME_DIR (or XDG_CACHE_HOME) to a shorter directory", path, maxSocketPath)
	}
	if err := CheckDir(dir); err != nil {
		return nil, err
	}
	return dialUnix(path)
}

// ErrNoDir says that Dir found no directory for the agent.
var ErrNoDir = errors.New("no directory for the agent (neither XDG_RUNTIME_DIR nor an absolute HOME is set), so there is no agent")

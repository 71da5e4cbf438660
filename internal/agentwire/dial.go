package agentwire

import (
	"errors"
	"fmt"
	"net"
	"os"
)

// Dial connects to the agent in dir, after checking the directory, and
// refuses an agent that runs as another user.
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
	c, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, err
	}
	uid, err := connPeerUID(c)
	if err == nil && uid != os.Getuid() {
		err = fmt.Errorf("the agent socket is served by uid %d, not by this user", uid)
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// ErrNoDir says that Dir found no directory for the agent.
var ErrNoDir = errors.New("no directory for the agent (neither XDG_RUNTIME_DIR nor an absolute HOME is set), so there is no agent")

// connPeerUID is PeerUID of c's socket.
func connPeerUID(c *net.UnixConn) (uid int, err error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return -1, err
	}
	if cerr := rc.Control(func(fd uintptr) { uid, err = PeerUID(int(fd)) }); cerr != nil {
		return -1, cerr
	}
	return uid, err
}

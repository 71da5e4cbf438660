package agentwire

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// EnvSocket names the socket of a forwarded agent (ssh -R, a dev
// container's bind mount). When set, every token comes from it: no
// keychain, config file or token endpoint of this machine is used, no
// agent is started here, and when it cannot answer the call fails.
const EnvSocket = "CAMUNDA_CREDENTIAL_HELPER_AGENT_SOCKET"

// Endpoint is where a caller finds its agent and how far it trusts it. It
// is decided in one place, Locate, for the full binary and the fast client.
type Endpoint struct {
	// Socket is the socket to dial.
	Socket string
	// Dir is the local agent's private directory (Dir), which Dial checks
	// together with the uid serving the socket; "" for a forwarded one.
	Dir string
	// Forwarded says that the user named the socket (EnvSocket): it is
	// trusted as their own forwarded agent whoever owns the file (sshd or
	// a bind mount made it), but it must be a socket.
	Forwarded bool
}

// Locate is the caller's agent: the socket EnvSocket names, else the
// local agent's in Dir.
func Locate(lookup func(string) (string, bool)) Endpoint {
	if p, ok := lookup(EnvSocket); ok && p != "" {
		return Endpoint{Socket: p, Forwarded: true}
	}
	dir := Dir(lookup)
	return Endpoint{Socket: SocketPath(dir), Dir: dir}
}

// Dial connects to the endpoint. A local agent must live in a private
// directory of this user and run as this user (see Dial); a forwarded
// socket must be an absolute path to a socket, and its failures are told
// in one line that names it.
func (e Endpoint) Dial() (Conn, error) {
	if !e.Forwarded {
		return Dial(e.Dir)
	}
	if !Supported {
		return nil, ErrUnsupported
	}
	if !filepath.IsAbs(e.Socket) {
		return nil, e.Errorf("%s=%s is not an absolute path", EnvSocket, e.Socket)
	}
	if len(e.Socket) > maxSocketPath {
		return nil, e.Errorf("%s=%s is longer than a Unix socket path may be (%d bytes)", EnvSocket, e.Socket, maxSocketPath)
	}
	fi, err := os.Stat(e.Socket)
	if err != nil {
		return nil, e.Failed(err)
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return nil, e.Errorf("%s=%s is not a socket (it is a %s)", EnvSocket, e.Socket, kind(fi))
	}
	c, err := dialForwarded(e.Socket) // raw system calls, as Dial (see there)
	if err != nil {
		return nil, e.Failed(err)
	}
	return c, nil
}

// ForwardError is a forwarded agent's failure: Gone when the socket is
// missing or nobody answers on it (the ssh session ended), so that callers
// can tell it from a bad path.
type ForwardError struct {
	Msg  string
	Gone bool
}

func (e *ForwardError) Error() string { return e.Msg }

// Errorf is a ForwardError about the endpoint's setting.
func (e Endpoint) Errorf(format string, args ...any) error {
	return &ForwardError{Msg: fmt.Sprintf(format, args...)}
}

// Failed says in one line what err, met while dialling or talking to the
// forwarded agent, means.
func (e Endpoint) Failed(err error) error {
	var fe *ForwardError
	switch {
	case errors.As(err, &fe):
		return err
	case errors.Is(err, fs.ErrNotExist):
		return &ForwardError{Gone: true, Msg: fmt.Sprintf("the forwarded agent socket %s is gone (did the ssh session end?)", e.Socket)}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &ForwardError{Gone: true, Msg: fmt.Sprintf("nothing answers on the forwarded agent socket %s (did the ssh session or the agent end?)", e.Socket)}
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE):
		return &ForwardError{Gone: true, Msg: fmt.Sprintf("the forwarded agent on %s hung up before answering (did the ssh session end, or is no agent running on the machine it comes from?)", e.Socket)}
	case errors.Is(err, errFraming):
		return &ForwardError{Msg: fmt.Sprintf("the forwarded agent on %s does not speak this version's protocol (%s)", e.Socket, magic)}
	case errors.Is(err, syscall.EACCES):
		return &ForwardError{Msg: fmt.Sprintf("the forwarded agent socket %s: permission denied", e.Socket)}
	}
	return &ForwardError{Msg: fmt.Sprintf("the forwarded agent socket %s: %v", e.Socket, err)}
}

func kind(fi fs.FileInfo) string {
	switch t := fi.Mode().Type(); {
	case t == 0:
		return "regular file"
	case t&fs.ModeDir != 0:
		return "directory"
	case t&fs.ModeNamedPipe != 0:
		return "named pipe"
	case t&fs.ModeDevice != 0:
		return "device"
	}
	return fi.Mode().Type().String()
}

// Package agentwire is the token agent's side of the wire: where its socket
// lives, how a client dials it (checking that the agent runs as the same
// user), and the messages they exchange, one request and one reply per
// connection, in the small framing of codec.go.
package agentwire

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
)

// Environment variables that control the agent.
const (
	EnvAgent = "CAMUNDA_CREDENTIAL_HELPER_AGENT"      // "off" turns the agent off
	EnvIdle  = "CAMUNDA_CREDENTIAL_HELPER_AGENT_IDLE" // idle time before the agent exits, e.g. "15m"
)

// DefaultIdle is how long an agent without requests lives.
const DefaultIdle = 15 * time.Minute

// MaxMessage bounds a request or a reply.
const MaxMessage = 1 << 20

// ProcessEnv are the variables whose values the agent's own process reads
// (file locations, the session bus, proxies, CAs, the keychain service). A
// caller whose values differ is not served: it takes the direct path, so
// that the agent never answers with another environment's settings.
var ProcessEnv = []string{
	"HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR", "TMPDIR",
	"DBUS_SESSION_BUS_ADDRESS",
	"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy",
	"SSL_CERT_FILE", "SSL_CERT_DIR",
	"CAMUNDA_CREDENTIAL_HELPER_SERVICE", "CAMUNDA_CREDENTIAL_HELPER_KEYRING",
}

// BuildVersion is the version of this build: override when the release build
// set one (-ldflags "-X main.Version=..."), else the module version from the
// build info, else "devel".
func BuildVersion(override string) string {
	if override != "" {
		return override
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// Environment collects the values of names from lookup; unset names are
// absent, so set-but-empty and unset stay distinct.
func Environment(lookup func(string) (string, bool), names ...[]string) map[string]string {
	n := 0
	for _, list := range names {
		n += len(list)
	}
	m := make(map[string]string, n)
	for _, list := range names {
		for _, n := range list {
			if v, ok := lookup(n); ok {
				m[n] = v
			}
		}
	}
	return m
}

// EnvDiffers reports the first ProcessEnv variable whose value differs
// between the agent's environment (recorded once, when it started) and a
// caller's, or "" when none does. An empty value counts as unset, as it
// does for every reader of these variables.
func EnvDiffers(agent, caller map[string]string) string {
	for _, n := range ProcessEnv {
		if agent[n] != caller[n] {
			return n
		}
	}
	return ""
}

// Off reports whether the environment turns the agent off.
func Off(lookup func(string) (string, bool)) bool {
	v, _ := lookup(EnvAgent)
	switch v {
	case "off", "0", "false", "no":
		return true
	}
	return false
}

// Dir is the agent's private directory: $XDG_RUNTIME_DIR/camunda-credential-helper
// (the user's own tmpfs, made by the login manager), else
// camunda-credential-helper/agent in the user's cache directory (as
// os.UserCacheDir: $XDG_CACHE_HOME or ~/.cache, ~/Library/Caches on macOS).
// Never a fixed name in the shared temporary directory: another user could
// create it first, and since CheckDir rightly refuses a directory that is
// not ours, that would keep the agent off. "" when neither is known (no
// absolute HOME): then there is no agent, and every call takes the direct
// path. So does a directory whose socket path would exceed what a Unix
// socket takes (maxSocketPath; Dial says so, doctor shows it).
func Dir(lookup func(string) (string, bool)) string {
	if d, ok := lookup("XDG_RUNTIME_DIR"); ok && filepath.IsAbs(d) {
		return filepath.Join(d, tools.Name)
	}
	if os.Getuid() < 0 {
		return filepath.Join(os.TempDir(), tools.Name) // Windows: no uid, and no agent
	}
	if cache := userCacheDir(lookup); cache != "" {
		return filepath.Join(cache, tools.Name, "agent")
	}
	return ""
}

// userCacheDir is os.UserCacheDir (on Unix) read through lookup, so that
// the agent and its callers agree on it (HOME and XDG_CACHE_HOME are in
// ProcessEnv); "" when it is not known.
func userCacheDir(lookup func(string) (string, bool)) string {
	home, _ := lookup("HOME")
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		if !filepath.IsAbs(home) {
			return ""
		}
		return filepath.Join(home, "Library", "Caches")
	}
	if d, _ := lookup("XDG_CACHE_HOME"); filepath.IsAbs(d) {
		return d
	}
	if !filepath.IsAbs(home) {
		return ""
	}
	return filepath.Join(home, ".cache")
}

// SocketPath is the agent's socket in dir.
func SocketPath(dir string) string { return filepath.Join(dir, "agent.sock") }

// ForwardSocketPath is the agent's forward socket in dir: the one made to
// be forwarded (ssh -R, a dev container's bind mount), which serves only
// token requests for the profiles marked forward = true.
func ForwardSocketPath(dir string) string { return filepath.Join(dir, "forward.sock") }

// maxSocketPath is the longest socket path every OS binds (sun_path is 104
// bytes on macOS, 108 on Linux, both with a NUL).
const maxSocketPath = 103

// LockPath is the file an agent holds locked for its lifetime in dir.
func LockPath(dir string) string { return filepath.Join(dir, "agent.lock") }

// CheckDir refuses a directory that is not a real directory owned by this
// user and closed to everyone else.
func CheckDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if uid, ok := ownerUID(fi); ok && uid != os.Getuid() {
		return fmt.Errorf("%s belongs to uid %d, not to this user (uid %d)", dir, uid, os.Getuid())
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s is open to other users (mode %04o, want 0700)", dir, fi.Mode().Perm())
	}
	return nil
}

// ErrUnsupported says that this OS has no agent.
var ErrUnsupported = errors.New("the token agent is not supported on this operating system")

// Conn is a connection to the agent.
type Conn interface {
	io.ReadWriteCloser
	SetDeadline(time.Time) error
}

// Request is what a client asks.
type Request struct {
	Op      string            // OpToken, OpDrop, OpStatus or OpStop
	Env     map[string]string // the caller's ProcessEnv: another than the agent's is not served
	Version string            // the caller's build (see BuildVersion); another than the agent's retires the agent

	// OpToken: the config file and the credential.Request. OpDrop: the
	// config file and the Profile whose tokens to drop.
	Config       string
	Profile      string // the profile the caller named
	Default      string // the caller's CAMUNDA_PROFILE
	Resource     string
	MinTTL       time.Duration
	ForceRefresh bool
	Timeout      time.Duration // bounds the request
	Interactive  bool          // a person may answer a keychain prompt
	Trace        bool          // return the agent's trace lines for this request (--verbose)
}

// Operations.
const (
	OpToken  = "token"
	OpDrop   = "drop"
	OpStatus = "status"
	OpStop   = "stop"
)

// Reply is the agent's answer.
type Reply struct {
	// Unserved says the agent did not handle the request (environment
	// mismatch, agent turned off, another user): the client takes the
	// direct path. Its text says why.
	Unserved string
	// Err is the request's own failure, as the direct path would report it.
	Err *Error

	// OpToken
	AccessToken string
	Expiry      time.Time // credential.Token's
	RefreshAt   time.Time // credential.Token's
	Profile     string
	Username    string

	// OpStatus
	Status *Status

	// Trace is the agent's trace lines for a request that asked for them,
	// to be relayed into the caller's (see trace.Relay).
	Trace string
}

// Error is a failure as credential.Error describes it: the caller's edge
// makes the command to run from its facts (Missing, Profile, Host).
type Error struct {
	Kind    int
	Msg     string
	Hint    string
	Missing int
	Profile string
	Host    string
}

// Status describes a running agent.
type Status struct {
	Version string // the agent's build
	PID     int
	Started time.Time
	Idle    time.Duration // exits after this long without requests
	Tokens  int           // tokens held in memory
	Served  int64         // token requests served (not those sent to the direct path)
	// Forwarded counts the requests answered on the forward socket.
	Forwarded int64
	Memory    string // how its memory is guarded, as the kernel says ("not dumpable, no core files"); "" from older agents
}

// Call sends req over c and reads the reply, within deadline (zero: none).
func Call(c Conn, req *Request, deadline time.Time) (*Reply, error) {
	defer c.Close()
	if err := c.SetDeadline(deadline); err != nil {
		return nil, err
	}
	if err := Write(c, req); err != nil {
		return nil, err
	}
	var rep Reply
	if err := Read(c, &rep); err != nil {
		return nil, err
	}
	return &rep, nil
}

// NotListening reports whether a dial failed because no agent runs: no
// directory or socket yet, or a socket left by an agent that died.
func NotListening(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT)
}

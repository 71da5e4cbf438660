package agent

import (
	"context"
	"fmt"
	"net"
	"os"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// The forward socket, forward.sock next to agent.sock, is the one made to
// be forwarded (ssh -R, a dev container's bind mount), as gpg-agent's
// extra socket is. It answers only token requests and dropping a cached
// token, only for the profiles the config file marks forward = true, and
// only to this user's uid and the uids listed in forward_uids. The caller
// is on another machine or in a container: its config path and
// environment mean nothing here, so every forwarded request is routed
// with this user's own config file (config.DefaultPath, as the agent's
// process sees it), and the caller's variables are never compared.

// listenForward listens on the forward socket. It is closed to other
// users (0600) unless the config file lists forward_uids, read when the
// agent starts: then the peer check (forwardPeer) is what keeps out the
// uids it does not list. The directory stays 0700 either way, so only a
// bind mount (or a link this user or root made) reaches it.
func (a *Server) listenForward() (*net.UnixListener, string, os.FileInfo, error) {
	ln, sock, own, err := listen(agentwire.ForwardSocketPath(a.Dir))
	if err != nil {
		return nil, "", nil, err
	}
	if st, err := a.forwardSettings(); err == nil && len(st.ForwardUIDs) > 0 {
		if err := os.Chmod(sock, 0o666); err != nil {
			ln.Close()
			return nil, "", nil, err
		}
	}
	return ln, sock, own, nil
}

// forwardConfig is the config file that routes forwarded requests.
func (a *Server) forwardConfig() (string, error) {
	if a.ForwardConfig != "" {
		return a.ForwardConfig, nil
	}
	return config.DefaultPath()
}

// forwardSettings are that config file's [agent] settings, read without
// making a core for it (a core would keep the agent alive for that file).
func (a *Server) forwardSettings() (config.AgentSettings, error) {
	path, err := a.forwardConfig()
	if err != nil {
		return config.AgentSettings{}, err
	}
	cfg, err := config.Load(path)
	if err != nil {
		return config.AgentSettings{}, err
	}
	return cfg.Agent, nil
}

// forwardPeer says why a connection on the forward socket is refused, or
// "": its uid must be the agent's or one of forward_uids.
func (a *Server) forwardPeer(uid int, err error) string {
	if err != nil {
		return "cannot tell the caller's uid: " + err.Error()
	}
	if uid == os.Getuid() {
		return ""
	}
	st, err := a.forwardSettings()
	if err != nil {
		return fmt.Sprintf("uid %d: the agent's config file cannot be read", uid)
	}
	if !st.ForwardsUID(uid, os.Getuid()) {
		return fmt.Sprintf("uid %d is not allowed on this forward socket (the agent's uid is %d; list others in [agent] forward_uids)", uid, os.Getuid())
	}
	return ""
}

// handleForwarded answers a request that came through the forward socket.
func (a *Server) handleForwarded(ctx context.Context, r *agentwire.Request) *agentwire.Reply {
	switch r.Op {
	case agentwire.OpToken, agentwire.OpDrop:
	default:
		return &agentwire.Reply{Unserved: fmt.Sprintf("the forward socket serves only token requests, not %q", r.Op)}
	}
	if r.Version != "" && a.Version != "" && r.Version != a.Version {
		// Unlike the agent's own socket, a caller of another build does
		// not retire the agent: a remote cannot start a new one.
		return &agentwire.Reply{Unserved: fmt.Sprintf("the forwarded agent is version %s, this binary %s: install the same version at both ends", a.Version, r.Version)}
	}
	path, err := a.forwardConfig()
	if err != nil {
		return &agentwire.Reply{Unserved: err.Error()}
	}
	core, err := a.core(path)
	if err != nil {
		return &agentwire.Reply{Unserved: err.Error()}
	}
	cfg, err := core.Config()
	if err != nil {
		return agentwire.Answer(credential.Token{}, err)
	}
	req := r.TokenRequest()
	name, err := cfg.Forwarded(req)
	if err != nil {
		trace.Printf(ctx, "agent", "forward socket: not served: %v", err)
		if r.Op == agentwire.OpDrop && credential.KindOf(err) == credential.KindNoRoute {
			return &agentwire.Reply{} // dropping what is not served is a no-op, as on the direct path
		}
		return agentwire.Answer(credential.Token{}, err)
	}
	if r.Op == agentwire.OpDrop {
		if err := core.DropProfile(name); err != nil {
			return agentwire.Answer(credential.Token{}, err)
		}
		return &agentwire.Reply{}
	}
	// Pinned to the profile checked here. No keychain prompt is shown on
	// this machine on a remote's behalf: a locked keychain is an error.
	req.Profile = name
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	return agentwire.Answer(core.Token(ctx, req))
}

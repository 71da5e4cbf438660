package doctor

import (
	"fmt"
	"runtime"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
)

// agentFinding says whether the token agent is on for this caller and how
// it is. dir is the agent's directory ("" where the OS has none).
func agentFinding(h *helper.Core, dir string) helper.Finding {
	f := helper.Finding{OK: true, Topic: "agent"}
	const direct = ": tokens come from the encrypted file cache"
	cfg, err := h.Config()
	switch {
	case dir == "" && agentwire.Supported:
		f.Detail = agentwire.ErrNoDir.Error() + direct
	case dir == "":
		f.Detail = "not available on " + runtime.GOOS + direct
	case agentwire.Off(h.LookupEnv):
		f.Detail = "off (" + agentwire.EnvAgent + "=off)" + direct
	case err == nil && !cfg.Agent.On():
		f.Detail = "off ([agent] enabled = false in " + h.ConfigPath + ")" + direct
	default:
		sock := agentwire.SocketPath(dir)
		st, err := agent.Status(dir)
		switch {
		case err == nil:
			f.Detail = fmt.Sprintf("running (pid %d, up %s, %d token(s) in memory, exits after %s idle); socket %s",
				st.PID, time.Since(st.Started).Round(time.Second), st.Tokens, st.Idle, sock)
		case agentwire.NotListening(err):
			f.Detail = "not running; the next call that needs a token starts it (socket " + sock + ")"
		default:
			f.OK = false
			f.Detail = err.Error()
			if agentwire.CheckDir(dir) != nil { // else the error says what to do (a socket path too long, say)
				f.Fix = "Make " + dir + " a directory of yours with mode 0700 (or remove it), or turn the agent off: " + agentwire.EnvAgent + "=off"
			}
		}
	}
	return f
}

// forwardFinding says whether the forwarded agent named by
// agentwire.EnvSocket answers (a connect: the forward socket tells a
// remote nothing more).
func forwardFinding(ep agentwire.Endpoint) helper.Finding {
	c, err := ep.Dial()
	if err != nil {
		return helper.Finding{Topic: "agent", Detail: err.Error(),
			Fix: "Log in again with ssh -R (camunda-credential-helper agent status on the other machine prints the line), or unset " + agentwire.EnvSocket}
	}
	c.Close()
	return helper.Finding{OK: true, Topic: "agent", Detail: "forwarded: tokens come from the agent on " + ep.Socket + " (" + agentwire.EnvSocket + "); this machine's keychain and config file are not used"}
}

package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"syscall"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/setup"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokencache"
)

type agentCmd struct {
	Run    agentRunCmd    `cmd:"" default:"withargs" help:"Run the agent in the foreground (what automatic start runs; also for systemd or launchd)."`
	Status agentStatusCmd `cmd:"" help:"Show whether the agent runs, and what it holds."`
	Stop   agentStopCmd   `cmd:"" help:"Stop the agent; tokens it held are dropped."`
}

type agentRunCmd struct {
	Idle    time.Duration `help:"Exit after this long without requests (default: CAMUNDA_CREDENTIAL_HELPER_AGENT_IDLE, the config's [agent] idle, or 15m)." placeholder:"DURATION"`
	ReadyFD int           `name:"ready-fd" hidden:"" help:"File descriptor told \"ready\" once the agent listens."`
}

func (cmd *agentRunCmd) Run(ctx context.Context, c *agent.TokenPath, e env) error {
	if !agentwire.Supported {
		return &credential.Error{Kind: credential.KindUsage, Msg: agentwire.ErrUnsupported.Error() + ": tokens come from the encrypted file cache"}
	}
	// The agent's cores read only the variables every caller it serves
	// shares with it (agentwire.ProcessEnv): never a caller's credentials.
	processEnv := func(k string) (string, bool) {
		if slices.Contains(agentwire.ProcessEnv, k) {
			return os.LookupEnv(k)
		}
		return "", false
	}
	srv := &agent.Server{Dir: agentwire.Dir(e.lookup), Idle: cmd.idle(c, e), Version: version(),
		NewCore: func(path string, front tokencache.Store) *helper.Core { return newCore(path, processEnv, front) }}
	if cmd.ReadyFD > 0 {
		srv.Ready = os.NewFile(uintptr(cmd.ReadyFD), "ready")
	}
	// A long-lived process must not pin the directory it was started from;
	// every path a client sends is absolute.
	_ = os.Chdir("/")
	if err := agent.GuardMemory(); err != nil {
		// An agent that cannot guard the tokens it holds does not run:
		// the calls then take the direct path.
		return &credential.Error{Kind: credential.KindOther, Msg: "agent: guarding its memory: " + err.Error()}
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer stop()
	if err := srv.Serve(ctx); err != nil {
		return &credential.Error{Kind: credential.KindOther, Msg: "agent: " + err.Error()}
	}
	return nil
}

// idle is the first of --idle, the environment and the config file.
func (cmd *agentRunCmd) idle(c *agent.TokenPath, e env) time.Duration {
	if cmd.Idle > 0 {
		return cmd.Idle
	}
	if v, ok := e.lookup(agentwire.EnvIdle); ok {
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			return d
		}
	}
	if cfg, err := c.Config(); err == nil {
		return cfg.Agent.IdleOrDefault(agentwire.DefaultIdle)
	}
	return agentwire.DefaultIdle
}

type agentStatusCmd struct{}

func (cmd *agentStatusCmd) Run(e env) error {
	if !agentwire.Supported {
		fmt.Fprintf(e.stdout, "not running: there is no token agent on %s; tokens come from the encrypted file cache\n", runtime.GOOS)
		return exitCode(3)
	}
	if ep := agentwire.Locate(e.lookup); ep.Forwarded {
		return forwardedStatus(ep, e)
	}
	dir := agentwire.Dir(e.lookup)
	st, err := agent.Status(dir)
	if err != nil {
		fmt.Fprintf(e.stdout, "not running (%s): %v\n", agentwire.SocketPath(dir), err)
		return exitCode(3)
	}
	fmt.Fprintf(e.stdout, "running: pid %d, version %s, up %s, %d token(s) in memory, %d request(s) served, exits after %s idle\nsocket: %s\n",
		st.PID, st.Version, time.Since(st.Started).Round(time.Second), st.Tokens, st.Served, st.Idle, agentwire.SocketPath(dir))
	if st.Memory != "" {
		fmt.Fprintf(e.stdout, "memory: %s\n", st.Memory)
	}
	fwd := agentwire.ForwardSocketPath(dir)
	fmt.Fprintf(e.stdout, "forward socket: %s (%d request(s) forwarded; serves the profiles with forward = true, to this uid and [agent] forward_uids)\n", fwd, st.Forwarded)
	return setup.Forward(e.stdout, fwd, "", agentwire.EnvSocket)
}

// forwardedStatus is agent status where the tokens come from a forwarded
// agent: it names the socket and says whether it answers (a connect only;
// the forward socket tells a remote nothing about the agent).
func forwardedStatus(ep agentwire.Endpoint, e env) error {
	c, err := ep.Dial()
	if err != nil {
		fmt.Fprintf(e.stdout, "forwarded (%s): %v\n", agentwire.EnvSocket, err)
		return exitCode(3)
	}
	c.Close()
	fmt.Fprintf(e.stdout, "forwarded: tokens come from the agent on %s (%s); no keychain or config file of this machine is used\n", ep.Socket, agentwire.EnvSocket)
	return nil
}

type agentStopCmd struct{}

func (cmd *agentStopCmd) Run(e env) error {
	if !agentwire.Supported {
		fmt.Fprintf(e.stderr, "No agent was running: there is no token agent on %s.\n", runtime.GOOS)
		return nil
	}
	ran, err := agent.Stop(agentwire.Dir(e.lookup))
	if err != nil {
		return &credential.Error{Kind: credential.KindOther, Msg: "agent stop: " + err.Error()}
	}
	if ran {
		fmt.Fprintln(e.stderr, "Stopped the agent.")
	} else {
		fmt.Fprintln(e.stderr, "No agent was running.")
	}
	return nil
}

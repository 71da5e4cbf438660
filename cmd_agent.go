package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/alecthomas/kong"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
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

func (cmd *agentRunCmd) Run(ctx context.Context, h *helper.Core, e env) error {
	if !agentwire.Supported {
		return &credential.Error{Kind: credential.KindUsage, Msg: agentwire.ErrUnsupported.Error() + ": tokens come from the encrypted file cache"}
	}
	a := &helper.Agent{Dir: agentwire.Dir(e.lookup), Idle: cmd.idle(h, e), Version: version(), Run: agentRun(e.exe)}
	if cmd.ReadyFD > 0 {
		a.Ready = os.NewFile(uintptr(cmd.ReadyFD), "ready")
	}
	// A long-lived process must not pin the directory it was started from;
	// every path a client sends is absolute.
	_ = os.Chdir("/")
	if err := helper.GuardMemory(); err != nil {
		// An agent that cannot guard the tokens it holds does not run:
		// the calls then take the direct path.
		return &credential.Error{Kind: credential.KindOther, Msg: "agent: guarding its memory: " + err.Error()}
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer stop()
	if err := a.Serve(ctx); err != nil {
		return &credential.Error{Kind: credential.KindOther, Msg: "agent: " + err.Error()}
	}
	return nil
}

// idle is the first of --idle, the environment and the config file.
func (cmd *agentRunCmd) idle(h *helper.Core, e env) time.Duration {
	if cmd.Idle > 0 {
		return cmd.Idle
	}
	if v, ok := e.lookup(agentwire.EnvIdle); ok {
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			return d
		}
	}
	if cfg, err := config.Load(h.ConfigPath); err == nil {
		return cfg.Agent.IdleOrDefault(agentwire.DefaultIdle)
	}
	return agentwire.DefaultIdle
}

// agentRun runs a command line forwarded by a client (agentwire.OpRun) as
// this binary would, with the client's stdin, variables and outputs.
func agentRun(exe string) func(context.Context, *agentwire.Request, func(*helper.Core) error) ([]byte, []byte, int, error) {
	return func(ctx context.Context, r *agentwire.Request, attach func(*helper.Core) error) ([]byte, []byte, int, error) {
		var stdout, stderr bytes.Buffer
		var attachErr error
		e := env{stdin: bytes.NewReader(r.Stdin), stdout: &stdout, stderr: &stderr, exe: exe, cwd: r.Cwd, interactive: r.Interactive,
			lookup: func(k string) (string, bool) { v, ok := r.Env[k]; return v, ok },
			attach: func(h *helper.Core, kctx *kong.Context) error {
				if !printsToken(kctx) {
					attachErr = errors.New("not a command the agent runs")
				} else {
					attachErr = attach(h)
				}
				return attachErr
			}}
		code := run(ctx, r.Args, e)
		if attachErr != nil {
			return nil, nil, 0, attachErr
		}
		return stdout.Bytes(), stderr.Bytes(), code, nil
	}
}

// printsToken reports whether the command kong parsed only prints a token
// (what agentwire.Forwardable let through): the agent runs nothing else,
// whatever the client sent.
func printsToken(kctx *kong.Context) bool {
	switch c := kctx.Selected().Target.Addr().Interface().(type) {
	case *tokenCmd, *kubectlCmd, *getCmd:
		return true
	case *gitCmd:
		return c.Action == "get"
	case *dockerCmd:
		return c.Action == "get"
	case *bazelCmd:
		return c.Action == "get"
	case *terraformCmd:
		return c.Action == "get"
	}
	return false
}

type agentStatusCmd struct{}

func (cmd *agentStatusCmd) Run(e env) error {
	dir := agentwire.Dir(e.lookup)
	st, err := helper.AgentStatus(dir)
	if err != nil {
		fmt.Fprintf(e.stdout, "not running (%s): %v\n", agentwire.SocketPath(dir), err)
		return exitCode(3)
	}
	fmt.Fprintf(e.stdout, "running: pid %d, version %s, up %s, %d token(s) in memory, %d request(s) served, exits after %s idle\nsocket: %s\n",
		st.PID, st.Version, time.Since(st.Started).Round(time.Second), st.Tokens, st.Served, st.Idle, agentwire.SocketPath(dir))
	if st.Memory != "" {
		fmt.Fprintf(e.stdout, "memory: %s\n", st.Memory)
	}
	return nil
}

type agentStopCmd struct{}

func (cmd *agentStopCmd) Run(e env) error {
	ran, err := helper.StopAgent(agentwire.Dir(e.lookup))
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

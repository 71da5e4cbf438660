//go:build unix

package cli

// Script commands for the token agent:
//
//	agent running             an agent answers in $XDG_RUNTIME_DIR (with "!": none does);
//	                          sets $AGENT_PID
//	agent tokens N            it holds N tokens
//	agent served N            it has answered N requests
//	agent kill SIGNAL         send SIGNAL (TERM, KILL, ...) to it
//	agent gone [DURATION]     wait (default 10s) until no agent answers and its process
//	                          ($AGENT_PID when none answers) is gone
//	agent private             its directory is 0700 and its socket 0600, both this user's
//	agent guarded             its memory is guarded: no core files, and on Linux not
//	                          dumpable (see agentGuarded)

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
)

func init() { scriptCmds["agent"] = cmdAgent }

func agentDir(ts *testscript.TestScript) string {
	return agentwire.Dir(func(k string) (string, bool) { v := ts.Getenv(k); return v, v != "" })
}

func cmdAgent(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: agent running|tokens N|served N|kill SIGNAL|gone [DURATION]|private")
	}
	dir := agentDir(ts)
	st, err := agent.Status(dir)
	switch args[0] {
	case "running":
		if (err == nil) == neg {
			ts.Fatalf("agent running = %v (%v); want %v", err == nil, err, !neg)
		}
		if err == nil {
			ts.Setenv("AGENT_PID", strconv.Itoa(st.PID))
		}
	case "tokens", "served":
		if len(args) != 2 || neg {
			ts.Fatalf("usage: agent %s N", args[0])
		}
		ts.Check(err)
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		got := st.Tokens
		if args[0] == "served" {
			got = int(st.Served)
		}
		if got != want {
			ts.Fatalf("agent %s = %d; want %d", args[0], got, want)
		}
	case "kill":
		if len(args) != 2 || neg {
			ts.Fatalf("usage: agent kill SIGNAL")
		}
		ts.Check(err)
		sig := map[string]syscall.Signal{"TERM": syscall.SIGTERM, "KILL": syscall.SIGKILL, "INT": syscall.SIGINT, "HUP": syscall.SIGHUP}[args[1]]
		if sig == 0 {
			ts.Fatalf("unknown signal %s", args[1])
		}
		ts.Check(syscall.Kill(st.PID, sig))
		ts.Setenv("AGENT_PID", strconv.Itoa(st.PID))
	case "gone":
		if neg {
			ts.Fatalf("unsupported: ! agent gone")
		}
		limit := 10 * time.Second
		if len(args) == 2 {
			limit, err = time.ParseDuration(args[1])
			ts.Check(err)
		}
		pid, _ := strconv.Atoi(ts.Getenv("AGENT_PID"))
		if st != nil {
			pid = st.PID
		}
		deadline := time.Now().Add(limit)
		for {
			_, err := agent.Status(dir)
			dead := pid == 0 || !alive(pid)
			if err != nil && dead {
				return
			}
			if time.Now().After(deadline) {
				ts.Fatalf("the agent (pid %d) is still there after %s", pid, limit)
			}
			time.Sleep(20 * time.Millisecond)
		}
	case "private":
		for path, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, agentwire.SocketPath(dir): 0o600 | os.ModeSocket} {
			fi, err := os.Lstat(path)
			ts.Check(err)
			ok := fi.Mode() == want && int(fi.Sys().(*syscall.Stat_t).Uid) == os.Getuid()
			if ok == neg {
				ts.Fatalf("%s: mode %v, uid %d; want %v, uid %d", path, fi.Mode(), fi.Sys().(*syscall.Stat_t).Uid, want, os.Getuid())
			}
		}
	case "guarded":
		ts.Check(err)
		agentGuarded(ts, neg, st)
	default:
		ts.Fatalf("unknown: agent %s", args[0])
	}
}

// alive reports whether process pid exists and is not a zombie (a killed
// agent is reparented, and a container's init may never reap it).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true // no /proc: trust kill(2)
	}
	i := bytes.LastIndexByte(b, ')')
	return i < 0 || i+2 >= len(b) || b[i+2] != 'Z'
}

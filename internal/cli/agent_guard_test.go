//go:build unix

package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
)

// agentGuarded checks from outside the agent what helper.GuardMemory set:
// on Linux, /proc/PID/limits shows a core size limit of 0 (soft and hard)
// and, for a user other than root, /proc/PID belongs to root (the mark of a
// process that is not dumpable). What the kernel tells the agent itself
// (PR_GET_DUMPABLE, getrlimit) comes back in its status, which root needs
// since it owns /proc/PID either way.
func agentGuarded(ts *testscript.TestScript, neg bool, st *agentwire.Status) {
	var problems []string
	want := map[string]string{"linux": "not dumpable, no core files", "darwin": "no core files"}[runtime.GOOS]
	if st.Memory != want {
		problems = append(problems, fmt.Sprintf("agent status says memory %q, want %q", st.Memory, want))
	}
	if runtime.GOOS == "linux" {
		proc := fmt.Sprintf("/proc/%d", st.PID)
		b, err := os.ReadFile(proc + "/limits")
		ts.Check(err)
		if soft, hard := coreLimits(b); soft != "0" || hard != "0" {
			problems = append(problems, fmt.Sprintf("%s/limits: core file size %s (soft), %s (hard); want 0", proc, soft, hard))
		}
		fi, err := os.Stat(proc)
		ts.Check(err)
		if uid := fi.Sys().(*syscall.Stat_t).Uid; os.Getuid() != 0 && uid != 0 {
			problems = append(problems, fmt.Sprintf("%s belongs to uid %d, not root: the agent is dumpable", proc, uid))
		}
	}
	switch {
	case !neg && len(problems) > 0:
		ts.Fatalf("the agent's memory is not guarded: %s", strings.Join(problems, "; "))
	case neg && len(problems) == 0:
		ts.Fatalf("the agent's memory is guarded")
	}
}

// coreLimits finds the "Max core file size" line of a /proc/PID/limits.
func coreLimits(limits []byte) (soft, hard string) {
	sc := bufio.NewScanner(bytes.NewReader(limits))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "Max core file size"); ok {
			if f := strings.Fields(rest); len(f) >= 2 {
				return f[0], f[1]
			}
		}
	}
	return "?", "?"
}

package cli

import (
	"fmt"
	"net"
	"os"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
)

// agentRuntimeDir makes a short private directory to serve as a test's
// XDG_RUNTIME_DIR, so that the test has a token agent of its own (a Unix
// socket path must stay under about 100 bytes, which t.TempDir's may not).
// At cleanup the agent is stopped and the directory removed.
func agentRuntimeDir(t testing.TB, cleanup func(func())) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "cch")
	if err != nil {
		t.Fatal(err)
	}
	cleanup(func() {
		lookup := func(k string) (string, bool) { return dir, k == "XDG_RUNTIME_DIR" }
		_, _ = agent.Stop(agentwire.Dir(lookup))
		os.RemoveAll(dir)
	})
	return dir
}

// envRawDial makes the test binary (see TestMain) connect straight to the
// agent socket it names, as a foreign process would, ask for a token and
// print the agent's answer.
const envRawDial = "CCH_TEST_RAW_DIAL"

// rawDial is that foreign process.
func rawDial(path string) {
	c, err := net.Dial("unix", path)
	if err != nil {
		fmt.Println("dial:", err)
		return
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	req := &agentwire.Request{Op: agentwire.OpToken, Env: agentwire.Environment(os.LookupEnv, agentwire.ProcessEnv)}
	// The agent may refuse before reading: its answer is still there to read.
	_ = agentwire.Write(c, req)
	var rep agentwire.Reply
	if err := agentwire.Read(c, &rep); err != nil {
		fmt.Println("read:", err)
		return
	}
	fmt.Printf("unserved=%q token=%q\n", rep.Unserved, rep.AccessToken)
}

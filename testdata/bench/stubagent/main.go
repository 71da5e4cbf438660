// Command stubagent is a token agent that knows one answer: it listens on
// the agent socket of its environment and answers every request with the
// same token, so that a fast client's call can be timed without the agent's
// own work (used by testdata/bench/agentwire-ab.sh).
package main

import (
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
)

func main() {
	dir := agentwire.Dir(os.LookupEnv)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Remove(agentwire.SocketPath(dir))
	l, err := net.Listen("unix", agentwire.SocketPath(dir))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	rep := &agentwire.Reply{AccessToken: "eyJhbGciOiJSUzI1NiJ9." + strings.Repeat("x", 900) + ".sig",
		Expiry: time.Now().Add(time.Hour), RefreshAt: time.Now().Add(54 * time.Minute), Profile: "bench", Username: "client-id"}
	fmt.Println("ready")
	for {
		c, err := l.Accept()
		if err != nil {
			os.Exit(1)
		}
		go func() {
			defer c.Close()
			var req agentwire.Request
			if agentwire.Read(c, &req) == nil {
				agentwire.Write(c, rep)
			}
		}()
	}
}

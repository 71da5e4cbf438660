// Command tokenserver is the tests' fake token endpoint (internal/tokenserver)
// on loopback for the benchmark, which needs a process of its own: it prints
// its URL, accepts client "bench" with the secret in its first argument and
// answers with a new token each time (after $DELAY), at /oauth/token. It
// serves the number of token requests at GET /count and starts that count
// again at POST /reset.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: tokenserver SECRET")
		os.Exit(2)
	}
	s := tokenserver.NewHandler()
	check(s.Set("client", "bench", os.Args[1]))
	if d := os.Getenv("DELAY"); d != "" {
		check(s.Set("delay", d))
	}
	mux := http.NewServeMux()
	mux.Handle("POST "+tokenserver.Path, s)
	mux.HandleFunc("GET /count", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, s.Count()) })
	mux.HandleFunc("POST /reset", func(w http.ResponseWriter, r *http.Request) { s.ForgetRequests() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	fmt.Printf("http://%s\n", ln.Addr())
	os.Stdout.Sync()
	check(http.Serve(ln, mux))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "tokenserver:", err)
		os.Exit(1)
	}
}

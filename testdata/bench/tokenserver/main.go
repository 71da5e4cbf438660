// Command tokenserver is a client-credentials token endpoint on loopback
// for the benchmark: it prints its URL, answers every valid request with a
// new token, and serves the number of token requests at /count.
package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

func main() {
	secret := os.Args[1]
	delay, _ := time.ParseDuration(os.Getenv("DELAY"))
	var n atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		time.Sleep(delay)
		w.Header().Set("Content-Type", "application/json")
		if r.PostFormValue("client_secret") != secret {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"invalid_client"}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"access_token": fmt.Sprintf("bench-token-%d", i), "token_type": "Bearer", "expires_in": 3600})
	})
	mux.HandleFunc("GET /count", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, n.Load()) })
	mux.HandleFunc("POST /reset", func(w http.ResponseWriter, r *http.Request) { n.Store(0) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("http://%s\n", ln.Addr())
	os.Stdout.Sync()
	http.Serve(ln, mux)
}

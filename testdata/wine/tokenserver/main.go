// Command tokenserver is a client-credentials token endpoint on loopback
// for scripts/windows. It issues {"access_token":"tok-N",...} to client
// CLIENT_ID with secret SECRET (form post or HTTP Basic), counts the token
// requests, and writes its base URL (http://127.0.0.1:PORT) to URLFILE once
// it listens.
//
//	POST /oauth/token   a token; 401 for another client or secret
//	GET  /count         the number of token requests so far
//
// Usage: [DELAY=300ms] tokenserver CLIENT_ID SECRET URLFILE
// DELAY holds each token answer back, so that concurrent callers overlap.
// It stops by itself after 10 minutes.
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
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: tokenserver CLIENT_ID SECRET URLFILE")
		os.Exit(2)
	}
	clientID, secret, urlFile := os.Args[1], os.Args[2], os.Args[3]
	delay, _ := time.ParseDuration(os.Getenv("DELAY"))
	var n atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		time.Sleep(delay)
		id, sec, basic := r.BasicAuth()
		if !basic {
			id, sec = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if r.PostFormValue("grant_type") != "client_credentials" || id != clientID || sec != secret {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"invalid_client"}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"access_token": fmt.Sprintf("tok-%d", i), "token_type": "Bearer", "expires_in": 3600})
	})
	mux.HandleFunc("GET /count", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, n.Load()) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tmp := urlFile + ".tmp"
	if err := os.WriteFile(tmp, []byte("http://"+ln.Addr().String()+"\n"), 0o644); err != nil || os.Rename(tmp, urlFile) != nil {
		fmt.Fprintln(os.Stderr, "tokenserver: cannot write", urlFile, err)
		os.Exit(1)
	}
	time.AfterFunc(10*time.Minute, func() { os.Exit(0) })
	http.Serve(ln, mux)
}

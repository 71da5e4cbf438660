package tokenserver

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
)

// OAuthError answers with an RFC 6749 section 5.2 error response.
func OAuthError(w http.ResponseWriter, status int, code, description string) {
	WriteJSON(w, status, map[string]string{"error": code, "error_description": description})
}

// WriteJSON answers with status and v as JSON, not to be cached.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// JWT returns an unsigned JWT carrying claims (the helper never checks
// signatures), to hand out as an access token.
func JWT(claims map[string]any) string {
	b, err := json.Marshal(claims)
	if err != nil {
		panic(fmt.Sprintf("tokenserver.JWT: %v", err))
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none"}`)) + "." + enc(b) + ".sig"
}

// ResetConnection drops the connection without an answer, with a TCP RST
// where it can.
func ResetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	conn.Close()
}

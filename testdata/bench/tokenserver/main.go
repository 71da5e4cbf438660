// Command tokenserver is the tests' fake token endpoint (internal/tokenserver)
// on loopback as a process of its own, for scripts/bench and
// scripts/windows: `tokenserver [CLIENT_ID] SECRET` prints its base URL,
// accepts CLIENT_ID (default "bench") with SECRET and answers with a new
// token each time (after $DELAY), at /oauth/token. It serves the number of
// token requests at GET /count and starts that count again at POST /reset.
//
// With $KEYDIR set it also writes a new RSA key and its self-signed
// certificate there (key.pem, cert.pem) and accepts client CLIENT_ID-key
// authenticating with that key (private_key_jwt, checked as Entra ID does).
package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/clientauth"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokenserver"
)

func main() {
	args := os.Args[1:]
	if len(args) == 1 {
		args = append([]string{"bench"}, args...)
	}
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: tokenserver [CLIENT_ID] SECRET")
		os.Exit(2)
	}
	s := tokenserver.NewHandler()
	check(s.Set("client", args[0], args[1]))
	if d := os.Getenv("DELAY"); d != "" {
		check(s.Set("delay", d))
	}
	if dir := os.Getenv("KEYDIR"); dir != "" {
		check(writeKey(s, dir, args[0]+"-key"))
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

// writeKey makes the key and certificate of a private_key_jwt client.
func writeKey(s *tokenserver.Server, dir, clientID string) error {
	k, err := clientauth.Generate(clientauth.TypeRSA, clientID, time.Now())
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k.Signer)
	if err != nil {
		return err
	}
	cert, _ := k.CertPEM()
	s.RegisterCertificate(clientID, k.Cert)
	return errors.Join(os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600),
		os.WriteFile(filepath.Join(dir, "cert.pem"), cert, 0o600))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "tokenserver:", err)
		os.Exit(1)
	}
}

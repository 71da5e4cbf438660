// Package otheruser runs the test binary as another local user (uid
// 65534, "nobody") in a helper mode, for tests of what another user can
// do to the helper over loopback: listen on a port the helper then dials,
// or hold connections to a port the helper serves. Imported by tests
// only; a test package that uses it calls Main first in its TestMain.
package otheruser

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
)

// UID is the other user's uid and gid.
const UID = 65534

// Token is what the other user's listener answers a token request with.
const Token = "tok-of-another-user"

const (
	envMode = "CCH_TEST_OTHER_USER"
	envAddr = "CCH_TEST_OTHER_USER_ADDR"
	envN    = "CCH_TEST_OTHER_USER_N"
)

// Main runs the helper mode when this process was started by Listen or
// Connect, and exits; otherwise it returns at once.
func Main() {
	mode := os.Getenv(envMode)
	if mode == "" {
		return
	}
	var err error
	switch mode {
	case "listen":
		err = listen(os.Getenv(envAddr))
	case "post":
		err = post(os.Getenv(envAddr))
	case "connect":
		n, _ := strconv.Atoi(os.Getenv(envN))
		err = connect(os.Getenv(envAddr), n)
	default:
		err = fmt.Errorf("unknown mode %q", mode)
	}
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// listen prints "listening HOST:PORT", then for each connection either
// "request METHOD PATH BODYBYTES" (and answers it with Token, as an OAuth
// token endpoint would) or "received N" when no whole request came within
// three seconds.
func listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Println("listening", ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		go func() {
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(3 * time.Second))
			cr := &countingReader{r: c}
			req, err := http.ReadRequest(bufio.NewReader(cr))
			if err != nil {
				fmt.Println("received", cr.n)
				return
			}
			body, _ := io.ReadAll(req.Body)
			fmt.Println("request", req.Method, req.URL.Path, len(body))
			js := `{"access_token":"` + Token + `","token_type":"Bearer","expires_in":300}`
			fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(js), js)
		}()
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// post sends a token request to addr and prints "answered N", the bytes
// of the answer that came within three seconds.
func post(addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(3 * time.Second))
	body := "grant_type=client_credentials"
	fmt.Fprintf(c, "POST /oauth/token HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", addr, len(body), body)
	n, _ := io.Copy(io.Discard, c)
	fmt.Println("answered", n)
	return nil
}

// connect opens n connections to addr that send nothing, prints
// "connected N", and holds them until stdin closes.
func connect(addr string, n int) error {
	conns := make([]net.Conn, 0, n)
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		conns = append(conns, c)
	}
	fmt.Println("connected", len(conns))
	_, _ = io.Copy(io.Discard, os.Stdin)
	for _, c := range conns {
		c.Close()
	}
	return nil
}

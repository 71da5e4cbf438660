package serve

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/otheruser"
)

func TestMain(m *testing.M) {
	otheruser.Main()
	os.Exit(m.Run())
}

// startGuarded starts an endpoint serving a token and returns its URL.
func startGuarded(t *testing.T) (*Endpoint, string) {
	t.Helper()
	src := &fakeSource{tok: credential.Token{AccessToken: "tok", Expiry: t0.Add(time.Hour)}}
	e := &Endpoint{Source: src, ClientID: "cid", Secret: "per-run-secret", Now: func() time.Time { return t0 }}
	u, stop, err := e.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return e, u
}

// realClient asks for a token as the application would, allowing it one
// second (idle connections of others must not delay it more).
func realClient(t *testing.T, u string) {
	t.Helper()
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{}}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"per-run-secret"}}
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatalf("the real client: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("the real client: %s", resp.Status)
	}
}

// TestOtherUserClosed: another user's connections are closed before their
// request is read: a token request gets no answer at all (not even 401),
// and 300 idle connections of that user, which the endpoint does not
// hold, do not delay the real client.
func TestOtherUserClosed(t *testing.T) {
	e, u := startGuarded(t)
	addr := strings.TrimPrefix(strings.TrimSuffix(u, Path), "http://")
	if got := otheruser.Post(t, addr); got != "answered 0" {
		t.Errorf("another user's token request: %q; want no answer", got)
	}
	otheruser.Connect(t, addr, 300)
	realClient(t, u)
	if n := e.guard.held(); n > 1 {
		t.Errorf("the endpoint holds %d connections; want only the real client's", n)
	}
}

// TestIdleConnectionsBounded: 300 connections of this user that send
// nothing are not all held (the endpoint keeps at most maxConns, closing
// the longest idle), and do not delay the real client.
func TestIdleConnectionsBounded(t *testing.T) {
	_, u := startGuarded(t)
	addr := strings.TrimPrefix(strings.TrimSuffix(u, Path), "http://")
	var idle []net.Conn
	for range 300 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		idle = append(idle, c)
	}
	realClient(t, u)
	closed, deadline := 0, time.Now().Add(200*time.Millisecond)
	for _, c := range idle {
		_ = c.SetReadDeadline(deadline)
		if _, err := c.Read(make([]byte, 1)); errors.Is(err, io.EOF) {
			closed++
		}
	}
	if held := len(idle) - closed; held > maxConns {
		t.Errorf("the endpoint holds %d idle connections; want at most %d", held, maxConns)
	}
}

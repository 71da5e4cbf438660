//go:build linux || darwin

package agent

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/forward"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tokencache"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// forwardSetup is a laptop whose agent (version "v1") forwards profile
// "fwd" (hosts *.example.com) and not "local" (git.example.com), and a
// remote whose clients name the forward socket: they have a keychain, a
// config path and a cache directory of their own, which must stay unused.
type forwardSetup struct {
	*setup
	remoteStore *keystore.Counting
	remoteDir   string // the remote's config and cache live here
}

func newForwardSetup(t *testing.T) *forwardSetup {
	t.Helper()
	dir := t.TempDir()
	s := &setup{srv: newTokenServer(t), secrets: &keystore.Memory{}, configPath: filepath.Join(dir, "config", "config.toml")}
	s.agentStore = &keystore.Counting{Store: s.secrets}
	agentCache := filepath.Join(dir, "agent-cache")
	s.server = &Server{Idle: time.Minute, Version: "v1", ForwardConfig: s.configPath,
		NewCore: func(path string, front tokencache.Store) *helper.Core {
			return &helper.Core{Secrets: s.agentStore, ConfigPath: path, CacheDir: agentCache, Front: front, Timeout: 10 * time.Second, Getenv: noEnv}
		}}
	ctx := context.Background()
	for name, lp := range map[string]helper.LoginParams{
		"fwd":   {ClientID: ptr("cid"), TokenURL: ptr(s.srv.URL), Secret: "secret-f", NoVerify: true, Hosts: []string{"*.example.com"}, Forward: ptr(true)},
		"local": {ClientID: ptr("cid2"), TokenURL: ptr(s.srv.URL), Secret: "secret-l", NoVerify: true, Hosts: []string{"git.example.com"}},
	} {
		c := s.core(t)
		c.Profile = name
		if _, err := c.Login(ctx, lp); err != nil {
			t.Fatal(err)
		}
	}
	s.stop = startAgent(t, s.server)
	return &forwardSetup{setup: s, remoteStore: &keystore.Counting{Store: &keystore.Memory{}}, remoteDir: t.TempDir()}
}

// remote is a client on the remote host, as newClient builds it with
// agentwire.EnvSocket set to sock.
func (f *forwardSetup) remote(sock string) *TokenPath {
	ep := agentwire.Locate(func(k string) (string, bool) { return sock, k == agentwire.EnvSocket })
	core := &helper.Core{Secrets: f.remoteStore, ConfigPath: filepath.Join(f.remoteDir, "config.toml"),
		CacheDir: filepath.Join(f.remoteDir, "cache"), Timeout: 5 * time.Second, Getenv: noEnv}
	c := NewTokenPath(core)
	c.Forward = &forward.Source{Endpoint: ep, Version: "v1", Timeout: core.TimeoutOrDefault()}
	return c
}

func (f *forwardSetup) sock() string { return agentwire.ForwardSocketPath(f.server.Dir) }

// untouched fails unless the remote side used no keychain, wrote no config
// and cached nothing.
func (f *forwardSetup) untouched(t *testing.T) {
	t.Helper()
	if n := f.remoteStore.Gets.Load(); n != 0 {
		t.Errorf("the remote's keychain was read %d time(s)", n)
	}
	if ents, _ := os.ReadDir(f.remoteDir); len(ents) != 0 {
		t.Errorf("the remote's config/cache directory has %d entries; want none", len(ents))
	}
}

func (f *forwardSetup) status(t *testing.T) *agentwire.Status {
	t.Helper()
	st, err := Status(f.server.Dir)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	return st
}

// The forward socket serves the forwarded profile, routed by the laptop's
// hosts, and refuses the others with KindNoRoute naming the profile; the
// agent counts what it answered there.
func TestForwardServesMarkedProfiles(t *testing.T) {
	f := newForwardSetup(t)
	c := f.remote(f.sock())
	for _, req := range []credential.Request{{Resource: "https://api.example.com/x"}, {Profile: "fwd"}, {Default: "fwd"}} {
		if tok := mustToken(t, c, req); tok.Profile != "fwd" || !strings.HasPrefix(tok.AccessToken, "tok-") {
			t.Errorf("Token(%+v) = %+v; want fwd's", req, tok)
		}
	}
	for req, name := range map[credential.Request]string{
		{Resource: "https://git.example.com/r.git"}: `"local"`,
		{Profile: "local"}:                          `"local"`,
		{}:                                          `"default"`,
		{Resource: "https://other.org/"}:            `"https://other.org/"`,
	} {
		_, err := c.Token(context.Background(), req)
		if credential.KindOf(err) != credential.KindNoRoute || !strings.Contains(err.Error(), name) {
			t.Errorf("Token(%+v) = %v; want not served, naming %s", req, err, name)
		}
	}
	// git's erase through the forward socket drops the laptop's token.
	if err := c.Drop(context.Background(), credential.Request{Resource: "https://api.example.com/x"}); err != nil {
		t.Fatalf("Drop: %v", err)
	}
	if n := f.held(t); n != 0 {
		t.Errorf("after a forwarded drop the agent holds %d token(s)", n)
	}
	if err := c.Drop(context.Background(), credential.Request{Resource: "https://git.example.com/"}); err != nil {
		t.Errorf("Drop of an unforwarded host = %v; want a no-op", err)
	}
	if st := f.status(t); st.Forwarded != 9 {
		t.Errorf("the agent counts %d forwarded requests; want 9", st.Forwarded)
	}
	if n := f.agentStore.Gets.Load(); n != 1 {
		t.Errorf("%d keychain reads on the laptop; want 1", n)
	}
	f.untouched(t)
	// What only the laptop does is refused on the remote.
	if _, err := c.Login(context.Background(), helper.LoginParams{Secret: "x"}); err == nil || !strings.Contains(err.Error(), agentwire.EnvSocket) {
		t.Errorf("Login through a forwarded agent = %v; want a refusal naming %s", err, agentwire.EnvSocket)
	}
	if err := c.Logout(context.Background()); err == nil {
		t.Error("Logout through a forwarded agent succeeded")
	}
	f.untouched(t)
}

// The forward socket answers token requests only: status, stop, a local
// caller's config path and environment are not its business.
func TestForwardRestrictedCommands(t *testing.T) {
	f := newForwardSetup(t)
	for _, op := range []string{agentwire.OpStatus, agentwire.OpStop, "login"} {
		rep := rawCall(t, f.sock(), &agentwire.Request{Op: op})
		if rep.Unserved == "" || rep.Status != nil {
			t.Errorf("%s on the forward socket: %+v; want unserved", op, rep)
		}
	}
	// A request naming another config file is routed by the laptop's own.
	other := filepath.Join(t.TempDir(), "other.toml")
	os.WriteFile(other, []byte("[profiles.default]\nclient_id = \"x\"\nforward = true\n"), 0o600)
	rep := rawCall(t, f.sock(), &agentwire.Request{Op: agentwire.OpToken, Config: other, Env: map[string]string{"HOME": "/elsewhere"}})
	if rep.Err == nil || credential.Kind(rep.Err.Kind) != credential.KindNoRoute || !strings.Contains(rep.Err.Msg, `"default"`) {
		t.Errorf("a forwarded request naming another config file: %+v; want the laptop's config's answer", rep)
	}
	if st := f.status(t); st.PID == 0 {
		t.Error("the agent stopped")
	}
}

// Faults on the calling side: each is one line naming the socket, the
// call fails, and nothing is cached or read on the remote.
func TestForwardFaults(t *testing.T) {
	f := newForwardSetup(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)
	hangup := filepath.Join(dir, "hangup.sock")
	ln, err := net.Listen("unix", hangup)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // a session that ends mid-request: reads the request, closes
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			var r agentwire.Request
			_ = agentwire.Read(c, &r)
			c.Close()
		}
	}()
	v2 := f.remote(f.sock())
	v2.Forward.Version = "v2"
	for _, tc := range []struct {
		name string
		c    *TokenPath
		req  credential.Request
		want string
		kind credential.Kind
	}{
		{"not a socket", f.remote(file), credential.Request{}, "is not a socket (it is a regular file)", credential.KindUsage},
		{"a directory", f.remote(dir), credential.Request{}, "is not a socket (it is a directory)", credential.KindUsage},
		{"relative", f.remote("rel.sock"), credential.Request{}, "is not an absolute path", credential.KindUsage},
		{"gone", f.remote(filepath.Join(dir, "none.sock")), credential.Request{}, "is gone (did the ssh session end?)", credential.KindUnreachable},
		{"mid-request", f.remote(hangup), credential.Request{}, "hung up before answering", credential.KindUnreachable},
		{"other version", v2, credential.Request{Profile: "fwd"}, "the forwarded agent is version v1, this binary v2", credential.KindOther},
		{"too large", f.remote(f.sock()), credential.Request{Profile: "fwd", Resource: "https://a.example.com/" + strings.Repeat("x", agentwire.MaxMessage)}, "too large", credential.KindUsage},
	} {
		_, err := tc.c.Token(context.Background(), tc.req)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") || credential.KindOf(err) != tc.kind {
			t.Errorf("%s: %v (kind %d); want one line with %q, kind %d", tc.name, err, credential.KindOf(err), tc.want, tc.kind)
		}
	}
	if st := f.status(t); st.Forwarded != 0 || st.Tokens != 0 {
		t.Errorf("the agent answered %d forwarded requests, holds %d tokens; want none", st.Forwarded, st.Tokens)
	}
	f.untouched(t)
}

// A request larger than the wire allows, sent raw to the forward socket,
// is dropped without an answer, and the agent goes on serving.
func TestForwardOversizeRequest(t *testing.T) {
	f := newForwardSetup(t)
	c, err := net.Dial("unix", f.sock())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("cch-agent/1 7fffffff\n")); err != nil {
		t.Fatal(err)
	}
	var rep agentwire.Reply
	if err := agentwire.Read(c, &rep); err == nil {
		t.Errorf("an oversize request got an answer: %+v", rep)
	}
	mustToken(t, f.remote(f.sock()), credential.Request{Profile: "fwd"})
}

func rawCall(t *testing.T, sock string, r *agentwire.Request) *agentwire.Reply {
	t.Helper()
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := agentwire.Call(c.(*net.UnixConn), r, time.Now().Add(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

//go:build linux || darwin

package agentwire

import (
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

func lookupIn(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// TestDir: the runtime directory when there is one, else a directory under
// the user's cache directory; never a name in the shared temporary
// directory, which another user could create first.
func TestDir(t *testing.T) {
	fallback := "/home/u/.cache/camunda-credential-helper/agent"
	if runtime.GOOS == "darwin" {
		fallback = "/home/u/Library/Caches/camunda-credential-helper/agent"
	}
	home := map[string]string{"HOME": "/home/u"}
	with := func(k, v string) map[string]string { return map[string]string{"HOME": "/home/u", k: v} }
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"XDG_RUNTIME_DIR", with("XDG_RUNTIME_DIR", "/run/user/1000"), "/run/user/1000/camunda-credential-helper"},
		{"XDG_RUNTIME_DIR with a trailing slash", with("XDG_RUNTIME_DIR", "/run/user/1000/"), "/run/user/1000/camunda-credential-helper"},
		{"XDG_RUNTIME_DIR unclean", with("XDG_RUNTIME_DIR", "/run//user/./1000"), "/run/user/1000/camunda-credential-helper"},
		{"unset", home, fallback},
		{"empty", with("XDG_RUNTIME_DIR", ""), fallback},
		{"relative", with("XDG_RUNTIME_DIR", "run/user/1000"), fallback},
		{"dot", with("XDG_RUNTIME_DIR", "."), fallback},
		{"TMPDIR ignored", with("TMPDIR", "/tmp"), fallback},
		{"no HOME", nil, ""},
		{"relative HOME", map[string]string{"HOME": "home"}, ""},
	}
	if runtime.GOOS != "darwin" {
		tests = append(tests, struct {
			name string
			env  map[string]string
			want string
		}{"XDG_CACHE_HOME", with("XDG_CACHE_HOME", "/c"), "/c/camunda-credential-helper/agent"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Dir(lookupIn(tt.env))
			if got != tt.want {
				t.Errorf("Dir() = %q; want %q", got, tt.want)
			}
			if tmp := os.TempDir(); got != "" && strings.HasPrefix(got, tmp+string(filepath.Separator)) && !strings.HasPrefix(tt.want, tmp) {
				t.Errorf("Dir() = %q is in the shared %s", got, tmp)
			}
		})
	}
	if _, err := Dial(""); err == nil || NotListening(err) {
		t.Errorf("Dial(\"\") = %v; want an error that says there is no agent directory", err)
	}
	if got := SocketPath("/d"); got != "/d/agent.sock" {
		t.Errorf("SocketPath = %q", got)
	}
	if got := LockPath("/d"); got != "/d/agent.lock" {
		t.Errorf("LockPath = %q", got)
	}
}

func TestCheckDir(t *testing.T) {
	base := t.TempDir()
	mkdir := func(name string, mode os.FileMode) string {
		p := filepath.Join(base, name)
		if err := os.Mkdir(p, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil { // past the umask
			t.Fatal(err)
		}
		return p
	}
	private := mkdir("private", 0o700)
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink(private, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		dir     string
		ok      bool
		wantErr error
	}{
		{"0700", private, true, nil},
		{"0500", mkdir("r-x", 0o500), true, nil},
		{"0755", mkdir("open", 0o755), false, nil},
		{"0710", mkdir("group-x", 0o710), false, nil},
		{"0701", mkdir("other-x", 0o701), false, nil},
		{"0770", mkdir("group", 0o770), false, nil},
		{"sticky 1777", mkdir("sticky", 0o1777), false, nil},
		{"a file", file, false, nil},
		{"a symlink to a 0700 dir", link, false, nil},
		{"missing", filepath.Join(base, "missing"), false, fs.ErrNotExist},
		{"under a file", filepath.Join(file, "x"), false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckDir(tt.dir)
			if tt.ok != (err == nil) {
				t.Fatalf("CheckDir(%s) = %v; want ok=%v", tt.name, err, tt.ok)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("CheckDir(%s) = %v; want %v", tt.name, err, tt.wantErr)
			}
		})
	}
}

func TestEnvironment(t *testing.T) {
	lookup := lookupIn(map[string]string{"SET": "v", "EMPTY": "", "EQ": "a=b", "OTHER": "not asked"})
	got := Environment(lookup, []string{"SET", "EMPTY", "UNSET"}, []string{"EQ", "ALSO_UNSET"}, nil)
	want := map[string]string{"SET": "v", "EMPTY": "", "EQ": "a=b"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Environment() = %q; want %q", got, want)
	}
	if v, ok := got["EMPTY"]; !ok || v != "" {
		t.Errorf("set-but-empty EMPTY = %q, %v; want \"\", true", v, ok)
	}
	if _, ok := got["UNSET"]; ok {
		t.Error("unset UNSET is present")
	}
	if got := Environment(lookup); got == nil || len(got) != 0 {
		t.Errorf("Environment() with no names = %#v; want an empty map", got)
	}
}

func TestEnvDiffers(t *testing.T) {
	agent := map[string]string{"HOME": "/home/test", "XDG_CONFIG_HOME": "/home/test/.config", "NO_PROXY": "localhost"}
	if got := EnvDiffers(agent, agent); got != "" {
		t.Fatalf("EnvDiffers(same environment) = %q; want \"\"", got)
	}
	tests := []struct {
		name   string
		change func(m map[string]string)
		want   string
	}{
		{"other value", func(m map[string]string) { m["HOME"] = "/home/other" }, "HOME"},
		{"missing", func(m map[string]string) { delete(m, "XDG_CONFIG_HOME") }, "XDG_CONFIG_HOME"},
		{"set but empty where unset (the same to every reader)", func(m map[string]string) { m["HTTPS_PROXY"] = "" }, ""},
		{"empty where set", func(m map[string]string) { m["NO_PROXY"] = "" }, "NO_PROXY"},
		{"first difference wins", func(m map[string]string) { m["NO_PROXY"] = "x"; m["HOME"] = "/" }, "HOME"},
		{"variables outside ProcessEnv do not count", func(m map[string]string) { m["CAMUNDA_PROFILE"] = "x"; m["PATH"] = "/" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := map[string]string{}
			for k, v := range agent {
				m[k] = v
			}
			tt.change(m)
			if got := EnvDiffers(agent, m); got != tt.want {
				t.Errorf("EnvDiffers() = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestOff(t *testing.T) {
	tests := []struct {
		value string
		set   bool
		want  bool
	}{
		{"off", true, true},
		{"0", true, true},
		{"false", true, true},
		{"no", true, true},
		{"on", true, false},
		{"1", true, false},
		{"", true, false},
		{"", false, false},
		{"OFF", true, false}, // exact words only
		{" off", true, false},
	}
	for _, tt := range tests {
		env := map[string]string{}
		if tt.set {
			env[EnvAgent] = tt.value
		}
		if got := Off(lookupIn(env)); got != tt.want {
			t.Errorf("Off(%s=%q, set %v) = %v; want %v", EnvAgent, tt.value, tt.set, got, tt.want)
		}
	}
	if Off(lookupIn(map[string]string{"CAMUNDA_CREDENTIAL_HELPER_AGENT_IDLE": "off"})) {
		t.Error("Off() read another variable")
	}
}

// shortDir is a private directory with a path short enough for a Unix
// socket (about 104 bytes at most).
func shortDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "aw")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

// serve listens on dir's socket and hands each accepted connection to f.
func serve(t *testing.T, dir string, f func(c net.Conn)) {
	t.Helper()
	l, err := net.Listen("unix", SocketPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { l.Close(); <-done })
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				f(c)
			}()
		}
	}()
}

func TestDialCall(t *testing.T) {
	dir := shortDir(t)
	type seen struct {
		req    Request
		err    error
		closed error // what the server read after replying
	}
	got := make(chan seen, 1)
	serve(t, dir, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		var s seen
		s.err = Read(c, &s.req)
		if s.err == nil {
			s.err = Write(c, &Reply{AccessToken: "tok-" + s.req.Profile, Expiry: time.Unix(2e9, 0), Username: "\x00user\n"})
		}
		var b [1]byte
		_, s.closed = c.Read(b[:])
		got <- s
	})
	for _, deadline := range []time.Time{{}, time.Now().Add(10 * time.Second)} {
		c, err := Dial(dir)
		if err != nil {
			t.Fatalf("Dial() = %v", err)
		}
		req := &Request{Op: OpToken, Profile: "work", Env: map[string]string{"HOME": "/h"}, Resource: "in\x00", MinTTL: time.Minute}
		rep, err := Call(c, req, deadline)
		if err != nil {
			t.Fatalf("Call(deadline %v) = %v", deadline, err)
		}
		want := Reply{AccessToken: "tok-work", Expiry: time.Unix(2e9, 0), Username: "\x00user\n"}
		if d := diffReply(*rep, want); d != "" {
			t.Errorf("reply: %s", d)
		}
		s := <-got
		if s.err != nil {
			t.Fatalf("server: %v", s.err)
		}
		if !sameRequest(s.req, *req) {
			t.Errorf("server read %#v; want %#v", s.req, *req)
		}
		if s.closed != io.EOF {
			t.Errorf("server read %v after its reply; want io.EOF (Call closes the connection)", s.closed)
		}
	}
}

func TestDialErrors(t *testing.T) {
	t.Run("no socket", func(t *testing.T) {
		_, err := Dial(shortDir(t))
		if !errors.Is(err, syscall.ENOENT) {
			t.Errorf("Dial() = %v; want ENOENT", err)
		}
	})
	t.Run("nobody listening", func(t *testing.T) {
		dir := shortDir(t)
		l, err := net.ListenUnix("unix", &net.UnixAddr{Name: SocketPath(dir), Net: "unix"})
		if err != nil {
			t.Fatal(err)
		}
		l.SetUnlinkOnClose(false)
		l.Close()
		if _, err := os.Lstat(SocketPath(dir)); err != nil {
			t.Fatalf("test set-up: the socket file is gone: %v", err)
		}
		_, err = Dial(dir)
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("Dial() = %v; want ECONNREFUSED", err)
		}
	})
	t.Run("missing directory", func(t *testing.T) {
		_, err := Dial(filepath.Join(shortDir(t), "none"))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Dial() = %v; want a missing directory", err)
		}
	})
	t.Run("open directory", func(t *testing.T) {
		dir := shortDir(t)
		accepted := make(chan struct{}, 1)
		serve(t, dir, func(net.Conn) { accepted <- struct{}{} })
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		c, err := Dial(dir)
		if err == nil {
			c.Close()
			t.Fatal("Dial() into a 0755 directory = nil; want an error")
		}
		select {
		case <-accepted:
			t.Error("Dial() connected although it refused the directory")
		case <-time.After(50 * time.Millisecond):
		}
	})
	t.Run("not a socket", func(t *testing.T) {
		dir := shortDir(t)
		if err := os.WriteFile(SocketPath(dir), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if c, err := Dial(dir); err == nil {
			c.Close()
			t.Error("Dial() to a regular file = nil; want an error")
		}
	})
}

func TestCallDeadline(t *testing.T) {
	dir := shortDir(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	read := make(chan error, 1)
	serve(t, dir, func(c net.Conn) {
		var req Request
		read <- Read(c, &req)
		<-release // never answers
	})
	c, err := Dial(dir)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Call(c, &Request{Op: OpStatus}, start.Add(200*time.Millisecond))
	elapsed := time.Since(start)
	if err == nil {
		t.Fatal("Call() to a silent agent = nil; want an error")
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("Call() = %v; want os.ErrDeadlineExceeded", err)
	}
	if elapsed >= time.Second {
		t.Errorf("Call() returned after %v; want about 200ms", elapsed)
	}
	if elapsed < 100*time.Millisecond {
		t.Errorf("Call() returned after %v, before its deadline", elapsed)
	}
	if err := <-read; err != nil {
		t.Errorf("server read the request: %v", err)
	}
}

func TestCallServerHangsUp(t *testing.T) {
	dir := shortDir(t)
	serve(t, dir, func(c net.Conn) {
		var req Request
		Read(c, &req)
		c.Write([]byte(magic + " 000")) // half a header, then close
	})
	c, err := Dial(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Call(c, &Request{Op: OpStatus}, time.Now().Add(5*time.Second)); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("Call() = %v; want io.ErrUnexpectedEOF", err)
	}
}

// A socket path longer than sun_path allows is refused before any
// connect (and so a client never starts an agent that could not bind it).
func TestDialSocketPathTooLong(t *testing.T) {
	dir := filepath.Join(t.TempDir(), strings.Repeat("d", maxSocketPath))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := Dial(dir)
	if err == nil || !strings.Contains(err.Error(), "longer than a Unix socket allows") {
		t.Fatalf("Dial(long dir) = %v; want the path-length error", err)
	}
	if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("the error %v reads as 'no agent listening', which would make clients start one", err)
	}
}

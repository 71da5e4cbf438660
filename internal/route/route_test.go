package route

import (
	"net"
	"strings"
	"testing"
)

func TestHostPort(t *testing.T) {
	tests := []struct {
		in, host, port string
		wantErr        bool
	}{
		{in: "git.example.com", host: "git.example.com"},
		{in: "Git.Example.COM.", host: "git.example.com"},
		{in: "  git.example.com\n", host: "git.example.com"},
		{in: "git.example.com:8443", host: "git.example.com", port: "8443"},
		{in: "git.example.com:08443", host: "git.example.com", port: "8443"},
		{in: "git.example.com:", host: "git.example.com"},
		{in: "https://git.example.com", host: "git.example.com"},
		{in: "https://git.example.com:8443/org/repo.git", host: "git.example.com", port: "8443"},
		{in: "https://user:pw@git.example.com/x", host: "git.example.com"},
		{in: "https://a@b@git.example.com", host: "git.example.com"},
		{in: "HTTPS://GIT.example.com./", host: "git.example.com"},
		{in: "grpcs://cache.example.com/build.bazel.remote.execution.v2.ContentAddressableStorage/FindMissingBlobs", host: "cache.example.com"},
		{in: "https://index.docker.io/v1/", host: "index.docker.io"},
		{in: "ghcr.io/org/repo", host: "ghcr.io"},
		{in: "localhost:5000/org/repo:tag", host: "localhost", port: "5000"},
		{in: "registry.example.com?x=1", host: "registry.example.com"},
		{in: "h.example.com/path?q=https://evil.example.org", host: "h.example.com"},
		{in: "[::1]", host: "::1"},
		{in: "[::1]:8443", host: "::1", port: "8443"},
		{in: "https://[2001:DB8::1]:443/x", host: "2001:db8::1", port: "443"},
		{in: "2001:db8::1", host: "2001:db8::1"},
		{in: "10.0.0.1:80", host: "10.0.0.1", port: "80"},
		{in: "my_registry:5000", host: "my_registry", port: "5000"},

		{in: "", wantErr: true},
		{in: "   ", wantErr: true},
		{in: "https://", wantErr: true},
		{in: "https:///path", wantErr: true},
		{in: "unix:///var/run/docker.sock", wantErr: true},
		{in: "h.example.com:http", wantErr: true},
		{in: "h.example.com:65536", wantErr: true},
		{in: "h.example.com:123456", wantErr: true},
		{in: "a:b:c", wantErr: true},
		{in: "[::1", wantErr: true},
		{in: "[::1]x", wantErr: true},
		{in: "[1.2.3.4]", wantErr: true},
		{in: "[fe80::1%25eth0]", wantErr: true},
		{in: "h..example.com", wantErr: true},
		{in: ".example.com", wantErr: true},
		{in: "*.example.com", wantErr: true},
		{in: "my host", wantErr: true},
		{in: "bücher.example", wantErr: true},
		{in: `https://evil.example.org\@good.example.com`, wantErr: true},
		{in: "https://good.example.com@", wantErr: true},
	}
	for _, tt := range tests {
		host, port, err := HostPort(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("HostPort(%q) = %q, %q, nil; want an error", tt.in, host, port)
			}
			continue
		}
		if err != nil || host != tt.host || port != tt.port {
			t.Errorf("HostPort(%q) = %q, %q, %v; want %q, %q, nil", tt.in, host, port, err, tt.host, tt.port)
		}
	}
}

func TestMatchHost(t *testing.T) {
	// A resource without a scheme is https; a pattern without a port
	// matches only the scheme's default port.
	tests := []struct {
		pattern, resource string
		want              bool
	}{
		{"git.example.com", "git.example.com", true},
		{"git.example.com", "git.example.com:8443", false}, // was true: a pattern without a port served every port
		{"git.example.com", "git.example.com:443", true},
		{"GIT.Example.com", "git.example.com", true},
		{"git.example.com.", "git.example.com", true},
		{"git.example.com", "Git.Example.Com.", true},
		{"git.example.com", "example.com", false},
		{"git.example.com", "xgit.example.com", false},
		{"git.example.com", "git.example.com.evil.org", false},

		{"*.example.com", "a.example.com", true},
		{"*.example.com", "a.b.example.com", true},
		{"*.example.com", "example.com", false},
		{"*.example.com", "badexample.com", false},
		{"*.example.com", "a.example.com.evil.org", false},
		{"*.Example.COM", "a.example.com:443", true},

		{"h.example.com:8443", "h.example.com:8443", true},
		{"h.example.com:8443", "h.example.com:08443", true},
		{"h.example.com:8443", "h.example.com:443", false},
		{"h.example.com:8443", "h.example.com", false},
		{"h.example.com:443", "h.example.com", true},
		{"h.example.com:443", "h.example.com:443", true},
		{"*.example.com:443", "a.example.com", true},
		{"*.example.com:443", "a.example.com:8443", false},

		{"[::1]:8443", "[::1]:8443", true},
		{"[::1]", "[::1]:5000", false}, // was true, as above
		{"[::1]", "[::1]", true},
		{"::1", "[::1]", true},

		// The scheme's default port: 443 for https and grpcs, 80 for http.
		{"git.example.com", "https://git.example.com/x", true},
		{"git.example.com", "https://git.example.com:8443/x", false},
		{"git.example.com:8443", "https://git.example.com:8443/x", true},
		{"cache.example.com", "grpcs://cache.example.com/pkg.S/M", true},
		{"localhost", "http://localhost/x", true},
		{"localhost", "http://localhost:80/x", true},
		{"localhost", "http://localhost:8080/x", false},
		{"localhost:8080", "http://localhost:8080/x", true},
		{"localhost:443", "http://localhost/x", false},
		{"git.example.com", "ftp://git.example.com", false}, // no default port
		{"git.example.com:21", "ftp://git.example.com:21", true},

		{"", "a.example.com", false},
		{"*", "a.example.com", false},
		{"a.*.example.com", "a.b.example.com", false},
		{"https://h.example.com", "h.example.com", false},
	}
	for _, tt := range tests {
		tg, err := ParseTarget(tt.resource)
		if err != nil {
			t.Fatalf("ParseTarget(%q): %v", tt.resource, err)
		}
		if got := MatchHost(tt.pattern, tg); got != tt.want {
			t.Errorf("MatchHost(%q, %+v) = %v; want %v", tt.pattern, tg, got, tt.want)
		}
	}
	if MatchHost("h.example.com:8443", Target{Scheme: "https", Host: "h.example.com", Port: "x"}) {
		t.Errorf("MatchHost matched a port that is no number")
	}
}

func TestValidHostPattern(t *testing.T) {
	good := []string{
		"git.example.com", "Git.Example.com", "git.example.com:8443", "*.example.com",
		"*.example.com:443", "localhost", "10.0.0.1", "[::1]:8443", "my_registry",
	}
	for _, p := range good {
		if err := ValidHostPattern(p); err != nil {
			t.Errorf("ValidHostPattern(%q) = %v; want nil", p, err)
		}
	}
	bad := []string{
		"", " ", "https://git.example.com", "git.example.com/org", "git.example.com?x",
		"user@git.example.com", "git example.com", " git.example.com", "*", "*.", "**.example.com",
		"a.*.example.com", "*example.com", "example.*", "*.*.example.com", "h:port", "h:70000",
		"*.10.0.0.1", "*.[::1]", "[::1", "h..example.com",
	}
	for _, p := range bad {
		if err := ValidHostPattern(p); err == nil {
			t.Errorf("ValidHostPattern(%q) = nil; want an error", p)
		}
	}
}

func FuzzHostPort(f *testing.F) {
	for _, s := range []string{
		"git.example.com", "https://u:p@H.example.com:8443/x?y#z", "[::1]:80", "host/repo",
		"grpcs://c.example.com/a/b", "a:b:c", `x\@y`, "h.example.com.", "*.example.com:443",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		host, port, err := HostPort(s)
		if err != nil {
			return
		}
		if host == "" || strings.ContainsAny(host, "/@\\ \t\r\n") || host != strings.ToLower(host) {
			t.Fatalf("HostPort(%q) = host %q; want a non-empty lowercase host without '/', '@', '\\' or spaces", s, host)
		}
		if strings.HasSuffix(host, ".") {
			t.Fatalf("HostPort(%q) = host %q; want no trailing dot", s, host)
		}
		if port != "" && strings.Trim(port, "0123456789") != "" {
			t.Fatalf("HostPort(%q) = port %q; want digits", s, port)
		}
		// A host always matches itself as an exact pattern, with the
		// port it names (or none: https's default).
		pat := host
		if port != "" {
			pat = net.JoinHostPort(host, port)
		} else if strings.Contains(host, ":") {
			pat = "[" + host + "]"
		}
		tg := Target{Scheme: "https", Host: host, Port: port}
		if port == "" {
			tg.Port = "443"
		}
		if !MatchHost(pat, tg) {
			t.Fatalf("MatchHost(%q, %+v) = false; want true", pat, tg)
		}
	})
}

func TestHostPortErrorHidesUserinfo(t *testing.T) {
	for _, in := range []string{"https://user:pa55word@", "https://user:pa55word@bad host/", `https://user:pa55word@h\x`} {
		if _, _, err := HostPort(in); err == nil || strings.Contains(err.Error(), "pa55word") {
			t.Errorf("HostPort(%q) error = %v; want an error without the password", in, err)
		}
	}
}

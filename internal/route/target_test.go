package route

import "testing"

func TestParseTarget(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Target
	}{
		{"git.example.com", Target{"https", "git.example.com", "443"}},
		{"git.example.com:8443/org", Target{"https", "git.example.com", "8443"}},
		{"localhost:5000/img:tag", Target{"https", "localhost", "5000"}},
		{"https://git.example.com/x", Target{"https", "git.example.com", "443"}},
		{"HTTP://LocalHost/x", Target{"http", "localhost", "80"}},
		{"http://127.0.0.1:8080", Target{"http", "127.0.0.1", "8080"}},
		{"grpcs://c.example.com/pkg.S/M", Target{"grpcs", "c.example.com", "443"}},
		{"ssh://git.example.com", Target{"ssh", "git.example.com", ""}},
		{"h.example.com/x?u=http://other", Target{"https", "h.example.com", "443"}},
	} {
		got, err := ParseTarget(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseTarget(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestTargetServed(t *testing.T) {
	served := []string{
		"git.example.com", "https://git.example.com:8443", "grpcs://c.example.com",
		"http://localhost:8080", "http://localhost.", "http://127.0.0.1", "http://127.1.2.3:80", "http://[::1]:9000",
	}
	refused := []string{
		"http://git.example.com", "http://10.0.0.1", "http://localhost.example.com", "http://[::2]",
		"ftp://git.example.com", "ssh://git.example.com", "git+ssh://git.example.com", "grpc://c.example.com",
		"file://localhost/etc/passwd", "ws://localhost",
	}
	for _, in := range served {
		if tg, err := ParseTarget(in); err != nil || tg.Served() != nil {
			t.Errorf("%q: %v, %v; want it served", in, err, tg.Served())
		}
	}
	for _, in := range refused {
		if tg, err := ParseTarget(in); err != nil || tg.Served() == nil {
			t.Errorf("%q: %v, Served() = nil; want it refused", in, err)
		}
	}
}

// TestTargetHostKey: the registry as store's hint names it (once
// protocol.hostKey, with the same cases).
func TestTargetHostKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"registry.example.com", "registry.example.com"},
		{"https://Registry.Example.com:5000/v2/", "registry.example.com:5000"},
		{"ghcr.io/org/repo", "ghcr.io"},
		{"[::1]:5000", "[::1]:5000"},
		{"[::1]", "[::1]"},
		{"https://index.docker.io/v1/", "index.docker.io"},
		{"registry.example.com:443", "registry.example.com"},
		{"http://localhost:80/v2/", "localhost"},
		{"http://localhost:443", "localhost:443"},
	}
	for _, tt := range tests {
		tg, err := ParseTarget(tt.in)
		if got := tg.HostKey(); err != nil || got != tt.want {
			t.Errorf("ParseTarget(%q).HostKey() = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

package setup

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

func TestSetupGolden(t *testing.T) {
	std := Params{
		Exe:     "/usr/local/bin/camunda-credential-helper",
		Profile: "prod",
		Hosts:   []string{"git.example.com", "*.example.io", "registry.example.com:5000"},
		ShimDir: "/home/me/.local/bin",
	}
	odd := Params{
		Exe:     "/opt/my tools/it's/camunda-credential-helper",
		Hosts:   []string{"docker.io", "*.example.io:443", "[::1]:8443"},
		ShimDir: `C:\Users\me\bin\`,
	}
	missing := odd
	missing.ShimMissing = true
	tests := []struct {
		name, tool string
		p          Params
	}{
		{"git", "git", std},
		{"docker", "docker", std},
		{"kubectl", "kubectl", std},
		{"bazel", "bazel", std},
		{"terraform", "terraform", std},
		{"git-quoting", "git", odd},
		{"docker-hub", "docker", odd},
		{"kubectl-no-profile", "kubectl", odd},
		{"bazel-ports", "bazel", odd},
		{"terraform-windows", "terraform", odd},
		{"docker-shim-missing", "docker", missing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Setup(&b, tt.tool, tt.p); err != nil {
				t.Fatalf("Setup(%q) = %v", tt.tool, err)
			}
			file := filepath.Join("testdata", "golden", tt.name+".golden")
			if *update {
				if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if b.String() != string(want) {
				t.Errorf("Setup(%q) =\n%s\nwant\n%s", tt.tool, b.String(), want)
			}
		})
	}
}

func TestSetupErrors(t *testing.T) {
	ok := Params{Exe: "/bin/x", Hosts: []string{"h.example.com"}, ShimDir: "/bin"}
	tests := []struct {
		tool string
		p    Params
		want string
	}{
		{"vault", ok, "unknown tool"},
		{"git", Params{Hosts: ok.Hosts}, "executable path is required"},
		{"git", Params{Exe: "/bin/x"}, "lists no host patterns"},
		{"docker", Params{}, "lists no host patterns"},
		{"kubectl", Params{}, "executable path is required"},
		{"bazel", Params{Hosts: ok.Hosts}, "shim directory is required"},
		{"terraform", Params{}, "shim directory is required"},
		{"git", Params{Exe: "/bin/x", Hosts: []string{"https://h.example.com"}}, "has a scheme"},
		{"bazel", Params{ShimDir: "/bin", Hosts: []string{"a.*.example.com"}}, "not allowed"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		err := Setup(&b, tt.tool, tt.p)
		if err == nil || !strings.Contains(err.Error(), tt.want) || b.Len() != 0 {
			t.Errorf("Setup(%q, %+v) = %v, wrote %q; want an error containing %q and no output", tt.tool, tt.p, err, b.String(), tt.want)
		}
	}
}

func TestShellQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/usr/bin/x", "/usr/bin/x"},
		{"", "''"},
		{"a b", "'a b'"},
		{"it's", `'it'\''s'`},
		{"credential.https://*.example.io.helper", "'credential.https://*.example.io.helper'"},
		{"$HOME", "'$HOME'"},
	}
	for _, tt := range tests {
		if got := shellQuote(tt.in); got != tt.want {
			t.Errorf("shellQuote(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

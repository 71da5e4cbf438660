package agentwire

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestShimCommand(t *testing.T) {
	tests := []struct {
		argv0 string
		want  string
	}{
		{"camunda-credential-helper", ""},
		{"/usr/local/bin/camunda-credential-helper", ""},
		{"camunda-credential-helper.exe", ""},
		{"git-credential-camunda", "git"},
		{"/usr/lib/git-core/../bin/git-credential-camunda", "git"},
		{"git-credential-camunda.exe", "git"},
		{"docker-credential-camunda", "docker"},
		{"./docker-credential-camunda.exe", "docker"},
		{"bazel-credential-camunda", "bazel"},
		{"terraform-credentials-camunda", "terraform"},
		{"terraform-credentials-camunda_v1.2.3", "terraform"},
		{"/home/u/.terraform.d/plugins/terraform-credentials-camunda_v1.2.3", "terraform"},
		{"terraform-credentials-camunda_v1.2.3.exe", "terraform"},
		{"terraform-credential-camunda", ""}, // singular: not Terraform's name
		{"git-credential-camunda-x", ""},
		{"xgit-credential-camunda", ""},
		{"git-credential-camunda.sh", ""},
		{"GIT-CREDENTIAL-CAMUNDA", ""},
		{"/git-credential-camunda/camunda-credential-helper", ""}, // the directory does not count
		{"", ""},
		{"_vgit", ""},
	}
	for _, tt := range tests {
		if got := ShimCommand(tt.argv0); got != tt.want {
			t.Errorf("ShimCommand(%q) = %q; want %q", tt.argv0, got, tt.want)
		}
	}
}

func TestCommandLine(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"binary name", []string{"camunda-credential-helper", "token"}, []string{"token"}},
		{"binary name, flags kept as they are", []string{"/bin/camunda-credential-helper", "--profile", "x", "get"}, []string{"--profile", "x", "get"}},
		{"binary name, no arguments", []string{"camunda-credential-helper"}, []string{}},
		{"git", []string{"git-credential-camunda", "get"}, []string{"git", "get"}},
		{"git with a path", []string{"/usr/bin/git-credential-camunda", "store"}, []string{"git", "store"}},
		{"docker", []string{"docker-credential-camunda", "get"}, []string{"docker", "get"}},
		{"docker .exe", []string{"docker-credential-camunda.exe", "list"}, []string{"docker", "list"}},
		{"bazel", []string{"bazel-credential-camunda", "get"}, []string{"bazel", "get"}},
		{"terraform versioned", []string{"terraform-credentials-camunda_v1.2.3", "get", "app.terraform.io"},
			[]string{"terraform", "get", "app.terraform.io"}},
		{"terraform versioned .exe", []string{"terraform-credentials-camunda_v1.2.3.exe", "forget", "h"},
			[]string{"terraform", "forget", "h"}},
		{"global flag with a value before the action", []string{"git-credential-camunda", "--profile", "x", "get"},
			[]string{"--profile", "x", "git", "get"}},
		{"several global flags", []string{"docker-credential-camunda", "--config", "/c.toml", "--timeout", "5s", "--profile", "p", "get"},
			[]string{"--config", "/c.toml", "--timeout", "5s", "--profile", "p", "docker", "get"}},
		{"flag=value", []string{"git-credential-camunda", "--profile=x", "get"}, []string{"--profile=x", "git", "get"}},
		{"flag without a value", []string{"bazel-credential-camunda", "--verbose", "get"}, []string{"--verbose", "bazel", "get"}},
		{"value that looks like a command", []string{"git-credential-camunda", "--profile", "get", "erase"},
			[]string{"--profile", "get", "git", "erase"}},
		{"value that looks like a flag", []string{"git-credential-camunda", "--profile", "-x", "get"},
			[]string{"--profile", "-x", "git", "get"}},
		{"shim without arguments", []string{"git-credential-camunda"}, []string{"git"}},
		{"only flags", []string{"git-credential-camunda", "--profile", "x"}, []string{"--profile", "x", "git"}},
		{"-- stops the flags", []string{"docker-credential-camunda", "--", "get"}, []string{"docker", "--", "get"}},
		{"flags after the action stay", []string{"git-credential-camunda", "get", "--profile", "x"},
			[]string{"git", "get", "--profile", "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.args)
			got := CommandLine(in)
			if !reflect.DeepEqual(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("CommandLine(%q) = %q; want %q", tt.args, got, tt.want)
			}
			if !slices.Equal(in, tt.args) {
				t.Errorf("CommandLine changed its argument to %q", in)
			}
		})
	}
	t.Run("value flag missing its value", func(t *testing.T) {
		got := CommandLine([]string{"git-credential-camunda", "--profile"})
		if !slices.Contains(got, "git") || len(got) != 2 {
			t.Errorf("CommandLine = %q; want --profile and git", got)
		}
	})
}

func TestCommandWord(t *testing.T) {
	tests := []struct {
		argv []string
		want int
	}{
		{nil, -1},
		{[]string{"token"}, 0},
		{[]string{"--profile", "p", "token"}, 2},
		{[]string{"--profile=p", "token"}, 1},
		{[]string{"--config", "c", "--timeout", "1s", "git", "get"}, 4},
		{[]string{"--verbose", "token"}, 1},
		{[]string{"--profile"}, -1},
		{[]string{"--profile", "token"}, -1}, // token is the profile's name
		{[]string{"--", "token"}, -1},
		{[]string{"--profile", "--", "token"}, 2}, // "--" is the profile's name
		{[]string{"-h"}, -1},
	}
	for _, tt := range tests {
		if got := CommandWord(tt.argv); got != tt.want {
			t.Errorf("CommandWord(%q) = %d; want %d", tt.argv, got, tt.want)
		}
	}
}

func TestWantsHelp(t *testing.T) {
	tests := []struct {
		argv []string
		want bool
	}{
		{nil, false},
		{[]string{"token"}, false},
		{[]string{"token", "--help"}, true},
		{[]string{"-h"}, true},
		{[]string{"--version"}, true},
		{[]string{"--profile", "p", "git", "get", "-h"}, true},
		{[]string{"token", "--", "--help"}, false},
		{[]string{"--helpful"}, false},
		{[]string{"-help"}, false},
	}
	for _, tt := range tests {
		if got := WantsHelp(tt.argv); got != tt.want {
			t.Errorf("WantsHelp(%q) = %v; want %v", tt.argv, got, tt.want)
		}
	}
}

func TestForwardable(t *testing.T) {
	tests := []struct {
		argv      []string
		wantOK    bool
		wantStdin bool // checked when wantOK
	}{
		{[]string{"token"}, true, false},
		{[]string{"token", "--min-ttl", "5m", "--resource", "https://x"}, true, false},
		{[]string{"--profile", "p", "token", "-f", "raw"}, true, false},
		{[]string{"--config", "/c", "--timeout", "3s", "token"}, true, false},
		{[]string{"token", "--", "--help"}, true, false},
		{[]string{"get"}, true, true},
		{[]string{"--profile", "p", "get"}, true, true},
		{[]string{"kubectl"}, true, false},
		{[]string{"git", "get"}, true, true},
		{[]string{"--profile", "p", "git", "get"}, true, true},
		{[]string{"git", "store"}, false, false},
		{[]string{"git", "erase"}, false, false},
		{[]string{"git"}, false, false},
		{[]string{"docker", "get"}, true, true},
		{[]string{"docker", "list"}, false, false},
		{[]string{"docker", "store"}, false, false},
		{[]string{"docker", "erase"}, false, false},
		{[]string{"docker", "version"}, false, false},
		{[]string{"bazel", "get"}, true, true},
		{[]string{"bazel"}, false, false},
		{[]string{"terraform", "get", "app.terraform.io"}, true, false},
		{[]string{"terraform", "store", "app.terraform.io"}, false, false},
		{[]string{"terraform", "forget", "app.terraform.io"}, false, false},
		{[]string{"login"}, false, false},
		{[]string{"login", "--client-id", "x"}, false, false},
		{[]string{"logout"}, false, false},
		{[]string{"exec", "--", "env"}, false, false},
		{[]string{"exec", "token"}, false, false},
		{[]string{"doctor"}, false, false},
		{[]string{"agent"}, false, false},
		{[]string{"agent", "stop"}, false, false},
		{[]string{"profiles"}, false, false},
		{[]string{"check"}, false, false},
		{[]string{"setup", "git"}, false, false},
		{[]string{"demo"}, false, false},
		{[]string{"completion", "bash"}, false, false},
		{[]string{"Token"}, false, false},
		{[]string{"token", "--help"}, false, false},
		{[]string{"git", "get", "-h"}, false, false},
		{[]string{"--version"}, false, false},
		{[]string{"--version", "token"}, false, false},
		{nil, false, false},
		{[]string{}, false, false},
		{[]string{"--", "token"}, false, false},
		{[]string{"--profile"}, false, false},
		{[]string{"--profile", "token"}, false, false},          // token is the profile
		{[]string{"--profile", "token", "login"}, false, false}, // token is the profile
		{[]string{"--profile=token", "login"}, false, false},
		// A global flag after the protocol's name: the word after it is the
		// flag's value, not the action.
		{[]string{"git", "--profile", "x", "get"}, true, true},
		{[]string{"git", "--profile", "get", "erase"}, false, false},
	}
	for _, tt := range tests {
		ok, stdin := Forwardable(tt.argv)
		if ok != tt.wantOK || (tt.wantOK && stdin != tt.wantStdin) {
			t.Errorf("Forwardable(%q) = %v, %v; want %v, %v", tt.argv, ok, stdin, tt.wantOK, tt.wantStdin)
		}
	}
}

// A shim's command line goes through CommandLine before Forwardable, as the
// fast client and the agent do.
func TestForwardableShims(t *testing.T) {
	tests := []struct {
		args      []string
		wantOK    bool
		wantStdin bool
	}{
		{[]string{"git-credential-camunda", "get"}, true, true},
		{[]string{"git-credential-camunda", "--profile", "x", "get"}, true, true},
		{[]string{"git-credential-camunda", "store"}, false, false},
		{[]string{"git-credential-camunda", "erase"}, false, false},
		{[]string{"docker-credential-camunda.exe", "get"}, true, true},
		{[]string{"docker-credential-camunda", "list"}, false, false},
		{[]string{"bazel-credential-camunda", "get"}, true, true},
		{[]string{"terraform-credentials-camunda_v1.2.3", "get", "app.terraform.io"}, true, false},
		{[]string{"terraform-credentials-camunda_v1.2.3", "store", "app.terraform.io"}, false, false},
		{[]string{"git-credential-camunda", "--help"}, false, false},
		{[]string{"camunda-credential-helper", "token"}, true, false},
		{[]string{"camunda-credential-helper"}, false, false},
	}
	for _, tt := range tests {
		ok, stdin := Forwardable(CommandLine(tt.args))
		if ok != tt.wantOK || (tt.wantOK && stdin != tt.wantStdin) {
			t.Errorf("Forwardable(CommandLine(%q)) = %v, %v; want %v, %v", tt.args, ok, stdin, tt.wantOK, tt.wantStdin)
		}
	}
}

// Kong accepts global flags after a command, so in `git --profile get
// erase` the word "get" is the profile and the action kong runs is erase:
// Forwardable must skip flag values, or the agent would run a command that
// changes things (git erase, terraform forget, docker store with the
// caller's stdin).
func TestForwardableValueFlagAfterCommand(t *testing.T) {
	var bad []string
	for _, argv := range [][]string{
		{"git", "--profile", "get", "erase"},
		{"git", "--config", "get", "store"},
		{"docker", "--profile", "get", "store"},
		{"docker", "--profile", "get", "erase"},
		{"terraform", "--profile", "get", "forget", "app.terraform.io"},
		{"terraform", "--config", "get", "store", "app.terraform.io"},
	} {
		if ok, _ := Forwardable(argv); ok {
			bad = append(bad, strings.Join(argv, " "))
		}
	}
	if len(bad) > 0 {
		t.Errorf("Forwardable accepts command lines whose action is not get: %q", bad)
	}
}

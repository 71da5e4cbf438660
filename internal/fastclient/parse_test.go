package fastclient

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// The command lines the fast client answers itself, and those it leaves to
// the full binary (which then answers them exactly as it always does).
func TestParse(t *testing.T) {
	for _, tc := range []struct {
		argv string
		ok   bool
		want call
	}{
		{"token", true, call{command: "token", format: "json"}},
		{"token --format raw", true, call{command: "token", format: "raw"}},
		{"token -f=header --min-ttl 5m --force-refresh", true, call{command: "token", format: "header", minTTL: 5 * time.Minute, forceRefresh: true}},
		{"--profile p token --format=raw", true, call{command: "token", format: "raw", profile: "p", profileSet: true}},
		{"token --profile=p", true, call{command: "token", format: "json", profile: "p", profileSet: true}},
		{"--config /etc/x.toml --timeout 3s get", true, call{command: "get", format: "json", config: "/etc/x.toml", timeout: 3 * time.Second}},
		{"git get", true, call{command: "git", format: "json"}},
		{"--profile p git get", true, call{command: "git", format: "json", profile: "p", profileSet: true}},
		{"docker get", true, call{command: "docker", format: "json"}},
		{"bazel get", true, call{command: "bazel", format: "json"}},
		{"terraform get h.example", true, call{command: "terraform", format: "json", args: []string{"h.example"}}},
		{"kubectl", true, call{command: "kubectl", format: "json"}},

		{"", false, call{}},
		{"token --format bogus", false, call{}},
		{"token --help", false, call{}},
		{"--version", false, call{}},
		{"token extra", false, call{}},
		{"git erase", false, call{}},
		{"git store", false, call{}},
		{"docker list", false, call{}},
		{"terraform forget h", false, call{}},
		{"terraform get", false, call{}},
		{"terraform", false, call{}},
		{"login --client-id x", false, call{}},
		{"logout", false, call{}},
		{"exec -- true", false, call{}},
		{"--config rel.toml token", false, call{}},
		{"--timeout soon token", false, call{}},
		{"--profile", false, call{}},
		{"git get --format raw", false, call{}},
		{"token --force-refresh=false", false, call{}},
		{"--verbose token", false, call{}},
		{"git get --verbose", false, call{}},
	} {
		got, ok := parse(strings.Fields(tc.argv))
		if ok != tc.ok {
			t.Errorf("parse(%q) ok = %v; want %v", tc.argv, ok, tc.ok)
			continue
		}
		if ok && (got.command != tc.want.command || got.format != tc.want.format || got.profile != tc.want.profile ||
			got.profileSet != tc.want.profileSet || got.config != tc.want.config || got.timeout != tc.want.timeout ||
			got.minTTL != tc.want.minTTL || got.forceRefresh != tc.want.forceRefresh || !slices.Equal(got.args, tc.want.args)) {
			t.Errorf("parse(%q) = %+v; want %+v", tc.argv, got, tc.want)
		}
	}
}

// A call that asks for the trace goes to the full binary, which traces
// every decision on the token path; the fast client has no trace. So does
// a shell's completion request, which the command line answers.
func TestDebugGoesToFullBinary(t *testing.T) {
	for _, n := range []string{"CAMUNDA_CREDENTIAL_HELPER_AGENT", "CAMUNDA_CONSOLE_CLIENT_ID", "CAMUNDA_CONSOLE_CLIENT_SECRET", trace.EnvDebug, "COMP_LINE"} {
		t.Setenv(n, "")
		os.Unsetenv(n)
	}
	if !served() && agentwire.Supported {
		t.Fatal("served() = false in a clean environment")
	}
	for _, n := range []string{trace.EnvDebug, "COMP_LINE"} {
		t.Run(n, func(t *testing.T) {
			t.Setenv(n, "1")
			if served() {
				t.Errorf("served() with %s set = true; want the call handed to the full binary", n)
			}
		})
	}
}

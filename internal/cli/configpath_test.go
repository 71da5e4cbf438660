package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// CAMUNDA_CREDENTIAL_HELPER_CONFIG must be absolute: git and the others run
// the helper inside whatever directory the user is in (a cloned repository,
// say), so a relative value would pick the config up from there. ~/ is the
// home directory; --config, typed by the user, may be relative.
func TestConfigPathFromEnvironment(t *testing.T) {
	home, cwd := t.TempDir(), t.TempDir()
	for _, tt := range []struct {
		name     string
		env      string
		args     []string
		wantCode int
		want     string // on stderr
	}{
		{name: "relative", env: "config.toml", wantCode: 2, want: "CAMUNDA_CREDENTIAL_HELPER_CONFIG=config.toml is not an absolute path"},
		{name: "dot relative", env: "./sub/config.toml", wantCode: 2, want: "is not an absolute path"},
		{name: "home", env: "~/cch.toml", want: "No profiles in " + filepath.Join(home, "cch.toml")},
		{name: "absolute", env: filepath.Join(home, "abs.toml"), want: "No profiles in " + filepath.Join(home, "abs.toml")},
		{name: "--config relative", env: "config.toml", args: []string{"--config", "mine.toml"}, want: "No profiles in " + filepath.Join(cwd, "mine.toml")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"HOME": home, "CAMUNDA_CREDENTIAL_HELPER_CONFIG": tt.env, "CAMUNDA_CREDENTIAL_HELPER_AGENT": "off"}
			var stdout, stderr bytes.Buffer
			e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, cwd: cwd,
				lookup: func(k string) (string, bool) { v, ok := vars[k]; return v, ok }}
			args := append(append([]string{name}, tt.args...), "profiles")
			if code := run(context.Background(), args, e); code != tt.wantCode || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr.String(), tt.wantCode, tt.want)
			}
		})
	}
}

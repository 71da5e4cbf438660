package protocol_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

// TestNoUserinfoInOutput: whatever a caller puts in a URL's userinfo, no
// adapter prints it, on success or failure.
func TestNoUserinfoInOutput(t *testing.T) {
	const canary = "hunter2"
	resources := []string{
		"https://bob:hunter2@git.example.com/x",
		"https://bob:hunter2/x@git.example.com",
		"https://bob:hunter2/x@bad host",
		"http://bob:hunter2@other.example.net",
		"bob:hunter2@other.example.net",
		"bob:hunter2/x@other.example.net",
		"https://bob:hunter2?x@git.example.com",
		"https://bob:hunter2@",
		`https://bob:hunter2@h\x`,
		"ftp://bob:hunter2@git.example.com",
	}
	type run struct {
		name  string
		stdin string
		call  func(context.Context, *recorder, protocol.Stdio) int
	}
	var runs []run
	for _, r := range resources {
		q := strings.ReplaceAll(strings.ReplaceAll(r, `\`, `\\`), `"`, `\"`)
		proto, host, _ := strings.Cut(r, "://")
		runs = append(runs,
			run{"git get", "protocol=" + proto + "\nhost=" + host + "\n", func(ctx context.Context, f *recorder, s protocol.Stdio) int { return protocol.Git(ctx, f, "get", s) }},
			run{"git get", "protocol=" + r + "\nhost=git.example.com\n", func(ctx context.Context, f *recorder, s protocol.Stdio) int { return protocol.Git(ctx, f, "get", s) }},
			run{"git erase", "protocol=https\nhost=" + host + "\n", func(ctx context.Context, f *recorder, s protocol.Stdio) int { return protocol.Git(ctx, f, "erase", s) }},
			run{"docker get", r, func(ctx context.Context, f *recorder, s protocol.Stdio) int { return protocol.Docker(ctx, f, "get", s) }},
			run{"docker erase", r, func(ctx context.Context, f *recorder, s protocol.Stdio) int {
				return protocol.Docker(ctx, f, "erase", s)
			}},
			run{"docker store", `{"ServerURL":"` + q + `","Username":"u","Secret":"s"}`, func(ctx context.Context, f *recorder, s protocol.Stdio) int {
				return protocol.Docker(ctx, f, "store", s)
			}},
			run{"bazel get", `{"uri":"` + q + `"}`, func(ctx context.Context, f *recorder, s protocol.Stdio) int { return protocol.Bazel(ctx, f, "get", s) }},
			run{"get", r, func(ctx context.Context, f *recorder, s protocol.Stdio) int { return protocol.Get(ctx, f, s) }},
			run{"get json", `{"url":"` + q + `"}`, func(ctx context.Context, f *recorder, s protocol.Stdio) int { return protocol.Get(ctx, f, s) }},
			run{"terraform get", "", func(ctx context.Context, f *recorder, s protocol.Stdio) int {
				return protocol.Terraform(ctx, f, "get", []string{r}, s)
			}},
			run{"terraform forget", "", func(ctx context.Context, f *recorder, s protocol.Stdio) int {
				return protocol.Terraform(ctx, f, "forget", []string{r}, s)
			}},
		)
	}
	for _, r := range runs {
		var stdout, stderr bytes.Buffer
		code := r.call(context.Background(), newWorld(t).source(), protocol.Stdio{In: strings.NewReader(r.stdin), Out: &stdout, Err: &stderr})
		out := stdout.String() + stderr.String()
		if code == 0 && r.name == "docker get" {
			out = stderr.String() // the answer echoes docker's own ServerURL, as the protocol asks
		}
		if strings.Contains(out, canary) {
			t.Errorf("%s with %q printed the password: %q", r.name, r.stdin, out)
		}
	}
}

package tools

import (
	"slices"
	"testing"
)

func TestArgs(t *testing.T) {
	for _, tc := range []struct {
		args, want []string
	}{
		{[]string{"/usr/bin/camunda-credential-helper", "git", "get"}, []string{"git", "get"}},
		{[]string{"/usr/bin/git-credential-camunda", "get"}, []string{"git", "get"}},
		{[]string{"git-credential-camunda", "--profile", "x", "get"}, []string{"git", "--profile", "x", "get"}},
		{[]string{"C:/bin/docker-credential-camunda.exe", "list"}, []string{"docker", "list"}},
		{[]string{"terraform-credentials-camunda_v1.2.3", "get", "h"}, []string{"terraform", "get", "h"}},
		{[]string{"bazel-credential-camunda"}, []string{"bazel"}},
		{[]string{"kubectl-credential-camunda", "x"}, []string{"x"}},
	} {
		if got := Args(tc.args); !slices.Equal(got, tc.want) {
			t.Errorf("Args(%q) = %q; want %q", tc.args, got, tc.want)
		}
	}
}

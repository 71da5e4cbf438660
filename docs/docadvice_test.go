package docs

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocsKeepTokensOffArgv holds our own advice to what we ask of users:
// no example in README.md or docs/*.md puts a token on a command line,
// where ps shows it to every local user. Caught: a command substitution
// of "token" that becomes an argument (anything but an assignment such as
// TOKEN=$(...)), a Bearer header built from a variable, and a header
// argument built by command substitution.
func TestDocsKeepTokensOffArgv(t *testing.T) {
	pages, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	pages = append([]string{"README.md"}, pages...)
	for _, page := range pages {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if why := tokenInArgv(line); why != "" {
				t.Errorf("%s:%d: %s: %s", page, i+1, why, strings.TrimSpace(line))
			}
		}
	}
}

var (
	substToken  = regexp.MustCompile("(\\$\\(|`)\\s*camunda-credential-helper(-fast)?\\s+(--?\\S+(\\s+[^-\\s]\\S*)?\\s+)*token\\b")
	assignment  = regexp.MustCompile(`^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_]*=$`)
	bearerVar   = regexp.MustCompile(`Bearer\s+\$`)
	headerSubst = regexp.MustCompile(`(-H|--header)\s*["']?\$\(`)
)

// tokenInArgv says why line would put a token in argv, or "".
func tokenInArgv(line string) string {
	for _, m := range substToken.FindAllStringIndex(line, -1) {
		if !assignment.MatchString(line[:m[0]]) {
			return "the token command's output becomes an argument"
		}
	}
	switch {
	case bearerVar.MatchString(line):
		return "a Bearer header from a variable is an argument"
	case headerSubst.MatchString(line):
		return "a header built by command substitution is an argument"
	}
	return ""
}

// TestTokenInArgv: the patterns catch the advice this project once gave.
func TestTokenInArgv(t *testing.T) {
	for line, bad := range map[string]bool{
		`curl -H "$(camunda-credential-helper token --format header)" "$URL"`:         true,
		`curl -H "Authorization: Bearer $(camunda-credential-helper token -f raw)" x`: true,
		`curl -H "Authorization: Bearer $TOKEN" "$URL"`:                               true,
		"zbctl --token `camunda-credential-helper --profile p token -f raw`":          true,
		`curl -H @<(camunda-credential-helper token --format header) "$URL"`:          false,
		`camunda-credential-helper token --format curl | curl -K - "$URL"`:            false,
		`TOKEN=$(camunda-credential-helper token --format raw --min-ttl 5m)`:          false,
		`export TOKEN=$(camunda-credential-helper token -f raw)`:                      false,
	} {
		if got := tokenInArgv(line) != ""; got != bad {
			t.Errorf("tokenInArgv(%q) = %v, want %v", line, got, bad)
		}
	}
}

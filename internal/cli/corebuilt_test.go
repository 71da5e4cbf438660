package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOneCoreConstructor: newCore (client.go) is the one place a core is
// built, for calls, the agent and the demo alike; no other non-test code
// writes a helper.Core literal of its own.
func TestOneCoreConstructor(t *testing.T) {
	root := filepath.Join("..", "..")
	literal := regexp.MustCompile(`helper\.Core\{|[^.\w]Core\{`)
	found := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if !literal.MatchString(line) || strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			rel, _ := filepath.Rel(root, path)
			if filepath.ToSlash(rel) == "internal/cli/client.go" {
				found++
				continue
			}
			t.Errorf("%s:%d builds a core of its own: use newCore (internal/cli/client.go)", rel, i+1)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found != 1 {
		t.Errorf("client.go builds %d core(s); want newCore's one", found)
	}
}

// TestCoreCarriesNoCommandLines: the core and what it stands on say what
// is missing (credential.Error's facts, a Finding's Then); the command
// lines are made at the edge (protocol.Explain, doctor), in the program's
// name, so no message below the edge writes one.
func TestCoreCarriesNoCommandLines(t *testing.T) {
	command := regexp.MustCompile(`"[^"\n]*camunda-credential-helper (--|login|logout|token|agent)`)
	for _, dir := range []string{"helper", "internal/config", "internal/tokencache", "internal/credential", "keystore"} {
		files, err := filepath.Glob(filepath.Join("..", "..", dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no Go files (%v)", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(b), "\n") {
				if command.MatchString(line) {
					t.Errorf("%s:%d writes a command line: %s", filepath.ToSlash(f), i+1, strings.TrimSpace(line))
				}
			}
		}
	}
}

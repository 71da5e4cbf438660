// Package docs holds no code: its tests hold the README and the pages here
// to what the code does (links, documented test commands, advice that keeps
// tokens off argv, the README's length).
package docs

import (
	"os"
	"testing"
)

// TestMain runs the tests from the repository root, where the pages' paths start.
func TestMain(m *testing.M) {
	if err := os.Chdir(".."); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// maxReadmeLines keeps the README a guide; reference goes to docs/.
const maxReadmeLines = 300

func TestReadmeIsAGuide(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	if n > maxReadmeLines {
		t.Errorf("README.md has %d lines; keep it a guide of at most %d and move reference to docs/", n, maxReadmeLines)
	}
}

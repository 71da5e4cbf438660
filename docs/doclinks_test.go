package docs

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocLinks checks that every relative link in README.md and docs/*.md
// names an existing file and, with a #fragment, one of its headings (as
// GitHub turns a heading into an anchor).
func TestDocLinks(t *testing.T) {
	pages, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	pages = append([]string{"README.md"}, pages...)
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	scheme := regexp.MustCompile(`^[a-z]+:`)
	for _, page := range pages {
		for i, line := range proseLines(t, page) {
			for _, m := range link.FindAllStringSubmatch(line, -1) {
				target := m[1]
				if scheme.MatchString(target) {
					continue // http:, https:, mailto:
				}
				file, frag, _ := strings.Cut(target, "#")
				dest := page
				if file != "" {
					dest = filepath.Join(filepath.Dir(page), file)
				}
				if _, err := os.Stat(dest); err != nil {
					t.Errorf("%s:%d: link %s: no file %s", page, i+1, target, dest)
					continue
				}
				if frag != "" && !headingAnchors(t, dest)[frag] {
					t.Errorf("%s:%d: link %s: no heading for #%s in %s", page, i+1, target, frag, dest)
				}
			}
		}
	}
}

// proseLines returns a Markdown file's lines with those inside ``` fences
// blanked, keeping line numbers.
func proseLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	fenced := false
	for i, l := range lines {
		if strings.HasPrefix(l, "```") {
			fenced = !fenced
			lines[i] = ""
		} else if fenced {
			lines[i] = ""
		}
	}
	return lines
}

// headingAnchors returns the anchors GitHub derives from a file's headings:
// lower case, punctuation other than - and _ dropped, spaces made hyphens.
func headingAnchors(t *testing.T, path string) map[string]bool {
	heading := regexp.MustCompile(`^#{1,6} (.*)`)
	drop := regexp.MustCompile(`[^\p{L}\p{N}_\- ]`)
	anchors := map[string]bool{}
	for _, l := range proseLines(t, path) {
		if m := heading.FindStringSubmatch(l); m != nil {
			a := drop.ReplaceAllString(strings.ToLower(strings.TrimSpace(m[1])), "")
			anchors[strings.ReplaceAll(a, " ", "-")] = true
		}
	}
	return anchors
}

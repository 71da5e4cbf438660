package docs

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocCommands checks every `go test` command in README.md and
// docs/*.md against the code: each package it names exists and has tests,
// and each -run or -bench pattern selects a test, benchmark or fuzz target
// there (for TestScript/NAME, a script in testdata/script too). A command
// that would run nothing ("no tests to run") fails here.
func TestDocCommands(t *testing.T) {
	pages, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	pages = append([]string{"README.md"}, pages...)
	n := 0
	for _, page := range pages {
		for _, cmd := range goTestCommands(t, page) {
			n++
			checkGoTest(t, page, cmd)
		}
	}
	if n == 0 {
		t.Fatal("no go test command found in the docs: the test checks nothing")
	}
}

// goTestCommands returns the `go test ...` commands of a Markdown file: in
// inline code (which may wrap over lines) and in fenced blocks.
func goTestCommands(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var prose, cmds []string
	fenced := false
	for _, l := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(l, "```"):
			fenced = !fenced
		case fenced:
			if _, c, ok := strings.Cut(l, "go test "); ok {
				c, _, _ = strings.Cut(c, "#")
				cmds = append(cmds, strings.TrimSpace(c))
			}
		default:
			prose = append(prose, l)
		}
	}
	inline := regexp.MustCompile("`([^`]*)`")
	for _, m := range inline.FindAllStringSubmatch(strings.Join(prose, "\n"), -1) {
		if _, c, ok := strings.Cut(strings.ReplaceAll(m[1], "\n", " "), "go test "); ok {
			cmds = append(cmds, strings.TrimSpace(c))
		}
	}
	return cmds
}

// checkGoTest checks one command's arguments (after "go test").
func checkGoTest(t *testing.T, page, cmd string) {
	var run, bench string
	var pkgs []string
	args := strings.Fields(strings.ReplaceAll(cmd, "'", ""))
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-run" || a == "-bench":
			if i+1 == len(args) {
				t.Errorf("%s: go test %s: %s without a pattern", page, cmd, a)
				return
			}
			if a == "-run" {
				run = args[i+1]
			} else {
				bench = args[i+1]
			}
			i++
		case a == "-count" || a == "-cpuprofile" || a == "-memprofile" || a == "-timeout" || a == "-benchtime":
			i++
		case strings.HasPrefix(a, "./"):
			pkgs = append(pkgs, a)
		}
	}
	if len(pkgs) == 0 {
		t.Errorf("%s: go test %s: names no package (./...)", page, cmd)
		return
	}
	for _, pkg := range pkgs {
		if strings.HasSuffix(pkg, "/...") {
			continue
		}
		funcs, ok := testFuncs(t, pkg)
		if !ok {
			t.Errorf("%s: go test %s: %s has no tests", page, cmd, pkg)
			continue
		}
		if run != "" && run != "^$" && !selects(t, pkg, run, funcs, "Test", "Fuzz", "Example") {
			t.Errorf("%s: go test %s: -run %s selects no test in %s", page, cmd, run, pkg)
		}
		if bench != "" && !selects(t, pkg, bench, funcs, "Benchmark") {
			t.Errorf("%s: go test %s: -bench %s selects no benchmark in %s", page, cmd, bench, pkg)
		}
	}
}

// testFuncs lists the test, benchmark, fuzz and example functions of the
// package in dir.
func testFuncs(t *testing.T, dir string) ([]string, bool) {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil || len(files) == 0 {
		return nil, false
	}
	decl := regexp.MustCompile(`(?m)^func ((?:Test|Benchmark|Fuzz|Example)\w*)\(`)
	var funcs []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range decl.FindAllStringSubmatch(string(b), -1) {
			funcs = append(funcs, m[1])
		}
	}
	return funcs, len(funcs) > 0
}

// selects reports whether pattern, as go test splits it at "/", selects a
// function with one of the prefixes; for TestScript, a sub-pattern must
// select a script of the package's testdata/script as well.
func selects(t *testing.T, dir, pattern string, funcs []string, prefixes ...string) bool {
	top, sub, _ := strings.Cut(pattern, "/")
	re, err := regexp.Compile(top)
	if err != nil {
		t.Errorf("pattern %q: %v", pattern, err)
		return false
	}
	for _, f := range funcs {
		for _, p := range prefixes {
			if !strings.HasPrefix(f, p) || !re.MatchString(f) {
				continue
			}
			if f != "TestScript" || sub == "" {
				return true
			}
			subRE, err := regexp.Compile(sub)
			if err != nil {
				t.Errorf("pattern %q: %v", pattern, err)
				return false
			}
			scripts, _ := filepath.Glob(filepath.Join(dir, "testdata", "script", "*.txtar"))
			for _, s := range scripts {
				if subRE.MatchString(strings.TrimSuffix(filepath.Base(s), ".txtar")) {
					return true
				}
			}
		}
	}
	return false
}

package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNamesLiveOnce checks that the program's name and the variables that
// carry a client secret are each written once in the code (tools.Name,
// credential.EnvClientSecret and envfile's table of Camunda's generations of
// names): a copy would drift, and a list of secret variables that misses
// one lets exec hand a secret to its command.
func TestNamesLiveOnce(t *testing.T) {
	once := map[string][]string{} // literal -> where it is written
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if _, imp := n.(*ast.ImportSpec); imp {
				return false
			}
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			v, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			for _, w := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '"' || r == '=' || r == '`' }) {
				if strings.HasPrefix(w, "github.com/") {
					continue // the module's path, not the program's name
				}
				if strings.Contains(w, "camunda-credential-helper") || strings.HasSuffix(w, "_CLIENT_SECRET") {
					once[w] = append(once[w], fset.Position(lit.Pos()).String())
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(once["camunda-credential-helper"]) == 0 {
		t.Fatal("the program's name is written nowhere: is the test looking at the right files?")
	}
	for w, at := range once {
		if len(at) > 1 {
			t.Errorf("%q is written %d times (%s): name it once and refer to that", w, len(at), strings.Join(at, ", "))
		}
	}
}

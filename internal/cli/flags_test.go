package cli

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/kong"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/fastclient"
)

// TestEveryFlagParses walks kong's model of the whole command tree and parses
// each flag of each command through the real command line with a valid
// value, so that a flag whose tags kong cannot apply (as `type:"existingfile"`
// on a *string once was) fails here, and a new flag is covered without
// editing this test.
func TestEveryFlagParses(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file.pem")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard,
		lookup: func(string) (string, bool) { return "", false }, cwd: dir}
	model := func() *kong.Kong {
		var c cli
		k, err := newParser(&c, "", e, func(int) {})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	n := 0
	var walk func(node *kong.Node, path []string)
	walk = func(node *kong.Node, path []string) {
		if node.Type == kong.CommandNode {
			path = append(path, node.Name)
		}
		if len(node.Children) > 0 {
			for _, child := range node.Children {
				walk(child, path)
			}
			return
		}
		var args []string
		for _, p := range node.Positional {
			if p.Required {
				args = append(args, validValue(t, p, file, dir))
			}
		}
		flags := append([]*kong.Flag(nil), node.Flags...)
		for parent := node.Parent; parent != nil; parent = parent.Parent {
			flags = append(flags, parent.Flags...)
		}
		for _, f := range flags {
			if f.Name == "help" || f.Name == "version" {
				continue
			}
			argv := append([]string(nil), path...)
			if f.IsBool() {
				argv = append(argv, "--"+f.Name)
			} else {
				argv = append(argv, "--"+f.Name+"="+validValue(t, f.Value, file, dir))
			}
			argv = append(argv, args...)
			if _, err := model().Parse(argv); err != nil {
				t.Errorf("%s: %v", strings.Join(argv, " "), err)
			}
			n++
		}
	}
	walk(model().Model.Node, nil)
	if n < 40 {
		t.Fatalf("parsed only %d flags: the walk missed the tree", n)
	}
}

// validValue is a value the flag or argument accepts, from its enum, kong
// type or Go type.
func validValue(t *testing.T, v *kong.Value, file, dir string) string {
	if v.Enum != "" {
		for _, s := range v.EnumSlice() {
			if s != "" {
				return s
			}
		}
	}
	switch v.Tag.Type {
	case "existingfile":
		return file
	case "existingdir", "path":
		return dir
	}
	typ := v.Target.Type()
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
		typ = typ.Elem()
	}
	switch {
	case typ == reflect.TypeFor[time.Duration]():
		return "5s"
	case typ.Kind() == reflect.String:
		return "x"
	case typ.Kind() >= reflect.Int && typ.Kind() <= reflect.Uint64:
		return "3"
	}
	t.Fatalf("--%s: no valid value known for %s: teach validValue", v.Name, typ)
	return ""
}

// TestFastClientKnowsGlobalFlags: the fast client parses the command lines
// it answers itself, global flags included; a global flag that takes a
// value and that it did not know would make it misread the command line.
func TestFastClientKnowsGlobalFlags(t *testing.T) {
	if len(globalValueFlags) == 0 {
		t.Fatal("no global flags that take a value: globalValueFlags misreads the cli struct")
	}
	for _, f := range globalValueFlags {
		if !fastclient.TakesValue(f) {
			t.Errorf("the fast client does not know that %s takes a value", f)
		}
	}
}

package importer

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestScrubC8ctlGolden: c8ctl's own layout (JSON.stringify(..., null, 2))
// loses the two clientSecret lines and nothing else.
func TestScrubC8ctlGolden(t *testing.T) {
	in := readFixture(t, "c8ctl-profiles.json")
	out, done, err := ScrubC8ctl(in, []string{"saas", "self-managed", "local-basic", "missing"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"saas", "self-managed"}; !slices.Equal(done, want) {
		t.Errorf("scrubbed %q; want %q", done, want)
	}
	want := readFixture(t, "c8ctl-profiles.scrubbed.json")
	if !bytes.Equal(out, want) {
		t.Errorf("scrubbed file:\n%s\nwant:\n%s", out, want)
	}
	// only the named ones
	out, done, err = ScrubC8ctl(in, []string{"self-managed"})
	if err != nil || !slices.Equal(done, []string{"self-managed"}) || !bytes.Contains(out, []byte("saas-s3cr3t-c8ctl")) || bytes.Contains(out, []byte("sm-s3cr3t")) {
		t.Errorf("scrubbing one profile: done %q, err %v", done, err)
	}
}

// TestScrubImported: a secret that changed in the file since the import
// (c8ctl wrote a new one) is not the keychain's and stays.
func TestScrubImported(t *testing.T) {
	in := []byte(`{"profiles":[{"name":"a","clientSecret":"new"},{"name":"b","clientSecret":"same"}]}`)
	out, done, err := ScrubImported(in, []Entry{{Source: "a", Secret: "old"}, {Source: "b", Secret: "same"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"profiles":[{"name":"a","clientSecret":"new"},{"name":"b"}]}`; string(out) != want || !slices.Equal(done, []string{"b"}) {
		t.Errorf("got %s (scrubbed %q); want %s", out, done, want)
	}
}

// TestScrubKeepsEveryOtherMember: whatever the layout and wherever the
// secret sits, every other member of every profile keeps its bytes and
// its order, and the top level is untouched.
func TestScrubKeepsEveryOtherMember(t *testing.T) {
	layouts := map[string]string{
		"last":       `{"profiles":[{"name":"a","clientId":"i","clientSecret":"s3cr3t"}]}`,
		"first":      `{"profiles":[{"clientSecret":"s3cr3t","name":"a","clientId":"i"}]}`,
		"middle":     `{"profiles":[{"name":"a","clientSecret":"s3cr3t","clientId":"i"}]}`,
		"name too":   `{"profiles":[{"clientSecret":"s3cr3t","name":"a"}]}`,
		"nameless":   `{"profiles":[{"clientSecret":"other"},{"name":"a","clientSecret":"s3cr3t"}]}`,
		"4 spaces":   "{\n    \"profiles\": [\n        {\n            \"name\": \"a\",\n            \"clientSecret\": \"s3cr3t\",\n            \"x\": {\"nested\": [1, 2.50, \"\\u00e9\"]}\n        }\n    ],\n    \"other\": true\n}\n",
		"crlf tabs":  "{\r\n\t\"profiles\": [\r\n\t\t{\r\n\t\t\t\"name\": \"a\",\r\n\t\t\t\"clientSecret\": \"s3cr3t\"\r\n\t\t}\r\n\t]\r\n}",
		"two named":  `{"version":2,"profiles":[{"name":"b","clientSecret":"keep"},{"name":"a","clientSecret":"s3cr3t","scope":"x y"}],"after":{"a":1}}`,
		"escaped":    `{"profiles":[{"name":"a","clientSecret":"s3\"cr3t\\","audience":"\u003c\u003e"}]}`,
		"empty list": `{"profiles":[]}`,
	}
	for name, in := range layouts {
		t.Run(name, func(t *testing.T) {
			out, done, err := ScrubC8ctl([]byte(in), []string{"a"})
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(out) {
				t.Fatalf("not JSON: %s", out)
			}
			if strings.Contains(string(out), "s3cr3t") || strings.Contains(string(out), `s3\"cr3t`) {
				t.Fatalf("the secret is still there: %s", out)
			}
			if name == "two named" && !strings.Contains(string(out), `"clientSecret":"keep"`) {
				t.Errorf("another profile's secret went: %s", out)
			}
			if (name == "empty list") != (len(done) == 0) {
				t.Errorf("done = %q", done)
			}
			before, after := members(t, []byte(in)), members(t, out)
			var want []string
			for _, m := range before {
				if !strings.HasPrefix(m, "a/clientSecret=") {
					want = append(want, m)
				}
			}
			if !slices.Equal(after, want) {
				t.Errorf("members after scrubbing:\n%q\nwant\n%q", after, want)
			}
			// Outside the profiles nothing moved: the text before the first
			// profile and after the last is the same.
			if i := strings.Index(in, "["); i >= 0 && string(out[:i]) != in[:i] {
				t.Errorf("the text before the profiles changed")
			}
			if j := strings.LastIndex(in, "]"); j >= 0 && !strings.HasSuffix(string(out), in[j:]) {
				t.Errorf("the text after the profiles changed")
			}
		})
	}
}

// members lists each profile's members as "name/key=raw value bytes", in
// order, from the file's own bytes.
func members(t *testing.T, b []byte) []string {
	t.Helper()
	ps, err := c8ctlObjects(b)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		for _, m := range p.members {
			out = append(out, p.name+"/"+m.key+"="+string(b[m.start:m.end]))
		}
	}
	return out
}

func TestReplaceKeepsMode(t *testing.T) {
	for _, mode := range []os.FileMode{0o644, 0o600, 0o640} {
		path := filepath.Join(t.TempDir(), "profiles.json")
		if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil { // past the umask
			t.Fatal(err)
		}
		if err := Replace(path, []byte("new")); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(path); string(b) != "new" || fi.Mode().Perm() != mode {
			t.Errorf("after Replace: %q, mode %v; want \"new\", %v", b, fi.Mode().Perm(), mode)
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp")); len(left) > 0 {
			t.Errorf("temporary files left: %q", left)
		}
	}
}

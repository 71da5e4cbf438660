package envfile

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
)

func TestParseEnvFile(t *testing.T) {
	tests := []struct {
		name string
		text string
		want map[string]string
	}{
		{name: "console download", text: "export CAMUNDA_CONSOLE_CLIENT_ID='cid'\nexport CAMUNDA_CONSOLE_CLIENT_SECRET='s3 cr\"3t'\n",
			want: map[string]string{"CAMUNDA_CONSOLE_CLIENT_ID": "cid", "CAMUNDA_CONSOLE_CLIENT_SECRET": `s3 cr"3t`}},
		{name: "single quotes are literal", text: `A='a\nb $HOME \'` + "\n", want: map[string]string{"A": `a\nb $HOME \`}},
		{name: "no export, no quotes", text: "A=abc\nB=def \n", want: map[string]string{"A": "abc", "B": "def"}},
		{name: "bare value with spaces", text: "A=a b  c\n", want: map[string]string{"A": "a b  c"}},
		{name: "bare value keeps = and #", text: "A=b=c#d\n", want: map[string]string{"A": "b=c#d"}},
		{name: "bare value ends at an unquoted comment", text: "A=abc # comment 'x'\n", want: map[string]string{"A": "abc"}},
		{name: "comment after a quote", text: "A='abc' # comment\nB=\"def\"\t# c\n", want: map[string]string{"A": "abc", "B": "def"}},
		{name: "double quote escapes", text: `A="q\" b\\ d\$ t\` + "`" + ` n\n x\y"` + "\n", want: map[string]string{"A": `q" b\ d$ t` + "` n\\n x\\y"}},
		{name: "empty values", text: "A=\nB=''\nC=\"\"\n", want: map[string]string{"A": "", "B": "", "C": ""}},
		{name: "blank lines and comments", text: "\n# a comment\n   \n\t# indented comment\nA=1\n\n", want: map[string]string{"A": "1"}},
		{name: "byte order mark", text: "\ufeffexport A='1'\n", want: map[string]string{"A": "1"}},
		{name: "CRLF line endings", text: "export A='1'\r\nB=2\r\nC=\"3\"\r\n", want: map[string]string{"A": "1", "B": "2", "C": "3"}},
		{name: "no final newline", text: "A=1", want: map[string]string{"A": "1"}},
		{name: "export with a tab and indentation", text: "  export\tA=1\n", want: map[string]string{"A": "1"}},
		{name: "a variable named export", text: "export=1\nexportA=2\n", want: map[string]string{"export": "1", "exportA": "2"}},
		{name: "the last assignment wins", text: "A=1\nA=2\n", want: map[string]string{"A": "2"}},
		{name: "lowercase and underscores", text: "_a_1=x\n", want: map[string]string{"_a_1": "x"}},
		{name: "non-ASCII value", text: "A='sécret ✓'\n", want: map[string]string{"A": "sécret ✓"}},
		{name: "empty file", text: "", want: map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEnvFile(strings.NewReader(tt.text))
			if err != nil {
				t.Fatalf("ParseEnvFile: %v", err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("ParseEnvFile = %q; want %q", got, tt.want)
			}
		})
	}
}

// secretValue is the value the error cases hide: no message may hold it.
const secretValue = "hunter2-Zq9"

func TestParseEnvFileErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"line without =", "A=1\n" + secretValue + "\n", "line 2: expected KEY=value"},
		{"key with a dash", "MY-SECRET=" + secretValue + "\n", "line 1: expected KEY=value"},
		{"key with a space", "my secret=" + secretValue + "\n", "line 1: expected KEY=value"},
		{"key starting with a digit", "1A=" + secretValue + "\n", "line 1: expected KEY=value"},
		{"no key", "=" + secretValue + "\n", "line 1: expected KEY=value"},
		{"spaces around =", "S = " + secretValue + "\n", "line 1: expected KEY=value"},
		{"export alone", "export\n", "line 1: expected KEY=value"},
		{"quoted key", "'A'=" + secretValue + "\n", "line 1: expected KEY=value"},
		{"unterminated single quote", "# c\n\nexport S='" + secretValue + "\n", "line 3 (S): unterminated single quote"},
		{"unterminated double quote", `S="` + secretValue + `\"` + "\n", "line 1 (S): unterminated double quote"},
		{"multi-line single quote", "S='" + secretValue + "\nrest'\n", "line 1 (S): unterminated single quote"},
		{"text after the single quote", "S='hunter2'-Zq9\n", "line 1 (S): unexpected text after the closing quote"},
		{"text after the double quote", `S="hunter2"-Zq9` + "\n", "line 1 (S): unexpected text after the closing quote"},
		{"line too long", "S=" + strings.Repeat("x", 70<<10) + secretValue + "\n", "cannot read env file"},
		{"file too large", strings.Repeat("# padding\n", 110<<10) + "S=" + secretValue + "\n", "larger than"},
		// The limit falls inside the last line, after "S=hunter2": a reader
		// that stopped there would take "hunter2" for the value.
		{"line cut at the size limit", padTo(1<<20-len("S=hunter2")) + "S=" + secretValue + "\n", "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEnvFile(strings.NewReader(tt.text))
			if err == nil {
				t.Fatalf("ParseEnvFile = %q; want an error", got)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q; want %q", err, tt.want)
			}
			for _, part := range []string{secretValue, "hunter2", "Zq9"} {
				if strings.Contains(err.Error(), part) {
					t.Errorf("error %q holds (part of) the value", err)
				}
			}
		})
	}
}

// padTo returns comment lines of exactly n bytes.
func padTo(n int) string {
	line := "#" + strings.Repeat("x", 98) + "\n"
	s := strings.Repeat(line, n/len(line)-1)
	return s + "#" + strings.Repeat("y", n-len(s)-2) + "\n"
}

func TestParseEnvFileReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := ParseEnvFile(io.MultiReader(strings.NewReader("A=1\n"), errReader{boom}))
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v; want the read error", err)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestImportEnv(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want Imported
	}{
		{
			name: "Console org-level file",
			env: map[string]string{"CAMUNDA_CONSOLE_CLIENT_ID": "cid", "CAMUNDA_CONSOLE_CLIENT_SECRET": "sec",
				"CAMUNDA_OAUTH_URL": "https://login.example/oauth/token", "CAMUNDA_CONSOLE_OAUTH_AUDIENCE": "api.cloud.camunda.io"},
			want: Imported{ClientID: "cid", Secret: "sec", TokenURL: "https://login.example/oauth/token", Audience: "api.cloud.camunda.io",
				HasAudience: true, API: "modeler",
				From: []string{"CAMUNDA_CONSOLE_CLIENT_ID", "CAMUNDA_CONSOLE_CLIENT_SECRET", "CAMUNDA_CONSOLE_OAUTH_AUDIENCE", "CAMUNDA_OAUTH_URL"}},
		},
		{
			name: "Console org-level without an audience leaves the default",
			env:  map[string]string{"CAMUNDA_CONSOLE_CLIENT_ID": "cid", "CAMUNDA_CONSOLE_CLIENT_SECRET": "sec"},
			want: Imported{ClientID: "cid", Secret: "sec", API: "modeler", From: []string{"CAMUNDA_CONSOLE_CLIENT_ID", "CAMUNDA_CONSOLE_CLIENT_SECRET"}},
		},
		{
			name: "Console cluster file (ZEEBE_* names)",
			env: map[string]string{"ZEEBE_ADDRESS": "abc.bru-2.zeebe.camunda.io:443", "ZEEBE_CLIENT_ID": "zid", "ZEEBE_CLIENT_SECRET": "zsec",
				"ZEEBE_AUTHORIZATION_SERVER_URL": "https://login.cloud.camunda.io/oauth/token", "ZEEBE_TOKEN_AUDIENCE": "zeebe.camunda.io",
				"CAMUNDA_CLUSTER_ID": "abc", "CAMUNDA_CLUSTER_REGION": "bru-2", "CAMUNDA_CREDENTIALS_SCOPES": "Zeebe,Tasklist"},
			want: Imported{ClientID: "zid", Secret: "zsec", TokenURL: "https://login.cloud.camunda.io/oauth/token", Audience: "zeebe.camunda.io",
				HasAudience: true, API: "zeebe", APIURL: "https://bru-2.zeebe.camunda.io/abc",
				From: []string{"ZEEBE_CLIENT_ID", "ZEEBE_CLIENT_SECRET", "ZEEBE_TOKEN_AUDIENCE", "ZEEBE_AUTHORIZATION_SERVER_URL"}},
		},
		{
			name: "newer cluster file with a REST address",
			env: map[string]string{"CAMUNDA_CLIENT_ID": "id", "CAMUNDA_CLIENT_SECRET": "sec", "CAMUNDA_REST_ADDRESS": "https://bru-2.zeebe.camunda.io/abc/",
				"CAMUNDA_CLUSTER_ID": "ignored", "CAMUNDA_CLUSTER_REGION": "ignored"},
			want: Imported{ClientID: "id", Secret: "sec", Audience: "zeebe.camunda.io", HasAudience: true, API: "zeebe",
				APIURL: "https://bru-2.zeebe.camunda.io/abc",
				From:   []string{"CAMUNDA_CLIENT_ID", "CAMUNDA_CLIENT_SECRET", "CAMUNDA_REST_ADDRESS"}},
		},
		{
			name: "ZEEBE_REST_ADDRESS",
			env:  map[string]string{"ZEEBE_CLIENT_ID": "zid", "ZEEBE_CLIENT_SECRET": "zsec", "ZEEBE_REST_ADDRESS": "https://r.example/c"},
			want: Imported{ClientID: "zid", Secret: "zsec", Audience: "zeebe.camunda.io", HasAudience: true, API: "zeebe",
				APIURL: "https://r.example/c", From: []string{"ZEEBE_CLIENT_ID", "ZEEBE_CLIENT_SECRET", "ZEEBE_REST_ADDRESS"}},
		},
		{
			name: "ZEEBE_* without an audience: zeebe.camunda.io",
			env:  map[string]string{"ZEEBE_CLIENT_ID": "zid", "ZEEBE_CLIENT_SECRET": "zsec"},
			want: Imported{ClientID: "zid", Secret: "zsec", Audience: "zeebe.camunda.io", HasAudience: true, API: "zeebe",
				From: []string{"ZEEBE_CLIENT_ID", "ZEEBE_CLIENT_SECRET"}},
		},
		{
			name: "8.8 names with audience and scope",
			env: map[string]string{"CAMUNDA_CLIENT_ID": "id88", "CAMUNDA_CLIENT_SECRET": "sec88", "CAMUNDA_TOKEN_AUDIENCE": "orchestration-api",
				"CAMUNDA_TOKEN_SCOPE": "a b", "CAMUNDA_OAUTH_URL": "https://idp.example/token"},
			want: Imported{ClientID: "id88", Secret: "sec88", TokenURL: "https://idp.example/token", Audience: "orchestration-api", HasAudience: true,
				Scope: "a b", API: "zeebe",
				From: []string{"CAMUNDA_CLIENT_ID", "CAMUNDA_CLIENT_SECRET", "CAMUNDA_TOKEN_AUDIENCE", "CAMUNDA_OAUTH_URL", "CAMUNDA_TOKEN_SCOPE"}},
		},
		{
			name: "the most specific generation wins, and its own audience only",
			env: map[string]string{"CAMUNDA_CONSOLE_CLIENT_ID": "org", "CAMUNDA_CONSOLE_CLIENT_SECRET": "orgsec",
				"CAMUNDA_CLIENT_ID": "c88", "CAMUNDA_CLIENT_SECRET": "c88sec", "CAMUNDA_TOKEN_AUDIENCE": "zeebe.camunda.io",
				"ZEEBE_CLIENT_ID": "z", "ZEEBE_CLIENT_SECRET": "zsec", "ZEEBE_TOKEN_AUDIENCE": "zeebe.camunda.io",
				"CAMUNDA_CLUSTER_ID": "abc", "CAMUNDA_CLUSTER_REGION": "bru-2"},
			want: Imported{ClientID: "org", Secret: "orgsec", API: "modeler", From: []string{"CAMUNDA_CONSOLE_CLIENT_ID", "CAMUNDA_CONSOLE_CLIENT_SECRET"}},
		},
		{
			name: "CAMUNDA_CLIENT_* beat ZEEBE_CLIENT_*",
			env: map[string]string{"CAMUNDA_CLIENT_ID": "c88", "CAMUNDA_CLIENT_SECRET": "c88sec",
				"ZEEBE_CLIENT_ID": "z", "ZEEBE_CLIENT_SECRET": "zsec", "ZEEBE_TOKEN_AUDIENCE": "other"},
			want: Imported{ClientID: "c88", Secret: "c88sec", Audience: "zeebe.camunda.io", HasAudience: true, API: "zeebe",
				From: []string{"CAMUNDA_CLIENT_ID", "CAMUNDA_CLIENT_SECRET"}},
		},
		{
			name: "token URL and scope precedence",
			env: map[string]string{"ZEEBE_CLIENT_ID": "z", "ZEEBE_CLIENT_SECRET": "zsec",
				"CAMUNDA_AUTHORIZATION_SERVER_URL": "https://3.example/t", "ZEEBE_AUTHORIZATION_SERVER_URL": "https://2.example/t",
				"CAMUNDA_OAUTH_SCOPE": "s3", "ZEEBE_TOKEN_SCOPE": "s2"},
			want: Imported{ClientID: "z", Secret: "zsec", TokenURL: "https://2.example/t", Scope: "s2", Audience: "zeebe.camunda.io", HasAudience: true,
				API: "zeebe", From: []string{"ZEEBE_CLIENT_ID", "ZEEBE_CLIENT_SECRET", "ZEEBE_AUTHORIZATION_SERVER_URL", "ZEEBE_TOKEN_SCOPE"}},
		},
		{
			name: "CAMUNDA_OAUTH_URL and CAMUNDA_TOKEN_SCOPE come first",
			env: map[string]string{"ZEEBE_CLIENT_ID": "z", "ZEEBE_CLIENT_SECRET": "zsec",
				"CAMUNDA_OAUTH_URL": "https://1.example/t", "ZEEBE_AUTHORIZATION_SERVER_URL": "https://2.example/t",
				"CAMUNDA_TOKEN_SCOPE": "s1", "ZEEBE_TOKEN_SCOPE": "s2", "CAMUNDA_OAUTH_SCOPE": "s3"},
			want: Imported{ClientID: "z", Secret: "zsec", TokenURL: "https://1.example/t", Scope: "s1", Audience: "zeebe.camunda.io", HasAudience: true,
				API: "zeebe", From: []string{"ZEEBE_CLIENT_ID", "ZEEBE_CLIENT_SECRET", "CAMUNDA_OAUTH_URL", "CAMUNDA_TOKEN_SCOPE"}},
		},
		{
			name: "empty and blank values count as unset",
			env: map[string]string{"CAMUNDA_CONSOLE_CLIENT_ID": "", "CAMUNDA_CONSOLE_CLIENT_SECRET": "  ",
				"ZEEBE_CLIENT_ID": "z", "ZEEBE_CLIENT_SECRET": "zsec", "ZEEBE_TOKEN_AUDIENCE": " ", "CAMUNDA_OAUTH_URL": ""},
			want: Imported{ClientID: "z", Secret: "zsec", Audience: "zeebe.camunda.io", HasAudience: true, API: "zeebe",
				From: []string{"ZEEBE_CLIENT_ID", "ZEEBE_CLIENT_SECRET"}},
		},
		{
			name: "the client ID is trimmed, the secret kept as it is",
			env:  map[string]string{"ZEEBE_CLIENT_ID": " z \n", "ZEEBE_CLIENT_SECRET": " s e c "},
			want: Imported{ClientID: "z", Secret: " s e c ", Audience: "zeebe.camunda.io", HasAudience: true, API: "zeebe",
				From: []string{"ZEEBE_CLIENT_ID", "ZEEBE_CLIENT_SECRET"}},
		},
		{
			name: "the cluster address only for cluster credentials, and only with both parts",
			env:  map[string]string{"CAMUNDA_CLIENT_ID": "c", "CAMUNDA_CLIENT_SECRET": "s", "CAMUNDA_CLUSTER_ID": "abc"},
			want: Imported{ClientID: "c", Secret: "s", Audience: "zeebe.camunda.io", HasAudience: true, API: "zeebe",
				From: []string{"CAMUNDA_CLIENT_ID", "CAMUNDA_CLIENT_SECRET"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ImportEnv(lookupIn(tt.env))
			if err != nil {
				t.Fatalf("ImportEnv: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ImportEnv =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestImportEnvErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"nothing", map[string]string{"CAMUNDA_CLUSTER_ID": "abc", "CAMUNDA_OAUTH_URL": "https://x"}, "no client credentials found"},
		{"only a secret", map[string]string{"CAMUNDA_CONSOLE_CLIENT_SECRET": secretValue},
			"CAMUNDA_CONSOLE_CLIENT_ID and CAMUNDA_CONSOLE_CLIENT_SECRET must both be set"},
		{"only an ID", map[string]string{"ZEEBE_CLIENT_ID": "z", "ZEEBE_CLIENT_SECRET": ""},
			"ZEEBE_CLIENT_ID and ZEEBE_CLIENT_SECRET must both be set"},
		{"a half pair is not skipped for the next generation", map[string]string{"CAMUNDA_CLIENT_SECRET": secretValue,
			"ZEEBE_CLIENT_ID": "z", "ZEEBE_CLIENT_SECRET": "zsec"}, "CAMUNDA_CLIENT_ID and CAMUNDA_CLIENT_SECRET must both be set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ImportEnv(lookupIn(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v; want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secretValue) {
				t.Errorf("error %q holds the secret", err)
			}
		})
	}
}

// TestParseThenImport is the path of login --from-env-file.
func TestParseThenImport(t *testing.T) {
	vars, err := ParseEnvFile(strings.NewReader("export CAMUNDA_CONSOLE_CLIENT_ID='cid'\r\nexport CAMUNDA_CONSOLE_CLIENT_SECRET='" + secretValue + "'\r\n" +
		"export CAMUNDA_OAUTH_URL='https://login.cloud.camunda.io/oauth/token'\r\nexport CAMUNDA_CONSOLE_OAUTH_AUDIENCE='api.cloud.camunda.io'\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	im, err := ImportEnv(lookupIn(vars))
	if err != nil {
		t.Fatal(err)
	}
	if im.ClientID != "cid" || im.Secret != secretValue || im.TokenURL != config.DefaultTokenURL || im.Audience != config.DefaultAudience || im.API != "modeler" {
		t.Errorf("imported %+v", im)
	}
}

func lookupIn(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// The only shapes an env-file error may take: the line number, the
// variable's name and a fixed reason, or a read error. Nothing of a value.
var envFileErrorRE = regexp.MustCompile(`^(line [0-9]+: expected KEY=value` +
	`|line [0-9]+ \(([A-Za-z_][A-Za-z0-9_]*)\): (unterminated single quote|unterminated double quote|unexpected text after the closing quote)` +
	`|cannot read env file: bufio.Scanner: token too long` +
	`|env file larger than [0-9]+ bytes)$`)

func FuzzParseEnvFile(f *testing.F) {
	f.Add([]byte("export CAMUNDA_CONSOLE_CLIENT_ID='cid'\nexport CAMUNDA_CONSOLE_CLIENT_SECRET='s3cr3t'\n"))
	f.Add([]byte("A=\"x\\\"y\" # c\nB='z\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		vars, err := ParseEnvFile(bytes.NewReader(b))
		if err != nil {
			m := envFileErrorRE.FindStringSubmatch(err.Error())
			if m == nil {
				t.Fatalf("error %q has an unexpected shape (it might hold a value)", err)
			}
			// A key named in the error is one the input assigns to.
			if key := m[2]; key != "" && !bytes.Contains(b, []byte(key+"=")) {
				t.Fatalf("error %q names %q, which the input does not assign", err, key)
			}
			return
		}
		for k, v := range vars {
			if !ValidEnvName(k) {
				t.Fatalf("invalid name %q parsed", k)
			}
			if strings.ContainsAny(v, "\n") {
				t.Fatalf("value of %s holds a newline", k)
			}
		}
		// What parsed survives a rewrite as the Console writes it, for
		// values a single-quoted string can hold.
		var out bytes.Buffer
		keys := slices.Sorted(maps.Keys(vars))
		for _, k := range keys {
			if v := vars[k]; !strings.ContainsAny(v, "'\r") {
				out.WriteString("export " + k + "='" + v + "'\n")
			}
		}
		again, err := ParseEnvFile(&out)
		if err != nil {
			t.Fatalf("rewritten file does not parse: %v", err)
		}
		for k, v := range again {
			if vars[k] != v {
				t.Fatalf("%s: %q became %q", k, vars[k], v)
			}
		}
	})
}

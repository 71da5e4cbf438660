package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// noSecret is e with the secret replaced by whether there was one.
type noSecret struct {
	Entry
	HasSecret bool
}

func strip(es []Entry) []noSecret {
	out := make([]noSecret, len(es))
	for i, e := range es {
		out[i] = noSecret{e, e.Secret != ""}
		out[i].Secret = ""
	}
	return out
}

func TestParseC8ctl(t *testing.T) {
	es, err := ParseC8ctl(readFixture(t, "c8ctl-profiles.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []noSecret{
		{Entry{Source: "saas", Profile: "saas", Auth: AuthOAuth, ClientID: "saas-client", TokenURL: SaaSTokenURL, Audience: ClusterAudience,
			APIURL: "https://bru-2.zeebe.camunda.io/5b1ed8a4-0f5e-4a38-9b2a-0c3d4e5f6a7b"}, true},
		{Entry{Source: "self-managed", Profile: "self-managed", Auth: AuthOAuth, ClientID: "orchestration",
			TokenURL: "http://localhost:18080/auth/realms/camunda-platform/protocol/openid-connect/token", Audience: "orchestration-api",
			Scope: "openid", APIURL: "http://localhost:8080"}, true},
		{Entry{Source: "local-basic", Profile: "local-basic", Auth: AuthBasic, APIURL: "http://localhost:8080", HasPassword: true,
			Skip: "basic auth (username and password): the helper keeps OAuth client secrets only"}, false},
		{Entry{Source: "c8run", Profile: "c8run", Auth: AuthNone, APIURL: "http://localhost:8080", Skip: "no authentication: nothing to keep"}, false},
	}
	sameEntries(t, es, want)
	if es[0].Secret != "saas-s3cr3t-c8ctl" || es[1].Secret != "sm-s3cr3t-c8ctl" {
		t.Error("the secrets were not read")
	}
}

// sameEntries compares parsed entries, secrets left out, with want.
func sameEntries(t *testing.T, es []Entry, want []noSecret) {
	t.Helper()
	got := strip(es)
	if len(got) != len(want) {
		t.Fatalf("%d entries; want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestParseModeler(t *testing.T) {
	es, err := ParseModeler(readFixture(t, "modeler-settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []noSecret{
		{Entry{Source: "Staging Cluster", Profile: "staging-cluster", Auth: AuthOAuth, ClientID: "staging-client", TokenURL: SaaSTokenURL,
			Audience: ClusterAudience, APIURL: "https://bru-2.zeebe.camunda.io/8c2e6b1f-2a3b-4c5d-8e9f-0a1b2c3d4e5f"}, true},
		{Entry{Source: "Keycloak (dev)", Profile: "keycloak-dev", Auth: AuthOAuth, ClientID: "zeebe",
			TokenURL: "https://keycloak.dev.example.com/auth/realms/camunda-platform/protocol/openid-connect/token", Audience: "zeebe-api",
			APIURL: "https://zeebe.dev.example.com:443"}, true},
		{Entry{Source: "Local basic", Profile: "local-basic", Auth: AuthBasic, APIURL: "http://localhost:8080", HasPassword: true,
			Skip: "basic auth (username and password): the helper keeps OAuth client secrets only"}, false},
		{Entry{Source: "C8 Run", Profile: "c8-run", Auth: AuthNone, APIURL: "http://localhost:26500", Skip: "no authentication: nothing to keep"}, false},
	}
	sameEntries(t, es, want)
	// settings.json without connections: nothing, no error
	if es, err := ParseModeler([]byte(`{"window":{}}`)); err != nil || len(es) != 0 {
		t.Errorf("no connections: %v, %v", es, err)
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Staging Cluster": "staging-cluster", "  Prod / EU  ": "prod-eu", "Keycloak (dev)": "keycloak-dev",
		"a--b": "a-b", "Ünïcode": "n-code", "!!!": "", strings.Repeat("ab ", 40): strings.TrimRight(strings.Repeat("ab-", 22)[:64], "-"),
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestDuplicatesAndNames(t *testing.T) {
	es, err := ParseModeler([]byte(`{"connectionManagerPlugin.c8connections":[
		{"id":"1","name":"Dev","targetType":"camundaCloud","camundaCloudClientId":"a","camundaCloudClientSecret":"x"},
		{"id":"2","name":"dev","targetType":"camundaCloud","camundaCloudClientId":"b","camundaCloudClientSecret":"y"},
		{"id":"3","name":"","targetType":"camundaCloud","camundaCloudClientId":"c","camundaCloudClientSecret":"z"},
		{"id":"4","name":"Other","targetType":"somethingNew"},
		{"id":"5","name":"No URL","targetType":"selfHosted","authType":"oauth","clientId":"d","clientSecret":"w"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if es[0].Skip != "" || !strings.Contains(es[1].Skip, `taken by "Dev"`) {
		t.Errorf("duplicate profile names: skips %q, %q", es[0].Skip, es[1].Skip)
	}
	if es[2].Profile != "3" || es[2].Skip != "" {
		t.Errorf("a connection without a name is named after its id: %+v", strip(es[2:3]))
	}
	if !strings.Contains(es[3].Skip, "unknown target type") || !strings.Contains(es[4].Skip, "without a token URL") {
		t.Errorf("skips: %q, %q", es[3].Skip, es[4].Skip)
	}
}

// TestParseErrors: a file that does not parse is an error that never
// quotes the file (Go's syntax errors name the offending character).
func TestParseErrors(t *testing.T) {
	for name, in := range map[string]string{
		"syntax":         `{"profiles":[{"name":"a","clientSecret":"s3cr3t"x}]}`,
		"truncated":      `{"profiles":[{"name":"a","clientSecret":"s3cr3t`,
		"wrong type":     `{"profiles":{"name":"s3cr3t"}}`,
		"trailing":       `{"profiles":[]} s3cr3t`,
		"not an object":  `"s3cr3t"`,
		"secret type":    `{"profiles":[{"name":"a","clientSecret":["s3cr3t"]}]}`,
		"modeler syntax": `{"connectionManagerPlugin.c8connections":[{"clientSecret":"s3cr3t"}x]}`,
	} {
		parse := ParseC8ctl
		if strings.HasPrefix(name, "modeler") {
			parse = ParseModeler
		}
		_, err := parse([]byte(in))
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "'x'") {
			t.Errorf("%s: the error quotes the file: %v", name, err)
		}
		if name == "syntax" || name == "trailing" || name == "truncated" || name == "not an object" {
			if _, _, err := ScrubC8ctl([]byte(in), []string{"a"}); err == nil || strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("%s: ScrubC8ctl: %v", name, err)
			}
		}
	}
}

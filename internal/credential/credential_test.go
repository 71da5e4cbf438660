package credential

import "testing"

func TestPrintable(t *testing.T) {
	for tok, want := range map[string]bool{
		"eyJhbGciOi.x-y_z~+/=": true,
		"":                     false,
		"a b":                  false,
		"a\nusername=evil":     false,
		"a\x7f":                false,
		"tök":                  false,
		"a\tb":                 false,
	} {
		if got := Printable(tok); got != want {
			t.Errorf("Printable(%q) = %v; want %v", tok, got, want)
		}
	}
}

func TestEnvCredentials(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want bool
	}{
		{nil, false},
		{map[string]string{EnvClientID: ""}, false},
		{map[string]string{EnvClientID: "id"}, true},
		{map[string]string{EnvClientSecret: "s"}, true},
		{map[string]string{"CAMUNDA_PROFILE": "work"}, false},
	} {
		lookup := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
		if got := EnvCredentials(lookup); got != tt.want {
			t.Errorf("EnvCredentials(%v) = %v; want %v", tt.env, got, tt.want)
		}
	}
}

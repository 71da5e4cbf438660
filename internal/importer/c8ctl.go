package importer

import (
	"path/filepath"
	"runtime"
	"strings"
)

// c8ctlProfile is one profile of c8ctl's profiles.json (src/core/config.ts).
type c8ctlProfile struct {
	Name         string `json:"name"`
	BaseURL      string `json:"baseUrl"`
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	Audience     string `json:"audience"`
	OAuthURL     string `json:"oAuthUrl"`
	Scope        string `json:"scope"`
	Username     string `json:"username"`
	Password     string `json:"password"`
}

// ParseC8ctl reads c8ctl's profiles.json. A profile with a client ID is an
// OAuth one (no oAuthUrl means SaaS's endpoint, no audience the cluster's,
// as c8ctl sends); one with a username a basic-auth one.
func ParseC8ctl(b []byte) ([]Entry, error) {
	var f struct {
		Profiles []c8ctlProfile `json:"profiles"`
	}
	if err := decode(b, &f); err != nil {
		return nil, err
	}
	var out []Entry
	for _, p := range f.Profiles {
		e := Entry{Source: p.Name, Profile: p.Name, ClientID: strings.TrimSpace(p.ClientID), Secret: p.ClientSecret,
			TokenURL: strings.TrimSpace(p.OAuthURL), Audience: strings.TrimSpace(p.Audience), Scope: strings.TrimSpace(p.Scope),
			APIURL: strings.TrimRight(strings.TrimSpace(p.BaseURL), "/"), HasPassword: p.Password != ""}
		switch {
		case e.ClientID != "":
			e.Auth = AuthOAuth
		case p.Username != "" || p.Password != "":
			e.Auth = AuthBasic
		default:
			e.Auth = AuthNone
		}
		defaults(&e)
		e.Skip = skipReason(e.Auth, e.Secret != "")
		out = append(out, e)
	}
	return dedupe(out), nil
}

// defaults fills what c8ctl and Modeler send when an entry names nothing.
func defaults(e *Entry) {
	if e.Auth != AuthOAuth {
		return
	}
	if e.TokenURL == "" {
		e.TokenURL = SaaSTokenURL
	}
	if e.Audience == "" {
		e.Audience = ClusterAudience
	}
}

// dedupe skips an entry whose profile name an earlier one has, and one
// with no name.
func dedupe(es []Entry) []Entry {
	seen := map[string]string{}
	for i := range es {
		e := &es[i]
		if e.Profile == "" {
			if e.Skip == "" {
				e.Skip = "it has no name"
			}
			continue
		}
		if first, ok := seen[e.Profile]; ok {
			if e.Skip == "" {
				e.Skip = "profile name " + e.Profile + " is taken by " + quote(first) + " in the same file"
			}
			continue
		}
		seen[e.Profile] = e.Source
	}
	return es
}

func quote(s string) string { return `"` + s + `"` }

// C8ctlPath is where c8ctl keeps profiles.json: $C8CTL_DATA_DIR, else its
// per-OS configuration directory.
func C8ctlPath(lookup func(string) (string, bool)) string {
	if d, _ := lookup("C8CTL_DATA_DIR"); d != "" {
		return filepath.Join(d, "profiles.json")
	}
	return filepath.Join(appDir(lookup, "c8ctl"), "profiles.json")
}

// ModelerPath is Desktop Modeler's settings.json.
func ModelerPath(lookup func(string) (string, bool)) string {
	return filepath.Join(appDir(lookup, "camunda-modeler"), "settings.json")
}

// appDir is an application's configuration directory as Node's tools
// compute it: %APPDATA% on Windows, ~/Library/Application Support on
// macOS, $XDG_CONFIG_HOME (else ~/.config) elsewhere.
func appDir(lookup func(string) (string, bool), app string) string {
	home, _ := lookup("HOME")
	switch runtime.GOOS {
	case "windows":
		if d, _ := lookup("APPDATA"); d != "" {
			return filepath.Join(d, app)
		}
		home, _ = lookup("USERPROFILE")
		return filepath.Join(home, "AppData", "Roaming", app)
	case "darwin":
		return filepath.Join(home, "Library", "Application Support", app)
	}
	if d, _ := lookup("XDG_CONFIG_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, app)
	}
	return filepath.Join(home, ".config", app)
}

package config

import (
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// SelectWhy says which of Select's rules chose the profile, for the
// --verbose trace, and chooses exactly as Select does.
func TestSelectWhy(t *testing.T) {
	cfg := &Config{Profiles: map[string]*Profile{
		"prod":  {Hosts: []string{"*.example.com", "git.example.com"}},
		"wide":  {Hosts: []string{"*.example.com"}},
		"plain": {},
	}}
	for _, tc := range []struct {
		req       credential.Request
		name, why string
	}{
		{credential.Request{Profile: "plain"}, "plain", "named by the caller"},
		{credential.Request{Default: "work"}, "work", "the caller's default"},
		{credential.Request{}, DefaultProfile, "the default profile"},
		{credential.Request{Resource: "https://git.example.com/x"}, "prod", `host pattern "git.example.com" is the best match for git.example.com`},
		{credential.Request{Resource: "https://git.example.com/x", Profile: "wide"}, "wide", "named by the caller, and one of its host patterns serves git.example.com"},
	} {
		name, why, err := cfg.SelectWhy(tc.req)
		if err != nil || name != tc.name || !strings.Contains(why, tc.why) {
			t.Errorf("SelectWhy(%+v) = %q, %q, %v; want %q, %q", tc.req, name, why, err, tc.name, tc.why)
		}
		if sel, err := cfg.Select(tc.req); sel != name || err != nil {
			t.Errorf("Select(%+v) = %q, %v; SelectWhy chose %q", tc.req, sel, err, name)
		}
	}
	for _, req := range []credential.Request{{Resource: "https://nowhere.org"}, {Resource: "https://other.org", Profile: "plain"}} {
		if _, why, err := cfg.SelectWhy(req); credential.KindOf(err) != credential.KindNoRoute || why != "" {
			t.Errorf("SelectWhy(%+v) = %q, %v; want a KindNoRoute error", req, why, err)
		}
	}
}

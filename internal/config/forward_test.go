package config

import (
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// Only a profile marked forward = true is handed out through the forward
// socket, and only for the requests Select gives it: a host whose best
// route is an unforwarded profile is not served by a forwarded one.
func TestForwarded(t *testing.T) {
	c := &Config{Profiles: map[string]*Profile{
		"fwd":     {ClientID: "a", Forward: true, Hosts: []string{"*.example.com"}},
		"local":   {ClientID: "b", Hosts: []string{"git.example.com"}},
		"default": {ClientID: "c"},
	}}
	for _, tc := range []struct {
		req  credential.Request
		want string // "" means refused, naming refusedName
		name string
	}{
		{credential.Request{Resource: "https://api.example.com/x"}, "fwd", ""},
		{credential.Request{Profile: "fwd"}, "fwd", ""},
		{credential.Request{Default: "fwd"}, "fwd", ""},
		{credential.Request{Resource: "https://git.example.com/r.git"}, "", `"local"`},
		{credential.Request{}, "", `"default"`},
		{credential.Request{Profile: "local"}, "", `"local"`},
		{credential.Request{Resource: "https://other.org/"}, "", `"https://other.org/"`},
		{credential.Request{Profile: "fwd", Resource: "https://other.org/"}, "", `"fwd" does not serve`},
	} {
		got, err := c.Forwarded(tc.req)
		if tc.want != "" {
			if err != nil || got != tc.want {
				t.Errorf("Forwarded(%+v) = %q, %v; want %q", tc.req, got, err, tc.want)
			}
			continue
		}
		if credential.KindOf(err) != credential.KindNoRoute || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("Forwarded(%+v) = %q, %v; want a no-route error naming %s", tc.req, got, err, tc.name)
		}
	}
}

func TestForwardsUID(t *testing.T) {
	a := AgentSettings{ForwardUIDs: []int{1001}}
	for uid, want := range map[int]bool{500: true, 1001: true, 1002: false, 0: false} {
		if got := a.ForwardsUID(uid, 500); got != want {
			t.Errorf("ForwardsUID(%d, own 500) = %v; want %v", uid, got, want)
		}
	}
}

func TestForwardSettingsParse(t *testing.T) {
	cfg, err := parseConfig("c.toml", []byte("[agent]\nforward_uids = [1001, 1002]\n[profiles.a]\nclient_id = \"x\"\nforward = true\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Profiles["a"].Forward || len(cfg.Agent.ForwardUIDs) != 2 {
		t.Errorf("parsed %+v, %+v", cfg.Agent, cfg.Profiles["a"])
	}
	if _, err := parseConfig("c.toml", []byte("[agent]\nforward_uids = [-1]\n")); err == nil || !strings.Contains(err.Error(), "forward_uids") {
		t.Errorf("a negative uid: %v; want an error naming forward_uids", err)
	}
}

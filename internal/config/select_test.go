package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// TestSelectHostlessProfile: a profile without hosts answers no request
// that names a host, even when it is named (a global credential.helper
// 'camunda --profile p' must not answer github.com), and keeps answering
// requests without one (token, exec, kubectl, serve, check).
func TestSelectHostlessProfile(t *testing.T) {
	cfg := &Config{Profiles: map[string]*Profile{
		"p":    {ClientID: "a"},
		"work": {ClientID: "b", Hosts: []string{"git.example.com"}},
	}}
	for _, req := range []credential.Request{
		{Profile: "p", Resource: "https://github.com"},
		{Profile: "p", Resource: "https://git.example.com"},
		{Profile: "absent", Resource: "https://github.com"},
		{Default: "p", Resource: "https://github.com"},
	} {
		name, err := cfg.Select(req)
		if credential.KindOf(err) != credential.KindNoRoute {
			t.Errorf("Select(%+v) = %q, %v; want no route", req, name, err)
			continue
		}
		if req.Profile != "" {
			var ce *credential.Error
			if !errors.As(err, &ce) || ce.Missing != credential.MissingHost || ce.Profile != req.Profile || !strings.HasSuffix(req.Resource, "://"+ce.Host) {
				t.Errorf("Select(%+v) = %#v; want it to say the profile lacks the resource's host", req, err)
			}
		}
	}
	for _, req := range []credential.Request{
		{Profile: "p"},
		{Default: "p"},
	} {
		if name, err := cfg.Select(req); err != nil || name != "p" {
			t.Errorf("Select(%+v) = %q, %v; want p", req, name, err)
		}
	}
	if name, err := cfg.Select(credential.Request{Default: "p", Resource: "https://git.example.com"}); err != nil || name != "work" {
		t.Errorf("routing beside a hostless default: %q, %v; want work", name, err)
	}
}

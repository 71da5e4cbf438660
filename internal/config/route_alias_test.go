package config

import (
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
)

// TestRouteDockerHubAliases: docker asks for Docker Hub as
// https://index.docker.io/v1/, while users (and setup docker) say docker.io.
func TestRouteDockerHubAliases(t *testing.T) {
	cfg := &Config{Profiles: map[string]*Profile{
		"hub":   {ClientID: "a", Hosts: []string{"docker.io"}},
		"other": {ClientID: "b", Hosts: []string{"registry.example.com"}},
	}}
	for _, tc := range []struct {
		resource, want string
		ok             bool
	}{
		{"https://index.docker.io/v1/", "hub", true},
		{"index.docker.io", "hub", true},
		{"registry-1.docker.io/library/alpine", "hub", true},
		{"docker.io/library/alpine", "hub", true},
		{"registry.example.com", "other", true},
		{"ghcr.io", "", false},
	} {
		tg, err := route.ParseTarget(tc.resource)
		if err != nil {
			t.Fatalf("route.ParseTarget(%q): %v", tc.resource, err)
		}
		got, _, ok := bestRoute(cfg, tg)
		if got != tc.want || ok != tc.ok {
			t.Errorf("route(%q) = %q, %v; want %q, %v", tc.resource, got, ok, tc.want, tc.ok)
		}
	}
}

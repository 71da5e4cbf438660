package config

import (
	"fmt"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
)

// Select is the one rule for which profile serves a request: the profile
// the caller named (req.Profile: --profile, or "profile" in get's JSON),
// else the profile whose host patterns best match req.Resource, else
// req.Default (CAMUNDA_PROFILE), else DefaultProfile. A resource that gets
// no token is an error of KindNoRoute: one no profile serves, one outside
// the host patterns of the profile named, and one whose scheme would carry
// the token in the clear.
//
// CAMUNDA_PROFILE stands below host routing on purpose: a variable set for
// a whole shell must not send one profile's token to every host a tool
// asks about.
//
// A request that names a host (req.Resource: git, docker, Bazel, Terraform,
// get with a URL) is served only by a profile whose host patterns list it,
// even when that profile is named: a profile without hosts answers only
// requests without a resource (token, exec, kubectl, serve, check).
// Naming a profile chooses among the profiles that serve the resource; it
// never widens one, so a global credential.helper 'camunda --profile P'
// cannot hand P's token to whatever host git asks about.
func (c *Config) Select(req credential.Request) (string, error) {
	name, _, err := c.SelectWhy(req)
	return name, err
}

// SelectWhy is Select, also saying which of its rules chose the profile
// (for the --verbose trace).
func (c *Config) SelectWhy(req credential.Request) (name, why string, err error) {
	pinned := req.Profile
	if req.Resource == "" {
		switch {
		case pinned != "":
			return pinned, "named by the caller", nil
		case req.Default != "":
			return req.Default, "the caller's default (no resource to route)", nil
		}
		return DefaultProfile, "the default profile (no resource to route, none named)", nil
	}
	t, err := route.ParseTarget(req.Resource)
	if err != nil {
		return "", "", noRoute(fmt.Sprintf("cannot route %q: %v", route.StripUserinfo(req.Resource), err))
	}
	if err := t.Served(); err != nil {
		return "", "", noRoute(fmt.Sprintf("cannot route %q: %v", route.StripUserinfo(req.Resource), err))
	}
	if pinned != "" {
		p, ok := c.Profiles[pinned]
		switch {
		case !ok || len(p.Hosts) == 0:
			msg := fmt.Sprintf("profile %q lists no hosts, so it serves no host (asked for %q)", pinned, route.StripUserinfo(req.Resource))
			if !ok {
				msg = fmt.Sprintf("there is no profile %q to serve %q", pinned, route.StripUserinfo(req.Resource))
			}
			e := noRoute(msg)
			e.Missing, e.Profile, e.Host = credential.MissingHost, pinned, t.HostKey() // the edge names login --profile P --host
			return "", "", e
		case !serves(p, t):
			return "", "", noRoute(fmt.Sprintf("profile %q does not serve %q (its hosts: %s)",
				pinned, route.StripUserinfo(req.Resource), strings.Join(p.Hosts, ", ")))
		}
		return pinned, fmt.Sprintf("named by the caller, and one of its host patterns serves %s", t.HostKey()), nil
	}
	name, pat, ok := bestRoute(c, t)
	if !ok {
		return "", "", noRoute(fmt.Sprintf("no profile serves %q", route.StripUserinfo(req.Resource)))
	}
	return name, fmt.Sprintf("its host pattern %q is the best match for %s", pat, t.HostKey()), nil
}

func noRoute(msg string) *credential.Error {
	return &credential.Error{Kind: credential.KindNoRoute, Msg: msg, Err: credential.ErrNoRoute}
}

// bestRoute returns the profile whose host patterns best match t: an exact
// host beats a wildcard, a longer wildcard beats a shorter one, and a
// pattern with a port beats one without. Ties go to the first profile name
// in sorted order.
func bestRoute(cfg *Config, t route.Target) (name, pattern string, ok bool) {
	bestScore := -1
	for _, n := range cfg.Names() {
		for _, pat := range cfg.Profiles[n].Hosts {
			if !matchAlias(pat, t) {
				continue
			}
			if s := patternScore(pat); s > bestScore {
				name, pattern, bestScore = n, pat, s
			}
		}
	}
	return name, pattern, bestScore >= 0
}

// serves reports whether one of p's host patterns matches t.
func serves(p *Profile, t route.Target) bool {
	for _, pat := range p.Hosts {
		if matchAlias(pat, t) {
			return true
		}
	}
	return false
}

// matchAlias is MatchHost, with Docker Hub's names taken as one.
func matchAlias(pat string, t route.Target) bool {
	if !dockerHub[t.Host] {
		return route.MatchHost(pat, t)
	}
	// docker names Docker Hub https://index.docker.io/v1/; users write docker.io.
	for a := range dockerHub {
		if route.MatchHost(pat, route.Target{Scheme: t.Scheme, Host: a, Port: t.Port}) {
			return true
		}
	}
	return false
}

// dockerHub are the names of Docker Hub's registry.
var dockerHub = map[string]bool{"docker.io": true, "index.docker.io": true, "registry-1.docker.io": true}

func patternScore(pat string) int {
	s := len(pat)
	if pat[0] != '*' {
		s += 1 << 16
	}
	for i := len(pat) - 1; i >= 0 && pat[i] != ']'; i-- {
		if pat[i] == ':' {
			s += 1 << 12
			break
		}
	}
	return s
}

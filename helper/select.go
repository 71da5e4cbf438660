package helper

import (
	"fmt"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// selectProfile picks the profile for a request: the request's own, then
// an explicit --profile, then the profile whose host patterns match the
// resource, then the default. A resource that gets no token is an error of
// KindNoRoute: one no profile serves, one outside the host patterns of the
// profile named, and one whose scheme would carry the token in the clear.
func (h *Helper) selectProfile(cfg *Config, req credential.Request) (string, error) {
	return h.pick(cfg, req, true)
}

// pick is selectProfile. unscoped says whether a profile without host
// patterns serves any resource it is named for. It does for tokens, where
// the calling tool's config scopes it; docker login and logout, which name
// whatever registry the user logs in to, pass false.
func (h *Helper) pick(cfg *Config, req credential.Request, unscoped bool) (string, error) {
	pinned := req.Profile
	if pinned == "" && h.Explicit {
		pinned = h.profileName()
	}
	if req.Resource == "" {
		if pinned != "" {
			return pinned, nil
		}
		return h.profileName(), nil
	}
	t, err := ParseTarget(req.Resource)
	if err != nil {
		return "", noRoute(fmt.Sprintf("cannot route %q: %v", StripUserinfo(req.Resource), err))
	}
	if err := t.Served(); err != nil {
		return "", noRoute(fmt.Sprintf("cannot route %q: %v", StripUserinfo(req.Resource), err))
	}
	if pinned != "" {
		// Naming a profile chooses among the profiles that serve the
		// resource; it never widens one: a global git credential.helper
		// with --profile P must not answer every host git asks about. A
		// profile without host patterns serves any host it is named for:
		// the calling tool's own config scopes it.
		p, ok := cfg.Profiles[pinned]
		switch {
		case ok && len(p.Hosts) > 0 && !serves(p, t):
			return "", noRoute(fmt.Sprintf("profile %q does not serve %q (its hosts: %s)",
				pinned, StripUserinfo(req.Resource), strings.Join(p.Hosts, ", ")))
		case !unscoped && (!ok || len(p.Hosts) == 0):
			return "", noRoute(fmt.Sprintf("profile %q lists no hosts, so it serves no %q", pinned, StripUserinfo(req.Resource)))
		}
		return pinned, nil
	}
	name, ok := route(cfg, t)
	if !ok {
		return "", noRoute(fmt.Sprintf("no profile serves %q", StripUserinfo(req.Resource)))
	}
	return name, nil
}

func noRoute(msg string) *credential.Error {
	return &credential.Error{Kind: credential.KindNoRoute, Msg: msg, Err: credential.ErrNoRoute}
}

// route returns the profile whose host patterns best match t: an exact
// host beats a wildcard, a longer wildcard beats a shorter one, and a
// pattern with a port beats one without. Ties go to the first profile name
// in sorted order.
func route(cfg *Config, t Target) (string, bool) {
	best, bestScore := "", -1
	for _, name := range cfg.Names() {
		for _, pat := range cfg.Profiles[name].Hosts {
			if !matchAlias(pat, t) {
				continue
			}
			if s := patternScore(pat); s > bestScore {
				best, bestScore = name, s
			}
		}
	}
	return best, bestScore >= 0
}

// serves reports whether one of p's host patterns matches t.
func serves(p *Profile, t Target) bool {
	for _, pat := range p.Hosts {
		if matchAlias(pat, t) {
			return true
		}
	}
	return false
}

// matchAlias is MatchHost, with Docker Hub's names taken as one.
func matchAlias(pat string, t Target) bool {
	if !dockerHub[t.Host] {
		return MatchHost(pat, t)
	}
	// docker names Docker Hub https://index.docker.io/v1/; users write docker.io.
	for a := range dockerHub {
		if MatchHost(pat, Target{Scheme: t.Scheme, Host: a, Port: t.Port}) {
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

package config

import (
	"fmt"
	"slices"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// Forwarded is the one rule for what the agent's forward socket (ssh -R, a
// dev container) may hand out: the profile Select picks for req, with this
// config file, when that profile is marked forward = true. Any other
// answer is KindNoRoute, every protocol's "not served": a remote never gets
// another profile's token than the one this machine would use for the same
// request, and never one the user did not mark for forwarding.
func (c *Config) Forwarded(req credential.Request) (string, error) {
	name, err := c.Select(req)
	if err != nil {
		return "", err
	}
	if p, ok := c.Profiles[name]; !ok || !p.Forward {
		return "", noRoute(fmt.Sprintf("profile %q is not forwarded: on the machine whose agent is forwarded, set forward = true for it in the config file, or log in again with --forward", name))
	}
	return name, nil
}

// ForwardsUID reports whether the forward socket answers a connection from
// uid: the agent's own (the ssh client, a container running as the user),
// or one listed in forward_uids (a container user whose uid differs).
func (a AgentSettings) ForwardsUID(uid, own int) bool {
	return uid == own || slices.Contains(a.ForwardUIDs, uid)
}

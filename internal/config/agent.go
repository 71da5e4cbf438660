package config

import "time"

// AgentSettings is the config file's [agent] table.
type AgentSettings struct {
	Enabled *bool  `toml:"enabled,omitempty"` // nil: on (where the OS has an agent)
	Idle    string `toml:"idle,omitempty"`    // how long an agent without requests lives, e.g. "30m"
	// ForwardUIDs are the uids, besides the agent's own, that its forward
	// socket answers (a dev container's user whose uid differs).
	ForwardUIDs []int `toml:"forward_uids,omitempty"`
}

// On reports whether the agent may be used.
func (a AgentSettings) On() bool { return a.Enabled == nil || *a.Enabled }

// IdleOrDefault returns the idle time, or def when unset.
func (a AgentSettings) IdleOrDefault(def time.Duration) time.Duration {
	if d, err := time.ParseDuration(a.Idle); err == nil && d > 0 {
		return d
	}
	return def
}

package tokenserver

import (
	"errors"
	"net/http"
	"sync/atomic"
)

// NoNetwork is an http.RoundTripper that fails every request and counts
// them: a client built on it shows that a path (a cache hit) needs no
// network.
type NoNetwork struct{ Calls atomic.Int32 }

// RoundTrip implements http.RoundTripper.
func (n *NoNetwork) RoundTrip(*http.Request) (*http.Response, error) {
	n.Calls.Add(1)
	return nil, errors.New("network used on the hit path")
}

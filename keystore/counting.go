package keystore

import (
	"context"
	"sync/atomic"
)

// Counting is a Store that counts its reads, for tests that hold a path to
// its keychain cost (a cache hit reads the keychain at most once; a hit
// through the agent not at all).
type Counting struct {
	Store
	Gets atomic.Int32
}

// Get implements Store.
func (s *Counting) Get(ctx context.Context, profile string) (string, error) {
	s.Gets.Add(1)
	return s.Store.Get(ctx, profile)
}

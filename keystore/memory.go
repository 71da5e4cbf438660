package keystore

import (
	"context"
	"sync"
)

// Memory is a Store held in memory, for tests and the demo. Its zero value is
// ready for use.
type Memory struct {
	mu sync.Mutex
	m  map[string]string
}

var _ Store = (*Memory)(nil)

// Get implements Store.
func (s *Memory) Get(_ context.Context, profile string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[profile]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

// Set implements Store.
func (s *Memory) Set(_ context.Context, profile, secret string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[string]string)
	}
	s.m[profile] = secret
	return nil
}

// Delete implements Store.
func (s *Memory) Delete(_ context.Context, profile string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, profile)
	return nil
}

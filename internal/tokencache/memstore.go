package tokencache

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// Memory is the agent's token store: tokens live in its memory only and
// are never written anywhere. Its keys leave the secret out, so that a hit
// needs no keychain read; a changed secret reaches it through login, which
// drops the profile's tokens.
type Memory struct {
	mu         sync.Mutex
	entries    map[string]*Entry // by Key.prefix + "-" + Key.id
	rejections map[string]Rejection
	locks      map[string]chan struct{} // one fetch at a time per key
}

func NewMemory() *Memory {
	return &Memory{entries: map[string]*Entry{}, rejections: map[string]Rejection{}, locks: map[string]chan struct{}{}}
}

func (*Memory) Key(c Identity) Key {
	return Key{prefix: profilePrefix(c.Profile), id: keyID(c, "memory")}
}

func (*Memory) KeyedBySecret() bool { return false }

func (k Key) name() string { return k.prefix + "-" + k.id }

func (m *Memory) Load(k Key) (*Entry, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[k.name()]
	return e, ok
}

// Lock waits for the key's fetch lock until ctx ends.
func (m *Memory) Lock(ctx context.Context, k Key) (func(), error) {
	m.mu.Lock()
	ch := m.locks[k.name()]
	if ch == nil {
		ch = make(chan struct{}, 1)
		m.locks[k.name()] = ch
	}
	m.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, &credential.Error{Kind: credential.KindUnreachable, Msg: "timed out waiting for another request fetching the same token (see --timeout)", Err: ctx.Err()}
	}
}

// Store keeps e and drops the entries that have expired.
func (m *Memory) Store(k Key, e *Entry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	for n, old := range m.entries {
		if !now.Before(old.Expiry) {
			delete(m.entries, n)
		}
	}
	m.entries[k.name()] = e
	return nil
}

func (m *Memory) Rejected(k Key, now time.Time) (*Rejection, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweepRejections(now)
	r, ok := m.rejections[k.name()]
	if !ok {
		return nil, false
	}
	return &r, true
}

func (m *Memory) RememberRejection(k Key, msg string, now time.Time) {
	m.mu.Lock()
	m.sweepRejections(now)
	m.rejections[k.name()] = Rejection{Until: now.Add(RejectionMemory), Msg: msg}
	m.mu.Unlock()
}

// sweepRejections drops the rejections that no longer hold, of any key;
// m.mu is held.
func (m *Memory) sweepRejections(now time.Time) {
	for n, r := range m.rejections {
		if !r.holds(now) {
			delete(m.rejections, n)
		}
	}
}

func (m *Memory) ForgetRejection(k Key) {
	m.mu.Lock()
	delete(m.rejections, k.name())
	m.mu.Unlock()
}

// Drop drops every token and remembered rejection of a profile.
func (m *Memory) Drop(profile string) error {
	prefix := profilePrefix(profile) + "-"
	m.mu.Lock()
	defer m.mu.Unlock()
	for n := range m.entries {
		if strings.HasPrefix(n, prefix) {
			delete(m.entries, n)
		}
	}
	for n := range m.rejections {
		if strings.HasPrefix(n, prefix) {
			delete(m.rejections, n)
		}
	}
	return nil
}

// Size is the number of tokens held.
func (m *Memory) Size() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}

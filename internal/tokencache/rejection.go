package tokencache

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/privfile"
)

// RejectionMemory is how long a rejection by the token endpoint is
// remembered per cache key: Camunda SaaS stalls repeated 401s for 30 s, so
// asking again sooner only makes the caller wait.
const RejectionMemory = 30 * time.Second

// Rejection is a remembered refusal by the token endpoint.
type Rejection struct {
	Until time.Time `json:"until"`
	Msg   string    `json:"message"` // see rejectionReason
}

func (c Files) Rejected(k Key, now time.Time) (*Rejection, bool) {
	if c.Dir == "" {
		return nil, false
	}
	c.sweepRejections(now)
	b, err := readSmall(c.path(k, ".rejected"))
	if err != nil {
		return nil, false
	}
	r, ok := parseRejection(b, now)
	if !ok {
		c.ForgetRejection(k)
		return nil, false
	}
	return r, true
}

// parseRejection reads a rejection file; ok is false when it is corrupt or
// does not hold at now.
func parseRejection(b []byte, now time.Time) (*Rejection, bool) {
	var r Rejection
	if json.Unmarshal(b, &r) != nil || !r.holds(now) {
		return nil, false
	}
	return &r, true
}

// holds reports whether r still stands at now. One that ends further out
// than RejectionMemory was written by a clock that has since gone back.
func (r Rejection) holds(now time.Time) bool {
	return now.Before(r.Until) && r.Until.Sub(now) <= RejectionMemory
}

// sweepRejections deletes every remembered rejection that no longer holds:
// one whose key no call asks for again (after the secret changed, say)
// would otherwise stay on disk for good.
func (c Files) sweepRejections(now time.Time) {
	des, err := os.ReadDir(c.Dir)
	if err != nil {
		return
	}
	for _, de := range des {
		if !strings.HasSuffix(de.Name(), ".rejected") {
			continue
		}
		p := filepath.Join(c.Dir, de.Name())
		if b, err := readSmall(p); err == nil {
			if _, ok := parseRejection(b, now); !ok {
				os.Remove(p)
			}
		}
	}
}

func (c Files) RememberRejection(k Key, msg string, now time.Time) {
	if c.Dir == "" || c.mkdir() != nil {
		return
	}
	c.sweepRejections(now)
	b, _ := json.Marshal(Rejection{Until: now.Add(RejectionMemory), Msg: msg})
	_ = privfile.WriteAtomic(c.path(k, ".rejected"), b)
}

func (c Files) ForgetRejection(k Key) {
	if c.Dir != "" {
		os.Remove(c.path(k, ".rejected"))
	}
}

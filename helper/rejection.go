package helper

import (
	"encoding/json"
	"os"
	"time"
)

// rejectionMemory is how long a rejection by the token endpoint is
// remembered per cache key: Camunda SaaS stalls repeated 401s for 30 s, so
// asking again sooner only makes the caller wait.
const rejectionMemory = 30 * time.Second

// rejection is a remembered refusal by the token endpoint.
type rejection struct {
	Until time.Time `json:"until"`
	Msg   string    `json:"message"` // the endpoint's reason, never a secret
}

func (c cache) rejected(k cacheKey, now time.Time) (*rejection, bool) {
	if c.dir == "" {
		return nil, false
	}
	b, err := readSmall(c.path(k, ".rejected"))
	if err != nil {
		return nil, false
	}
	var r rejection
	if json.Unmarshal(b, &r) != nil || !now.Before(r.Until) || r.Until.Sub(now) > rejectionMemory {
		c.forgetRejection(k)
		return nil, false
	}
	return &r, true
}

func (c cache) rememberRejection(k cacheKey, msg string, now time.Time) {
	if c.dir == "" || c.mkdir() != nil {
		return
	}
	b, _ := json.Marshal(rejection{Until: now.Add(rejectionMemory), Msg: msg})
	_ = writeFileAtomic(c.path(k, ".rejected"), b)
}

func (c cache) forgetRejection(k cacheKey) {
	if c.dir != "" {
		os.Remove(c.path(k, ".rejected"))
	}
}

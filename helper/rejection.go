package helper

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/privfile"
	"golang.org/x/oauth2"
)

// rejectionMemory is how long a rejection by the token endpoint is
// remembered per cache key: Camunda SaaS stalls repeated 401s for 30 s, so
// asking again sooner only makes the caller wait.
const rejectionMemory = 30 * time.Second

// rejection is a remembered refusal by the token endpoint.
type rejection struct {
	Until time.Time `json:"until"`
	Msg   string    `json:"message"` // see rejectionReason
}

// rejectionReason is what the rejection memory keeps of a refusal: the
// HTTP status and the OAuth error code. The server's free text was shown
// once; kept, it would sit on disk in the clear (or in the agent) and be
// repeated to callers that never sent the request it answered.
func rejectionReason(err error) string {
	const msg = "token endpoint rejected the credentials"
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		return msg
	}
	code := re.Response.StatusCode
	s := fmt.Sprintf("%s: HTTP %d %s", msg, code, http.StatusText(code))
	if re.ErrorCode != "" {
		s += ": " + clean(re.ErrorCode)
	}
	return s
}

func (c cache) rejected(k cacheKey, now time.Time) (*rejection, bool) {
	if c.dir == "" {
		return nil, false
	}
	c.sweepRejections(now)
	b, err := readSmall(c.path(k, ".rejected"))
	if err != nil {
		return nil, false
	}
	r, ok := parseRejection(b, now)
	if !ok {
		c.forgetRejection(k)
		return nil, false
	}
	return r, true
}

// parseRejection reads a rejection file; ok is false when it is corrupt or
// does not hold at now.
func parseRejection(b []byte, now time.Time) (*rejection, bool) {
	var r rejection
	if json.Unmarshal(b, &r) != nil || !r.holds(now) {
		return nil, false
	}
	return &r, true
}

// holds reports whether r still stands at now. One that ends further out
// than rejectionMemory was written by a clock that has since gone back.
func (r rejection) holds(now time.Time) bool {
	return now.Before(r.Until) && r.Until.Sub(now) <= rejectionMemory
}

// sweepRejections deletes every remembered rejection that no longer holds:
// one whose key no call asks for again (after the secret changed, say)
// would otherwise stay on disk for good.
func (c cache) sweepRejections(now time.Time) {
	des, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	for _, de := range des {
		if !strings.HasSuffix(de.Name(), ".rejected") {
			continue
		}
		p := filepath.Join(c.dir, de.Name())
		if b, err := readSmall(p); err == nil {
			if _, ok := parseRejection(b, now); !ok {
				os.Remove(p)
			}
		}
	}
}

func (c cache) rememberRejection(k cacheKey, msg string, now time.Time) {
	if c.dir == "" || c.mkdir() != nil {
		return
	}
	c.sweepRejections(now)
	b, _ := json.Marshal(rejection{Until: now.Add(rejectionMemory), Msg: msg})
	_ = privfile.WriteAtomic(c.path(k, ".rejected"), b)
}

func (c cache) forgetRejection(k cacheKey) {
	if c.dir != "" {
		os.Remove(c.path(k, ".rejected"))
	}
}

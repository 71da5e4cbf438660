package tokenserver

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// modeSpec is one word of the mode language (see Modes): how many
// arguments it takes and what it changes. set runs with s.mu held.
type modeSpec struct {
	min, max int
	set      func(s *Server, args []string) error
}

// modes maps each mode name to its spec; Modes documents them, so an entry
// added here belongs there too.
var modes = map[string]modeSpec{
	"ok":            {0, 1, setOK},
	"expires-in":    {1, 1, setExpiresIn},
	"tokentype":     {1, 1, func(s *Server, a []string) error { s.tokenType = a[0]; return nil }},
	"issue":         {1, 1, setIssue},
	"status":        {1, 2, setStatus},
	"html":          {0, 0, answerMode("html")},
	"badjson":       {0, 0, answerMode("badjson")},
	"noaccesstoken": {0, 0, answerMode("noaccesstoken")},
	"huge":          {0, 0, answerMode("huge")},
	"hang":          {0, 0, answerMode("hang")},
	"reset":         {0, 0, answerMode("reset")},
	"redirect":      {0, 1, setRedirect},
	"retryafter":    {1, 1, func(s *Server, a []string) error { s.retryAfter = a[0]; return nil }},
	"secret":        {1, 1, func(s *Server, a []string) error { s.clients[ClientID] = a[0]; return nil }},
	"client":        {2, 2, func(s *Server, a []string) error { s.clients[a[0]] = a[1]; return nil }},
	"anyclient":     {0, 0, func(s *Server, _ []string) error { s.anyClient = true; return nil }},
	"certclient":    {2, 2, setCertClient},
	"discovery":     {1, 2, setDiscovery},
	"delay":         {1, 1, setDelay},
}

// Set changes how the server answers; see Modes.
func (s *Server) Set(args ...string) error {
	if len(args) == 0 {
		return errors.New("missing mode\n" + Modes)
	}
	mode, args := args[0], args[1:]
	spec, ok := modes[mode]
	if !ok {
		return fmt.Errorf("unknown mode %q\n%s", mode, Modes)
	}
	if len(args) < spec.min || len(args) > spec.max {
		return fmt.Errorf("wrong number of arguments for %q\n%s", mode, Modes)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return spec.set(s, args)
}

// MustSet is Set for modes a test knows to be right.
func (s *Server) MustSet(tb TB, args ...string) {
	tb.Helper()
	if err := s.Set(args...); err != nil {
		tb.Fatalf("tokenserver: %v", err)
	}
}

// answerMode is a mode without arguments that only changes the answer.
func answerMode(mode string) func(*Server, []string) error {
	return func(s *Server, _ []string) error {
		s.mode = mode
		return nil
	}
}

// setOK goes back to normal answers; it does so even when EXPIRES_IN is
// bad, so a script that fails here does not leave "hang" behind.
func setOK(s *Server, args []string) error {
	s.mode, s.tokenType, s.expiresIn, s.retryAfter, s.issueAs = "ok", "Bearer", 3600, "", ""
	if len(args) == 1 {
		n, err := strconv.Atoi(args[0])
		if err != nil {
			return fmt.Errorf("ok: bad expires_in %q", args[0])
		}
		s.expiresIn = n
	}
	return nil
}

func setExpiresIn(s *Server, args []string) error {
	if args[0] == "none" {
		s.expiresIn = -1
		return nil
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n < 0 {
		return fmt.Errorf("expires-in: want a number of seconds or none, not %q", args[0])
	}
	s.expiresIn = n
	return nil
}

// setIssue decodes Go escapes so that a script can ask for a token with
// control characters in it, which a shell argument cannot carry as such.
func setIssue(s *Server, args []string) error {
	v, err := strconv.Unquote(`"` + strings.ReplaceAll(args[0], `"`, `\"`) + `"`)
	if err != nil || v == "" {
		return fmt.Errorf("issue: bad token %q: %v", args[0], err)
	}
	s.issueAs = v
	return nil
}

func setStatus(s *Server, args []string) error {
	code, err := strconv.Atoi(args[0])
	if err != nil || code < 100 || code > 599 {
		return fmt.Errorf("status: bad HTTP status %q", args[0])
	}
	s.mode, s.status = "status", code
	s.body = fmt.Sprintf(`{"error":"server_error","error_description":"fake server answers %d"}`, code)
	if len(args) == 2 {
		s.body = args[1]
	}
	return nil
}

// setRedirect defaults to the capture target; a server from NewHandler has
// none, so it needs a URL.
func setRedirect(s *Server, args []string) error {
	s.mode, s.redirectTo = "redirect", s.CaptureURL
	if len(args) == 1 {
		s.redirectTo = args[0]
	}
	if s.redirectTo == "" {
		return errors.New("redirect: no URL and no redirect target")
	}
	return nil
}

func setDelay(s *Server, args []string) error {
	d, err := time.ParseDuration(args[0])
	if err != nil {
		return fmt.Errorf("delay: %v", err)
	}
	s.delay = d
	return nil
}

var errBadDiscovery = errors.New("discovery: want ok, html, issuer URL or methods LIST")

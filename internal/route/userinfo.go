package route

import "strings"

// StripUserinfo removes the userinfo ("user:password@") from s, a URL or a
// host as a caller gave it, so that a message can quote s. Every error that
// quotes a resource, a host or a token URL passes it through here first.
//
// The userinfo is taken to run from the start of the authority (after
// "scheme://", or the start of s) to the LAST '@' in s, not to the first
// '@' of the authority as a URL parser would: a password may hold an
// unescaped '/', '?', '#' or '@' ("https://bob:hunter2/x@host"), and the
// parser's reading of such a string is exactly the one that quotes the
// password. A '@' in a path ("h/img@sha256:...") thus costs the message
// its host, never a password.
func StripUserinfo(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return s
	}
	start := 0
	if i := strings.Index(s, "://"); i >= 0 && i < at && isScheme(s[:i]) {
		start = i + len("://")
	}
	return s[:start] + s[at+1:]
}

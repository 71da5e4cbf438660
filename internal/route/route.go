// Package route reads what a caller names (a URL, host, host:port or
// host/path) as the scheme, host and port a token would travel to, matches
// it against host patterns, and says whether a token may go there at all:
// https, or plain http to this machine only.
package route

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// HostPort reduces a resource named by a caller to the lowercase host and the
// port it names. It accepts URLs ("https://h:8443/path", "grpcs://h/pkg.S/M"),
// "host:port", "host/repo", "host:port/repo", bare hosts, and IPv6 literals in
// brackets ("[::1]:8443", returned as host "::1"). Userinfo is ignored and a
// trailing dot is removed. port is "" when the resource names none, and is
// otherwise a decimal number without leading zeros.
//
// Hosts are ASCII: letters, digits, '-', '_' and '.' (an internationalised
// name must be given in its punycode form, as Terraform already sends it).
// A backslash before the path is refused, since browsers read it as '/'.
// Errors never quote the userinfo.
func HostPort(resource string) (host, port string, err error) {
	s := strings.TrimSpace(resource)
	if s == "" {
		return "", "", errors.New("empty host")
	}
	if scheme, rest, ok := strings.Cut(s, "://"); ok && isScheme(scheme) {
		s = rest
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if strings.ContainsRune(s, '\\') {
		// Browsers read '\' as '/': refuse rather than guess the host.
		return "", "", errors.New("invalid host: backslash in the authority")
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:] // the userinfo may hold a password: never quote it
	}
	if s == "" {
		return "", "", errors.New("no host in resource")
	}
	host, port, err = splitHostPort(s)
	if err != nil {
		if strings.Contains(resource, "@") {
			// s may be the start of a userinfo whose password holds a
			// '/' ("https://bob:hunter2/x@h" gives "bob:hunter2"): quote
			// neither s nor the reason, which may quote a part of it.
			return "", "", fmt.Errorf("invalid host or user name in %q", StripUserinfo(strings.TrimSpace(resource)))
		}
		return "", "", fmt.Errorf("invalid host %q: %w", s, err)
	}
	return host, port, nil
}

// MatchHost reports whether a host pattern serves t. Matching is
// case-insensitive.
//
// A pattern is an exact host ("git.example.com") or "*." followed by a
// suffix ("*.example.com"), which matches every subdomain of the suffix at
// any depth ("a.example.com", "a.b.example.com") but NOT the bare suffix
// ("example.com"): list that separately if it must be served.
//
// A pattern without a port matches only the default port of t's scheme
// (443 for https, 80 for http), so that "git.example.com" does not also
// hand its token to whatever listens on git.example.com:8443. A pattern
// with a port ("h:8443", "*.example.com:443") matches only that port.
// An invalid pattern matches nothing.
func MatchHost(pattern string, t Target) bool {
	phost, pport, err := splitPattern(pattern)
	if err != nil {
		return false
	}
	if pport == "" {
		pport, _ = defaultPort(t.Scheme)
	}
	if pport == "" || t.Port != pport {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(t.Host), ".")
	if suffix, ok := strings.CutPrefix(phost, "*"); ok {
		return len(host) > len(suffix) && strings.HasSuffix(host, suffix)
	}
	return host == phost
}

// ValidHostPattern reports why p cannot be used as a host pattern (see
// MatchHost), or nil if it can. It rejects empty patterns, schemes, paths,
// userinfo, spaces, invalid ports, and a '*' anywhere but as a leading "*."
// label.
func ValidHostPattern(p string) error {
	_, _, err := splitPattern(p)
	return err
}

// isScheme reports whether s is a URL scheme (RFC 3986 section 3.1).
func isScheme(s string) bool {
	for i, r := range s {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
		case i > 0 && ('0' <= r && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// splitPattern splits a host pattern into a lowercase host (which may start
// with "*.") and a normalised port.
func splitPattern(p string) (host, port string, err error) {
	switch {
	case p == "":
		return "", "", errors.New("empty host pattern")
	case strings.Contains(p, "@"):
		// Checked first: the other messages quote p, userinfo and all.
		return "", "", fmt.Errorf("host pattern %q has a user name; give the host only", StripUserinfo(p))
	case strings.Contains(p, "://"):
		return "", "", fmt.Errorf("host pattern %q has a scheme; give the host only", p)
	case strings.ContainsAny(p, "/?#"):
		return "", "", fmt.Errorf("host pattern %q has a path; give the host only", p)
	}
	rest, wild := strings.CutPrefix(p, "*.")
	host, port, err = splitHostPort(rest)
	if err != nil {
		return "", "", fmt.Errorf("invalid host pattern %q: %w", p, err)
	}
	if wild {
		if _, ok := parseIP(host); ok {
			return "", "", fmt.Errorf("invalid host pattern %q: '*.' needs a domain name", p)
		}
		host = "*." + host
	}
	return host, port, nil
}

// splitHostPort splits "host", "host:port", "[v6]" or "[v6]:port".
func splitHostPort(s string) (host, port string, err error) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", errors.New("missing ']'")
		}
		host, rest := s[1:end], s[end+1:]
		ip, ok := parseIP(host)
		if !ok || !strings.Contains(host, ":") {
			return "", "", errors.New("bad IPv6 address")
		}
		if rest != "" {
			p, ok := strings.CutPrefix(rest, ":")
			if !ok {
				return "", "", errors.New("junk after ']'")
			}
			if port, err = normPort(p); err != nil {
				return "", "", err
			}
		}
		return ip.String(), port, nil
	}
	if strings.Count(s, ":") > 1 {
		if ip, ok := parseIP(s); ok {
			return ip.String(), "", nil
		}
		return "", "", errors.New("too many colons")
	}
	if h, p, ok := strings.Cut(s, ":"); ok {
		if port, err = normPort(p); err != nil {
			return "", "", err
		}
		s = h
	}
	host = strings.TrimSuffix(strings.ToLower(s), ".")
	if err := checkHost(host); err != nil {
		return "", "", err
	}
	return host, port, nil
}

// checkHost accepts a non-empty ASCII DNS name or IPv4 address.
func checkHost(h string) error {
	if h == "" {
		return errors.New("empty host")
	}
	if len(h) > 253 {
		return errors.New("host name too long")
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" {
			return errors.New("empty label in host name")
		}
	}
	for _, r := range h {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '-', r == '_', r == '.':
		default:
			return fmt.Errorf("character %q not allowed in a host name", r)
		}
	}
	return nil
}

// normPort validates a decimal port and drops leading zeros. An empty port
// (as in "h:") means no port, as in net/url.
func normPort(p string) (string, error) {
	if p == "" {
		return "", nil
	}
	if len(p) > 5 || strings.Trim(p, "0123456789") != "" {
		return "", fmt.Errorf("bad port %q", p)
	}
	n, _ := strconv.Atoi(p)
	if n > 65535 {
		return "", fmt.Errorf("bad port %q", p)
	}
	return strconv.Itoa(n), nil
}

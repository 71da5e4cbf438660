package route

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// Target is a resource as routing sees it: where a token would travel.
type Target struct {
	Scheme string // lowercase; "https" when the resource names none
	Host   string // as HostPort returns it
	Port   string // the port named, else the scheme's default ("" if it has none)
}

// defaultPort is the default port of the schemes a token may travel over
// (known: the scheme is one of them). A switch, not a map: nothing to build
// at start-up. grpcs is TLS like https: Bazel's remote cache and Zeebe's gateway
// are named so. http is served only to loopback hosts (see Target.served).
func defaultPort(scheme string) (port string, known bool) {
	switch scheme {
	case "https", "grpcs":
		return "443", true
	case "http":
		return "80", true
	}
	return "", false
}

// ParseTarget reduces a resource named by a caller to a Target. The
// resource is a URL or, without a scheme, a host, host:port or host/path,
// which means https (a docker registry, Terraform's HOST, a line of get).
func ParseTarget(resource string) (Target, error) {
	host, port, err := HostPort(resource)
	if err != nil {
		return Target{}, err
	}
	t := Target{Scheme: "https", Host: host, Port: port}
	if s, _, ok := strings.Cut(strings.TrimSpace(resource), "://"); ok && isScheme(s) {
		t.Scheme = strings.ToLower(s)
	}
	if t.Port == "" {
		t.Port, _ = defaultPort(t.Scheme)
	}
	return t, nil
}

// Served reports why no token may be sent to t, or nil: a token is sent
// over TLS, or in plain http to this machine only.
func (t Target) Served() error {
	switch _, known := defaultPort(t.Scheme); {
	case !known:
		return fmt.Errorf("tokens are not sent over %s: only https (and http to localhost)", t.Scheme)
	case t.Scheme == "http" && !IsLoopback(t.Host):
		return fmt.Errorf("tokens are not sent over plain http to %s: only https (and http to localhost)", t.Host)
	}
	return nil
}

// HostKey is t's host as docker and the --host flag name it: the port is
// left out when it is the scheme's default.
func (t Target) HostKey() string {
	if def, _ := defaultPort(t.Scheme); t.Port != "" && t.Port != def {
		return bracketed(t.Host) + ":" + t.Port
	}
	return bracketed(t.Host)
}

// IsLoopback reports whether host names this machine: localhost or a
// loopback address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, ok := parseIP(host)
	return ok && ip.IsLoopback()
}

// bracketed is host as a URL's authority writes it: an IPv6 address in
// brackets.
func bracketed(host string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}

// parseIP is net.ParseIP on package net/netip: an address without a zone,
// an IPv4-mapped one as IPv4. Package net is not used here because the fast
// front links this package: net would bring in cgo's resolver and, in a
// default build, the dynamic loader, whose start-up every cached call pays.
func parseIP(s string) (netip.Addr, bool) {
	ip, err := netip.ParseAddr(s)
	if err != nil || ip.Zone() != "" {
		return netip.Addr{}, false
	}
	return ip.Unmap(), true
}

// IsLocalhostName reports whether host is "localhost" or a name under
// ".localhost", which RFC 6761 reserves for this machine: the token path
// connects such a name to 127.0.0.1 or ::1 only, never where /etc/hosts or
// a resolver would send it.
func IsLocalhostName(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}

// NormalizeURL makes equivalent token URLs equal: case of scheme and host,
// default ports and trailing slashes.
func NormalizeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	u.Fragment = ""
	return u.String()
}

package tokenserver

import (
	"net/http"
	"net/url"
	"strings"
)

// Captured is one request the redirect target received.
type Captured struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   string
}

// CarriesSecret reports whether a captured request contains secret anywhere
// a client could have put it: body, query, headers, Basic credentials.
func (c Captured) CarriesSecret(secret string) bool {
	forms := []string{secret, url.QueryEscape(secret)}
	hay := []string{c.Body, c.RawQuery}
	for _, vs := range c.Header {
		hay = append(hay, vs...)
	}
	if user, pass, ok := (&http.Request{Header: c.Header}).BasicAuth(); ok {
		hay = append(hay, user, pass)
	}
	for _, h := range hay {
		for _, f := range forms {
			if strings.Contains(h, f) {
				return true
			}
		}
	}
	return false
}

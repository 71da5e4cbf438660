package tokenserver

import (
	"io"
	"net/http"
	"strings"
)

// WellKnown is where the server answers OpenID Connect discovery (GET).
const WellKnown = "/.well-known/openid-configuration"

// serveDiscovery answers a GET of WellKnown with the issuer's metadata: the
// issuer is Root (the URL the request came to, without the path), the
// token endpoint Path under it; the "discovery" mode changes it.
func (s *Server) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	issuer, methods, mode := s.discoIssuer, s.discoMethods, s.discoMode
	s.mu.Unlock()
	root := strings.TrimSuffix(requestURL(r), WellKnown)
	if issuer == "" {
		issuer = root
	}
	if mode == "html" {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body>Sign in</body></html>\n")
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{
		"issuer":                                issuer,
		"token_endpoint":                        root + Path,
		"token_endpoint_auth_methods_supported": methods,
		"token_endpoint_auth_signing_alg_values_supported": []string{"RS256", "PS256", "ES256"},
		"grant_types_supported":                            []string{"client_credentials"},
	})
}

// setDiscovery is the "discovery" mode: ok, html, issuer URL, methods LIST.
func setDiscovery(s *Server, args []string) error {
	switch {
	case args[0] == "ok" && len(args) == 1:
		s.discoMode, s.discoIssuer, s.discoMethods = "", "", defaultMethods()
	case args[0] == "html" && len(args) == 1:
		s.discoMode = "html"
	case args[0] == "issuer" && len(args) == 2:
		s.discoIssuer = args[1]
	case args[0] == "methods" && len(args) == 2:
		s.discoMethods = strings.Split(args[1], ",")
	default:
		return errBadDiscovery
	}
	return nil
}

func defaultMethods() []string {
	return []string{"client_secret_post", "client_secret_basic", "private_key_jwt"}
}

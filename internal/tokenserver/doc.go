// Package tokenserver is the one fake OAuth 2.0 token endpoint (RFC 6749
// section 4.4, client credentials) of the tests: the helper's, the agent's
// and the command line's, and the end-to-end scripts' "tokenserver" command.
// It is used only by tests and by testdata/bench/tokenserver.
//
//	s := tokenserver.New(t)  // s.URL is http://127.0.0.1:PORT/oauth/token
//	s.Set("status", "503")   // the mode language of Modes
//	s.Requests()             // what the clients sent
//	s.Respond(f)             // or answer with a handler of the test's own
//
// By default it accepts client "cid" with secret "s3cr3t" (ClientID,
// ClientSecret), authenticated in the form body or with HTTP Basic
// (form-encoded first, RFC 6749 2.3.1), and answers
// {"access_token":"tok-N","token_type":"Bearer","expires_in":3600} where N
// counts the tokens issued so far (1, 2, ...). It answers on every path, so
// a test may give each profile a token URL of its own under Root.
//
// Each server has a twin over TLS (TLSURL, with a certificate of its own CA,
// CAPEM) and a redirect target that records what reaches it (CaptureURL).
package tokenserver

const (
	ClientID     = "cid"    // the client the server accepts by default
	ClientSecret = "s3cr3t" // its secret
	Path         = "/oauth/token"
	HugeBodySize = 16 << 20 // bytes of padding in "huge" mode
	maxBody      = 1 << 20  // bytes of a request body the server reads
)

// Modes documents the mode language of Set (and of the scripts'
// "tokenserver" command).
const Modes = `tokenserver modes:
  ok [EXPIRES_IN]        normal answers again (token type Bearer; expires_in 3600 or EXPIRES_IN)
  expires-in N|none      expires_in to send, or none to leave it out
  tokentype VALUE        token_type to send (e.g. mac, bearer)
  issue VALUE            access_token to send instead of tok-N, with Go escapes (\r, \n, \t, \x00) decoded
  status CODE [BODY]     answer every request with CODE and BODY (default: a JSON error)
  html                   answer with an HTML 500 page, as a proxy or load balancer would
  badjson                200 with a truncated JSON body
  noaccesstoken          200 with JSON that has no access_token
  huge                   200 with a valid JSON body of more than 16 MiB
  hang                   never answer (until the client gives up)
  redirect [URL]         302 to URL (default: $CAPTURE_URL, a server that records what it gets)
  reset                  hijack the connection and reset it
  retryafter N           answer the next request with 429 and Retry-After: N, then normally
  secret VALUE           the secret accepted for client cid
  client ID SECRET       also accept client ID with SECRET
  anyclient              accept every client ID and secret (one authentication method still)
  certclient ID FILE     accept client ID with a private_key_jwt assertion signed by the key of the PEM
                         certificate in FILE, checked as Entra ID does (x5t, aud, 5-minute lifetime, jti once)
  discovery ok|html      the OIDC metadata at ROOT/.well-known/openid-configuration (GET): issuer ROOT,
  discovery issuer URL   token endpoint ROOT/oauth/token; or an HTML page; or another issuer named;
  discovery methods LIST or only these token_endpoint_auth_methods_supported (comma-separated)
  delay DURATION         wait this long before answering (0 to stop)`

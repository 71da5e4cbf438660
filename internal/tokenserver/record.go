package tokenserver

// Respond answers later requests with f instead of the modes (nil: the
// modes again).
func (s *Server) Respond(f RespondFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.respond = f
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Count is the number of requests received so far.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// Last returns the last request received; it fails the test if there was
// none.
func (s *Server) Last(tb TB) Request {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.requests) == 0 {
		tb.Fatalf("the token server received no request")
		return Request{}
	}
	return s.requests[len(s.requests)-1]
}

// ForgetRequests drops the requests recorded so far (Count starts again
// from 0); the tokens issued stay valid.
func (s *Server) ForgetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// Issued is the number of token answers so far: tok-1 to tok-N.
func (s *Server) Issued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}

// Tokens lists the access tokens sent so far, oldest first.
func (s *Server) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokens...)
}

// IssuedToken reports whether tok is an access token the server sent.
func (s *Server) IssuedToken(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		if t == tok {
			return true
		}
	}
	return false
}

// Captured returns the requests the redirect target received.
func (s *Server) Captured() []Captured {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Captured(nil), s.capturedReqs...)
}

// Secrets returns every client secret the server accepts by name.
func (s *Server) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, v := range s.clients {
		out = append(out, v)
	}
	return out
}

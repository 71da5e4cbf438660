package tokenserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

// issueByMode sends the next token in the shape the mode asks for.
func (s *Server) issueByMode(w http.ResponseWriter, mode string) {
	tok := s.token(nil)
	switch mode {
	case "badjson":
		// Counted as issued but not recorded as sent: no client can read it.
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"`+tok["access_token"].(string)+`","token_type":"Bea`)
	case "noaccesstoken":
		delete(tok, "access_token")
		s.send(w, tok)
	case "huge":
		s.record(tok)
		writeHuge(w, tok)
	default:
		s.send(w, tok)
	}
}

// Issue answers, from a RespondFunc, with the next token as the modes would
// make it (tok-N, Bearer, expires_in 3600 by default); fields override
// those (a nil value removes a field). It returns the access token sent.
func (s *Server) Issue(w http.ResponseWriter, fields map[string]any) string {
	return s.send(w, s.token(fields))
}

// token counts one more token and returns the answer the modes make of
// it, with fields on top (a nil value removes a field).
func (s *Server) token(fields map[string]any) map[string]any {
	s.mu.Lock()
	s.issued++
	n, expiresIn, tokenType, issueAs := s.issued, s.expiresIn, s.tokenType, s.issueAs
	s.mu.Unlock()
	tok := map[string]any{"access_token": "tok-" + strconv.Itoa(n), "token_type": tokenType}
	if issueAs != "" {
		tok["access_token"] = issueAs
	}
	if expiresIn >= 0 {
		tok["expires_in"] = expiresIn
	}
	for k, v := range fields {
		if v == nil {
			delete(tok, k)
		} else {
			tok[k] = v
		}
	}
	return tok
}

// record notes the access token of an answer as sent.
func (s *Server) record(tok map[string]any) string {
	at, _ := tok["access_token"].(string)
	if at != "" {
		s.mu.Lock()
		s.tokens = append(s.tokens, at)
		s.mu.Unlock()
	}
	return at
}

func (s *Server) send(w http.ResponseWriter, tok map[string]any) string {
	at := s.record(tok)
	WriteJSON(w, http.StatusOK, tok)
	return at
}

// writeHuge sends a valid token response padded past HugeBodySize.
func writeHuge(w http.ResponseWriter, tok map[string]any) {
	head, _ := json.Marshal(tok)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(append(head[:len(head)-1], `,"padding":"`...)); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	for range HugeBodySize / len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return // the client stopped reading
		}
	}
	io.WriteString(w, `"}`)
}

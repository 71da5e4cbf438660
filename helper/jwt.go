package helper

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// jwtClaims are the claims the helper reads from an access token that is a
// JWT. The signature is never checked: the claims only inform the cache
// lifetime and doctor, never a decision to trust the token.
type jwtClaims struct {
	Exp   float64 `json:"exp"`
	Iat   float64 `json:"iat"`
	Aud   any     `json:"aud"`   // a string or a list of strings
	Scope any     `json:"scope"` // a space-separated string, or a list (scp on some IdPs)
}

// parseJWT decodes the payload of a JWT access token; ok is false for an
// opaque token.
func parseJWT(tok string) (jwtClaims, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || len(parts[1]) > 16<<10 {
		return jwtClaims{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return jwtClaims{}, false
	}
	var c jwtClaims
	if json.Unmarshal(b, &c) != nil {
		return jwtClaims{}, false
	}
	return c, true
}

// audiences returns the aud claim as a list.
func (c jwtClaims) audiences() []string {
	return stringList(c.Aud)
}

// scopes returns the scope claim as a list.
func (c jwtClaims) scopes() []string {
	if s, ok := c.Scope.(string); ok {
		return strings.Fields(s)
	}
	return stringList(c.Scope)
}

func stringList(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// jwtLifetime is how long a JWT access token is valid from now, judged by
// its exp claim (and, without expires_in, by exp-iat, which does not depend
// on the clocks agreeing). ok is false when the token says nothing usable.
func jwtLifetime(tok string, now time.Time) (time.Duration, bool) {
	c, ok := parseJWT(tok)
	if !ok || c.Exp <= 0 {
		return 0, false
	}
	exp := time.Unix(int64(c.Exp), 0)
	life := exp.Sub(now)
	if c.Iat > 0 && c.Exp > c.Iat {
		life = min(life, exp.Sub(time.Unix(int64(c.Iat), 0)))
	}
	return life, life > 0
}

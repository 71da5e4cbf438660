package agentwire

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// The messages of a typical cached token call: the fast client's request
// and the agent's answer with a JWT-sized token.
var (
	benchRequest = Request{Op: OpToken, Version: "v1.4.0",
		Env: map[string]string{"HOME": "/home/user", "XDG_RUNTIME_DIR": "/run/user/1000",
			"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus"},
		Config: "/home/user/.config/camunda-credential-helper/config.toml", Profile: "work",
		Resource: "https://bru-2.zeebe.camunda.io", MinTTL: time.Minute, Timeout: 30 * time.Second, Interactive: true}
	benchReply = Reply{AccessToken: "eyJhbGciOiJSUzI1NiJ9." + strings.Repeat("x", 900) + ".sig",
		Expiry: time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC), Profile: "work", Username: "client-id"}
)

// BenchmarkCodec writes the request and the reply and reads both back, as
// one call does on its two sides.
func BenchmarkCodec(b *testing.B) {
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		var req Request
		var rep Reply
		if Write(&buf, &benchRequest) != nil || Read(&buf, &req) != nil ||
			Write(&buf, &benchReply) != nil || Read(&buf, &rep) != nil {
			b.Fatal("round trip failed")
		}
	}
}

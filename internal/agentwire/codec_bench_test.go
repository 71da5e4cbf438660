package agentwire

import (
	"bytes"
	be "encoding/binary"
	"encoding/json"
	"errors"
	"io"
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

// jsonWrite and jsonRead are the encoding/json alternative to Write and
// Read, framed with a 4-byte big-endian length.
func jsonWrite(w io.Writer, m any) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if len(b) > MaxMessage {
		return errors.New("agent message too large")
	}
	out := make([]byte, 4, 4+len(b))
	be.BigEndian.PutUint32(out, uint32(len(b)))
	_, err = w.Write(append(out, b...))
	return err
}

func jsonRead(r io.Reader, m any) error {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return err
	}
	n := be.BigEndian.Uint32(hdr[:])
	if n > MaxMessage {
		return errFraming
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return err
	}
	return json.Unmarshal(b, m)
}

// Each benchmark writes the request and the reply and reads both back, as
// one call does on its two sides.
func BenchmarkCodecHand(b *testing.B) {
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

func BenchmarkCodecJSON(b *testing.B) {
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		var req Request
		var rep Reply
		if jsonWrite(&buf, &benchRequest) != nil || jsonRead(&buf, &req) != nil ||
			jsonWrite(&buf, &benchReply) != nil || jsonRead(&buf, &rep) != nil {
			b.Fatal("round trip failed")
		}
	}
}

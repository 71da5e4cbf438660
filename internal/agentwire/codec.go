package agentwire

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"
)

// A message is a 4-byte big-endian length and that many bytes of JSON, one
// object. Unknown names are skipped and missing ones stay zero, so that
// builds one field apart still understand each other (a different build
// retires the agent: see Request.Version).

var errFraming = errors.New("malformed agent message")

// message is a Request or a Reply.
type message interface{ valid() bool }

// JSON would turn invalid UTF-8 into U+FFFD: a message that has any is
// refused rather than sent changed (a path that is not UTF-8 takes the
// direct path).
func (r *Request) valid() bool {
	for k, v := range r.Env {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return false
		}
	}
	return validUTF8(r.Op, r.Version, r.Config, r.Profile, r.Default, r.Resource)
}

func (r *Reply) valid() bool {
	ok := validUTF8(r.Unserved, r.AccessToken, r.Profile, r.Username)
	if r.Err != nil {
		ok = ok && validUTF8(r.Err.Msg, r.Err.Hint)
	}
	if r.Status != nil {
		ok = ok && validUTF8(r.Status.Version, r.Status.Memory)
	}
	return ok
}

func validUTF8(s ...string) bool {
	for _, v := range s {
		if !utf8.ValidString(v) {
			return false
		}
	}
	return true
}

// Write sends one message, in one write.
func Write(w io.Writer, m message) error {
	if !m.valid() {
		return errors.New("agent message is not valid UTF-8")
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if len(b) > MaxMessage {
		return errors.New("agent message too large")
	}
	_, err = w.Write(append(binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(b)), uint32(len(b))), b...))
	return err
}

// Read reads one message into m, and not a byte more.
func Read(r io.Reader, m message) error {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return io.ErrUnexpectedEOF
		}
		return err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > MaxMessage {
		return errFraming
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		if errors.Is(err, io.EOF) {
			return io.ErrUnexpectedEOF
		}
		return err
	}
	if err := json.Unmarshal(b, m); err != nil {
		return errors.Join(errFraming, err)
	}
	return nil
}

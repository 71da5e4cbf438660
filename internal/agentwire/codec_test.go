package agentwire

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// frame wraps body in a message header, as Write does.
func frame(body string) []byte {
	return []byte(fmt.Sprintf("%s %08x\n%s", magic, len(body), body))
}

// roundTrip writes m and reads it back into out.
func roundTrip(t *testing.T, m, out message) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, m); err != nil {
		t.Fatalf("Write() = %v", err)
	}
	n := buf.Len()
	if err := Read(&buf, out); err != nil {
		t.Fatalf("Read() = %v", err)
	}
	if buf.Len() != 0 {
		t.Fatalf("Read() left %d of %d bytes unread", buf.Len(), n)
	}
}

// normRequest makes nil and empty maps equal.
func normRequest(r Request) Request {
	if len(r.Env) == 0 {
		r.Env = nil
	}
	return r
}

// sameRequest compares requests, nil and empty maps alike.
func sameRequest(a, b Request) bool {
	return reflect.DeepEqual(normRequest(a), normRequest(b))
}

// diffReply returns "" when the replies are equal: times compared with
// time.Time.Equal.
func diffReply(got, want Reply) string {
	if !got.Expiry.Equal(want.Expiry) {
		return fmt.Sprintf("Expiry = %v; want %v", got.Expiry, want.Expiry)
	}
	if !got.RefreshAt.Equal(want.RefreshAt) {
		return fmt.Sprintf("RefreshAt = %v; want %v", got.RefreshAt, want.RefreshAt)
	}
	got.Expiry, want.Expiry = time.Time{}, time.Time{}
	got.RefreshAt, want.RefreshAt = time.Time{}, time.Time{}
	if (got.Status == nil) != (want.Status == nil) {
		return fmt.Sprintf("Status = %+v; want %+v", got.Status, want.Status)
	}
	if got.Status != nil {
		gs, ws := *got.Status, *want.Status
		if !gs.Started.Equal(ws.Started) {
			return fmt.Sprintf("Status.Started = %v; want %v", gs.Started, ws.Started)
		}
		gs.Started, ws.Started = time.Time{}, time.Time{}
		got.Status, want.Status = &gs, &ws
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("got  %s\nwant %s", showReply(got), showReply(want))
	}
	return ""
}

func showReply(r Reply) string {
	s := fmt.Sprintf("%+v", r)
	if r.Err != nil {
		s += fmt.Sprintf(" Err=%+v", *r.Err)
	}
	if r.Status != nil {
		s += fmt.Sprintf(" Status=%+v", *r.Status)
	}
	return s
}

// binary holds every byte the framing could trip over.
var binary = []byte("\x00\n\x00 :\n\r\n\xff\xfe" + magic + " 00000000\n" + "op 5:token\n")

func TestRequestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		req  Request
	}{
		{"zero", Request{}},
		{"token, every field", Request{
			Op:           OpToken,
			Version:      "v1.2.3-0.20260101-abcdef",
			Env:          map[string]string{"HOME": "/home/u", "EMPTY": "", "EQ": "a=b==c", "NL": "line1\nline2\n", "SP": " x : 5:y\n"},
			Config:       "/home/u/.config/camunda-credential-helper/config.toml",
			Profile:      "work",
			Default:      "other",
			Resource:     "https://zeebe.camunda.io:443/path?q=1",
			MinTTL:       5 * time.Minute,
			ForceRefresh: true,
			Timeout:      30 * time.Second,
			Interactive:  true,
			Trace:        true,
		}},
		{"framing characters in values", Request{Config: "/tmp/dir with spaces\nand a newline", Resource: string(binary), Default: "a b 5:x\n"}},
		{"empty env value and key", Request{Env: map[string]string{"": "v", "K": ""}}},
		{"env value is a whole field", Request{Env: map[string]string{"A": "1\nop 4:stop\n"}}},
		{"binary resource only", Request{Resource: "\x00"}},
		{"negative durations", Request{MinTTL: -time.Second, Timeout: -1}},
		{"extreme durations", Request{MinTTL: time.Duration(1<<63 - 1), Timeout: time.Duration(-1 << 63)}},
		{"false bools with other fields", Request{Op: OpDrop, Profile: "p"}},
		{"unicode", Request{Profile: "pröfil-✓", Config: "/tmp/日本"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Request
			roundTrip(t, &tt.req, &got)
			if !sameRequest(got, tt.req) {
				t.Errorf("round trip:\ngot  %#v\nwant %#v", got, tt.req)
			}
			for k := range tt.req.Env {
				if _, ok := got.Env[k]; !ok {
					t.Errorf("Env[%q] lost", k)
				}
			}
		})
	}
}

func TestReplyRoundTrip(t *testing.T) {
	expiry := time.Date(2031, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", 3600+1800))
	started := time.Date(2024, 2, 29, 23, 59, 59, 1, time.UTC)
	tests := []struct {
		name string
		rep  Reply
	}{
		{"token", Reply{AccessToken: "eyJhbGciOi.x.y", Expiry: expiry, RefreshAt: expiry.Add(-time.Minute), Profile: "work", Username: "client-id"}},
		{"unserved", Reply{Unserved: "HOME differs from the agent's;\nrun: agent stop"}},
		{"error", Reply{Err: &Error{Kind: 4, Msg: "401 invalid_client:\nbad", Hint: "Fix the credentials (login)\nor retry."}}},
		{"error with zero fields", Reply{Err: &Error{}}},
		{"error with facts", Reply{Err: &Error{Kind: 7, Msg: "no profile serves h", Missing: 4, Profile: "p\nq", Host: "h:5000"}}},
		{"error with a negative kind", Reply{Err: &Error{Kind: -3}}},
		{"framing characters in the token", Reply{AccessToken: string(binary)}},
		{"status", Reply{Status: &Status{Version: "v1.0.0\nx", PID: 4242, Started: started, Idle: 15 * time.Minute, Tokens: 7, Served: 1 << 40, Forwarded: 3}}},
		{"status with zero fields", Reply{Status: &Status{}}},
		{"everything", Reply{
			Unserved:    "u",
			Err:         &Error{Kind: 5, Msg: "m", Hint: "h"},
			AccessToken: "tok",
			Expiry:      expiry,
			RefreshAt:   expiry.Add(-time.Second),
			Profile:     "p",
			Username:    "user",
			Status:      &Status{Version: "devel", PID: 1, Started: started, Idle: time.Nanosecond, Tokens: -1, Served: -2},
			Trace:       "cache: hit in the agent's memory\nkeychain: not read\n",
		}},
		{"expiry before 1970", Reply{Expiry: time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC)}},
		{"expiry one nanosecond after the epoch", Reply{Expiry: time.Unix(0, 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Reply
			roundTrip(t, &tt.rep, &got)
			if d := diffReply(got, tt.rep); d != "" {
				t.Error(d)
			}
		})
	}
}

// A zero Reply costs only the header and comes back as a zero Reply, with
// no Err and no Status.
func TestZeroMessages(t *testing.T) {
	for _, m := range []message{&Request{}, &Reply{}} {
		var buf bytes.Buffer
		if err := Write(&buf, m); err != nil {
			t.Fatal(err)
		}
		if got, want := buf.String(), magic+" 00000000\n"; got != want {
			t.Errorf("Write(%T{}) = %q; want %q", m, got, want)
		}
	}
	var rep Reply
	if err := Read(bytes.NewReader(frame("")), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Err != nil || rep.Status != nil || !reflect.DeepEqual(rep, Reply{}) {
		t.Errorf("zero reply decoded as %s", showReply(rep))
	}
}

// The wire format is pinned: an agent and a client of different builds
// must understand each other.
func TestWireFormat(t *testing.T) {
	tests := []struct {
		name string
		m    message
		want string
	}{
		{"request", &Request{Op: OpToken}, "op 5:token\n"},
		{"request flags", &Request{Default: "a\n", MinTTL: 1500, Interactive: true},
			"default 2:a\n\nmin_ttl 4:1500\ninteractive 1:1\n"},
		{"reply", &Reply{Profile: "p", Err: &Error{Kind: 3}}, "err_kind 1:3\nerr 1:1\nprofile 1:p\n"},
		{"reply expiry", &Reply{Expiry: time.Unix(1, 5), RefreshAt: time.Unix(1, 0)}, "expiry 10:1000000005\nrefresh_at 10:1000000000\n"},
		{"traced request", &Request{Op: OpToken, Trace: true}, "op 5:token\ntrace 1:1\n"},
		{"reply with trace", &Reply{AccessToken: "t", Trace: "cache: miss\n"}, "access_token 1:t\ntrace 12:cache: miss\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tt.m); err != nil {
				t.Fatal(err)
			}
			if got, want := buf.String(), string(frame(tt.want)); got != want {
				t.Errorf("Write() = %q; want %q", got, want)
			}
		})
	}
}

// Read reads exactly one message, so that two in a row both arrive.
func TestReadConsecutive(t *testing.T) {
	var buf bytes.Buffer
	first := Request{Op: OpToken, Profile: "a", Resource: "x"}
	second := Request{Op: OpStatus}
	for _, m := range []*Request{&first, &second} {
		if err := Write(&buf, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []Request{first, second} {
		var got Request
		if err := Read(&buf, &got); err != nil {
			t.Fatal(err)
		}
		if !sameRequest(got, want) {
			t.Errorf("got %#v; want %#v", got, want)
		}
	}
	var extra Request
	if err := Read(&buf, &extra); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("Read() past the end = %v; want io.ErrUnexpectedEOF", err)
	}
}

// Fields may come in any order, unknown ones are skipped, repeated scalar
// fields keep the last value and repeated env fields make a map.
func TestDecodeLenient(t *testing.T) {
	t.Run("request", func(t *testing.T) {
		body := "future 3:abc\nop 5:token\nzz 0:\nenv 3:a=b\nprofile 1:x\nx-env 3:c=d\nenv 2:e=\nprofile 1:y\nforce_refresh 1:0\ninteractive 1:1\n"
		var got Request
		if err := Read(bytes.NewReader(frame(body)), &got); err != nil {
			t.Fatalf("Read() = %v", err)
		}
		want := Request{Op: "token", Env: map[string]string{"a": "b", "e": ""}, Profile: "y", Interactive: true}
		if !sameRequest(got, want) {
			t.Errorf("got %#v; want %#v", got, want)
		}
	})
	tests := []struct {
		name string
		body string
		want Reply
	}{
		{"unknown fields", "unknown 5:a\nb\nc\naccess_token 1:t\nnew_field 0:\n", Reply{AccessToken: "t"}},
		{"err marker before its fields", "err 1:1\nerr_kind 1:3\nerr_msg 2:m\n\n", Reply{Err: &Error{Kind: 3, Msg: "m\n"}}},
		{"err fields without the marker", "err_kind 1:3\nerr_msg 1:m\nerr_hint 1:h\n", Reply{}},
		{"status fields without the marker", "status_pid 2:12\nstatus_tokens 1:3\n", Reply{}},
		{"status marker last", "status_pid 2:12\nstatus_tokens 1:3\nstatus 1:1\n", Reply{Status: &Status{PID: 12, Tokens: 3}}},
		{"request fields are unknown to a reply", "op 5:token\nresource 1:x\nenv 1:=\nprofile 1:p\n", Reply{Profile: "p"}},
		{"size with leading zeros", "profile 03:abc\n", Reply{Profile: "abc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Reply
			if err := Read(bytes.NewReader(frame(tt.body)), &got); err != nil {
				t.Fatalf("Read() = %v", err)
			}
			if d := diffReply(got, tt.want); d != "" {
				t.Error(d)
			}
		})
	}
}

func TestReadMalformed(t *testing.T) {
	// Each input fails for both message types, except those of a field
	// that only a request knows (a reply skips it).
	tests := []struct {
		name        string
		in          []byte
		wantErr     error // nil: any error
		requestOnly bool
	}{
		{name: "empty", in: nil, wantErr: io.ErrUnexpectedEOF},
		{name: "short header", in: []byte(magic + " 000"), wantErr: io.ErrUnexpectedEOF},
		{name: "bad magic", in: []byte("cch-agent/2 00000000\n"), wantErr: errFraming},
		{name: "bad magic case", in: []byte("CCH-AGENT/1 00000000\n"), wantErr: errFraming},
		{name: "JSON", in: []byte(`{"op":"token","profile":"x"}` + "\n"), wantErr: errFraming},
		{name: "no space after magic", in: []byte(magic + "_00000000\n"), wantErr: errFraming},
		{name: "no newline after length", in: []byte(magic + " 00000000 "), wantErr: errFraming},
		{name: "non-hex length", in: []byte(magic + " 0000000g\n"), wantErr: errFraming},
		{name: "signed length", in: []byte(magic + " +0000001\nx"), wantErr: errFraming},
		{name: "spaces in length", in: []byte(magic + "     1  \nx"), wantErr: errFraming},
		{name: "length over MaxMessage", in: []byte(fmt.Sprintf("%s %08x\n", magic, MaxMessage+1)), wantErr: errFraming},
		{name: "length at the 32-bit limit", in: []byte(magic + " ffffffff\n"), wantErr: errFraming},
		{name: "truncated body", in: frame("op 5:token\n")[:header+6], wantErr: io.ErrUnexpectedEOF},
		{name: "missing body", in: []byte(magic + " 0000000b\n")},
		{name: "size past the end", in: frame("op 50:token\n"), wantErr: errFraming},
		{name: "size one past the end", in: frame("op 6:token\n"), wantErr: errFraming},
		{name: "no newline after value", in: frame("op 4:token\n"), wantErr: errFraming},
		{name: "other byte after value", in: frame("op 5:tokenXop 1:x\n"), wantErr: errFraming},
		{name: "value ends the body", in: frame("op 5:token"), wantErr: errFraming},
		{name: "negative size", in: frame("op -1:token\n"), wantErr: errFraming},
		// A negative size would point back at the newline before it.
		{name: "negative size onto a newline", in: frame("\n -5:"), wantErr: errFraming},
		{name: "negative size onto a newline in a name", in: frame("a\nb -6:xyz\n"), wantErr: errFraming},
		{name: "non-numeric size", in: frame("op x:token\n"), wantErr: errFraming},
		{name: "hex size", in: frame("op 0x5:token\n"), wantErr: errFraming},
		{name: "empty size", in: frame("op :token\n"), wantErr: errFraming},
		{name: "size with a space", in: frame("op  5:token\n"), wantErr: errFraming},
		{name: "huge size", in: frame("op 99999999999999999999:token\n"), wantErr: errFraming},
		{name: "no space", in: frame("op5:token\n"), wantErr: errFraming},
		{name: "no colon", in: frame("op 5token\n"), wantErr: errFraming},
		{name: "empty name", in: frame(" 5:token\n"), wantErr: errFraming},
		{name: "colon in name", in: frame("o:p 5:token\n"), wantErr: errFraming},
		{name: "garbage after a field", in: frame("profile 1:p\nx"), wantErr: errFraming},
		{name: "lone newline", in: frame("\n"), wantErr: errFraming},
		{name: "good field then negative size", in: frame("profile 1:t\nprofile -3:abc\n"), wantErr: errFraming},
		{name: "env without =", in: frame("env 3:abc\n"), wantErr: errFraming, requestOnly: true},
		{name: "non-numeric min_ttl", in: frame("min_ttl 2:1s\n"), wantErr: errFraming, requestOnly: true},
		{name: "non-numeric timeout", in: frame("timeout 1:x\n"), wantErr: errFraming, requestOnly: true},
		{name: "empty timeout", in: frame("timeout 0:\n"), wantErr: errFraming, requestOnly: true},
		{name: "float min_ttl", in: frame("min_ttl 3:1.5\n"), wantErr: errFraming, requestOnly: true},
		{name: "overflowing min_ttl", in: frame("min_ttl 20:99999999999999999999\n"), wantErr: errFraming, requestOnly: true},
		{name: "err_kind with spaces", in: frame("err_kind 3: 1 \nerr 1:1\n"), wantErr: errFraming},
		{name: "err_kind x", in: frame("err_kind 1:x\nerr 1:1\n"), wantErr: errFraming},
		{name: "non-numeric expiry", in: frame("expiry 3:abc\n"), wantErr: errFraming},
		{name: "RFC 3339 expiry", in: frame("expiry 20:2031-05-06T07:08:09Z\n"), wantErr: errFraming},
		{name: "status_pid x", in: frame("status_pid 1:x\nstatus 1:1\n"), wantErr: errFraming},
		{name: "status_started x", in: frame("status_started 1:x\n"), wantErr: errFraming},
		{name: "status_idle 1m", in: frame("status_idle 2:1m\n"), wantErr: errFraming},
		{name: "status_tokens empty", in: frame("status_tokens 0:\n"), wantErr: errFraming},
		{name: "status_served overflow", in: frame("status_served 20:99999999999999999999\n"), wantErr: errFraming},
	}
	// The reply-only fields above are unknown to a request, which skips them.
	replyOnly := func(name string) bool {
		return strings.HasPrefix(name, "err_") || strings.Contains(name, "expiry") || strings.HasPrefix(name, "status")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := []message{&Request{}, &Reply{}}
			switch {
			case tt.requestOnly:
				ms = ms[:1]
			case replyOnly(tt.name):
				ms = ms[1:]
			}
			for _, m := range ms {
				err := Read(bytes.NewReader(tt.in), m)
				switch {
				case err == nil:
					t.Errorf("Read(%q) into %T = nil; want an error", tt.in, m)
				case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
					t.Errorf("Read(%q) into %T = %v; want %v", tt.in, m, err, tt.wantErr)
				}
			}
		})
	}
}

// errWriter fails every write.
type errWriter struct{ n int }

func (w *errWriter) Write(b []byte) (int, error) {
	w.n++
	return 0, errors.New("disk on fire")
}

func TestWriteLimits(t *testing.T) {
	// resourceFor returns a Resource whose request body is exactly n bytes.
	resourceFor := func(n int) string {
		size := n - len("resource :\n")
		for size+len("resource :\n")+len(strconv.Itoa(size)) > n {
			size--
		}
		return strings.Repeat("\n", size)
	}
	t.Run("exactly MaxMessage", func(t *testing.T) {
		req := Request{Resource: resourceFor(MaxMessage)}
		if n := len(req.encode()) - header; n != MaxMessage {
			t.Fatalf("test set-up: body is %d bytes; want %d", n, MaxMessage)
		}
		var got Request
		roundTrip(t, &req, &got)
		if got.Resource != req.Resource {
			t.Errorf("Resource of %d bytes came back as %d bytes", len(req.Resource), len(got.Resource))
		}
	})
	manyEnv := make(map[string]string, MaxMessage/6)
	for i := range MaxMessage / 6 {
		manyEnv[strconv.Itoa(i)] = ""
	}
	tests := []struct {
		name string
		m    message
	}{
		{"request one byte over", &Request{Resource: resourceFor(MaxMessage) + "x"}},
		{"request far over", &Request{Config: strings.Repeat("x", 2*MaxMessage)}},
		{"request with many env entries", &Request{Env: manyEnv}},
		{"reply over", &Reply{AccessToken: strings.Repeat("t", MaxMessage/2), Unserved: strings.Repeat("u", MaxMessage/2)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tt.m); err == nil {
				t.Fatalf("Write() of a %d-byte body = nil; want an error", len(tt.m.encode())-header)
			}
			if buf.Len() != 0 {
				t.Errorf("Write() refused the message but wrote %d bytes", buf.Len())
			}
		})
	}
	t.Run("writer error", func(t *testing.T) {
		w := &errWriter{}
		if err := Write(w, &Request{Op: OpToken}); err == nil || w.n == 0 {
			t.Errorf("Write() to a failing writer = %v after %d writes; want its error", err, w.n)
		}
	})
}

// fill sets every exported field of the struct v points to, recursively,
// to a distinct non-zero value.
func fill(t *testing.T, v reflect.Value, n *int) {
	t.Helper()
	v = v.Elem()
	for i := 0; i < v.NumField(); i++ {
		f, sf := v.Field(i), v.Type().Field(i)
		if !sf.IsExported() {
			continue
		}
		*n++
		switch {
		case f.Type() == reflect.TypeOf(time.Time{}):
			f.Set(reflect.ValueOf(time.Unix(1_700_000_000+int64(*n), int64(*n))))
		case f.Kind() == reflect.String:
			f.SetString(fmt.Sprintf("%s-%d\n=:", sf.Name, *n))
		case f.Kind() == reflect.Bool:
			f.SetBool(true)
		case f.CanInt():
			f.SetInt(int64(1000 + *n))
		case f.Type() == reflect.TypeOf([]byte(nil)):
			f.SetBytes([]byte{0, '\n', byte(*n)})
		case f.Type() == reflect.TypeOf([]string(nil)):
			f.Set(reflect.ValueOf([]string{"", sf.Name, ""}))
		case f.Type() == reflect.TypeOf(map[string]string(nil)):
			f.Set(reflect.ValueOf(map[string]string{"K": "a=b\n", "E": ""}))
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Struct:
			p := reflect.New(f.Type().Elem())
			fill(t, p, n)
			f.Set(p)
		default:
			t.Fatalf("fill: no value for %s %s; extend the test", sf.Name, f.Type())
		}
	}
}

// lost lists the exported fields of got and want (struct pointers) that
// differ, as dotted paths.
func lost(got, want reflect.Value, path string) []string {
	got, want = got.Elem(), want.Elem()
	var out []string
	for i := 0; i < want.NumField(); i++ {
		sf := want.Type().Field(i)
		if !sf.IsExported() {
			continue
		}
		g, w, name := got.Field(i), want.Field(i), path+sf.Name
		switch {
		case w.Type() == reflect.TypeOf(time.Time{}):
			if !g.Interface().(time.Time).Equal(w.Interface().(time.Time)) {
				out = append(out, name)
			}
		case w.Kind() == reflect.Pointer && w.Type().Elem().Kind() == reflect.Struct:
			if g.IsNil() {
				out = append(out, name)
			} else {
				out = append(out, lost(g, w, name+".")...)
			}
		default:
			if !reflect.DeepEqual(g.Interface(), w.Interface()) {
				out = append(out, name)
			}
		}
	}
	return out
}

// Every exported field, including any added later, must cross the wire.
func TestEveryFieldRoundTrips(t *testing.T) {
	for _, tc := range []struct{ want, got message }{{&Request{}, &Request{}}, {&Reply{}, &Reply{}}} {
		n := 0
		fill(t, reflect.ValueOf(tc.want), &n)
		roundTrip(t, tc.want, tc.got)
		if bad := lost(reflect.ValueOf(tc.got), reflect.ValueOf(tc.want), ""); len(bad) > 0 {
			t.Errorf("%T: fields lost on the wire: %v", tc.want, bad)
		}
	}
}

// A time at the Unix epoch is non-zero but its UnixNano is 0, which the
// encoder leaves out of integer fields: times must be written anyway.
func TestEpochTimeRoundTrip(t *testing.T) {
	epoch := time.Unix(0, 0)
	want := Reply{Expiry: epoch, Status: &Status{Started: epoch}}
	var got Reply
	roundTrip(t, &want, &got)
	if d := diffReply(got, want); d != "" {
		t.Errorf("the Unix epoch does not survive a round trip: %s", d)
	}
}

// fuzzTime normalises a decoded time for comparison.
func fuzzTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t
}

func FuzzRead(f *testing.F) {
	seed := func(m message) {
		var buf bytes.Buffer
		if err := Write(&buf, m); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	seed(&Request{Op: OpToken, Version: "v1", Env: map[string]string{"HOME": "/h", "E": "a=b\nc"}, Config: "/c", Profile: "p", Default: "d",
		Resource: "r", MinTTL: time.Minute, ForceRefresh: true, Timeout: time.Second, Interactive: true})
	seed(&Request{Op: OpDrop, Config: "\x00\n/w", Profile: "p"})
	seed(&Reply{Unserved: "u", Err: &Error{Kind: 3, Msg: "m", Hint: "h"}, AccessToken: "t", Expiry: time.Unix(1e9, 7),
		RefreshAt: time.Unix(1e9, 3), Profile: "p", Username: "u"})
	seed(&Reply{Status: &Status{Version: "devel", PID: 9, Started: time.Unix(5, 0), Idle: time.Hour, Tokens: 2, Served: 3}})
	seed(&Reply{})
	f.Add(frame("err_kind 1:x\nerr 1:1\n"))
	f.Add(frame("op 5:token\nunknown 1:z\nenv 1:=\n"))
	f.Add([]byte(magic + " 0000000"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var req Request
		if err := Read(bytes.NewReader(data), &req); err == nil {
			var buf bytes.Buffer
			if err := Write(&buf, &req); err != nil {
				t.Fatalf("Write() of a decoded request = %v", err)
			}
			var again Request
			if err := Read(&buf, &again); err != nil {
				t.Fatalf("Read() of a re-encoded request = %v", err)
			}
			if !sameRequest(again, req) {
				t.Fatalf("request changed on re-encoding:\nfirst  %#v\nsecond %#v", req, again)
			}
		}
		var rep Reply
		if err := Read(bytes.NewReader(data), &rep); err == nil {
			var buf bytes.Buffer
			if err := Write(&buf, &rep); err != nil {
				t.Fatalf("Write() of a decoded reply = %v", err)
			}
			var again Reply
			if err := Read(&buf, &again); err != nil {
				t.Fatalf("Read() of a re-encoded reply = %v", err)
			}
			want := rep
			want.Expiry = fuzzTime(want.Expiry)
			again.Expiry = fuzzTime(again.Expiry)
			want.RefreshAt, again.RefreshAt = fuzzTime(want.RefreshAt), fuzzTime(again.RefreshAt)
			if want.Status != nil && again.Status != nil {
				ws, as := *want.Status, *again.Status
				ws.Started, as.Started = fuzzTime(ws.Started), fuzzTime(as.Started)
				want.Status, again.Status = &ws, &as
			}
			if d := diffReply(again, want); d != "" {
				t.Fatalf("reply changed on re-encoding: %s", d)
			}
		}
	})
}

// A token request and its answer survive the wire: the request's fields,
// the token, and a failure's kind, message and hint.
func TestTokenRoundTrip(t *testing.T) {
	req := credential.Request{Profile: "p", Default: "d", Resource: "https://h/x", MinTTL: time.Minute, ForceRefresh: true}
	var r Request
	r.SetRequest(req)
	if got := r.TokenRequest(); got != req {
		t.Errorf("TokenRequest = %+v; want %+v", got, req)
	}
	tok := credential.Token{AccessToken: "tok", Expiry: time.Unix(1e9, 0), RefreshAt: time.Unix(1e9-60, 0), Profile: "p", Username: "u"}
	if got, err := Answer(tok, nil).Result(); err != nil || got != tok {
		t.Errorf("Result = %+v, %v; want %+v", got, err, tok)
	}
	_, err := Answer(credential.Token{}, &credential.Error{Kind: credential.KindKeychain, Msg: "locked", Hint: "unlock"}).Result()
	var e *credential.Error
	if !errors.As(err, &e) || e.Kind != credential.KindKeychain || e.Msg != "locked" || e.Hint != "unlock" {
		t.Errorf("Result error = %#v; want the kind, message and hint", err)
	}
	// The facts the caller's edge makes its command from cross too.
	facts := &credential.Error{Kind: credential.KindNotLoggedIn, Msg: "no client secret stored", Missing: credential.MissingSecret, Profile: "work", Host: "h"}
	_, err = Answer(credential.Token{}, facts).Result()
	if e := credential.Classify(err); e.Missing != facts.Missing || e.Profile != facts.Profile || e.Host != facts.Host {
		t.Errorf("Result error = %#v; want the facts of %#v", err, facts)
	}
	_, err = Answer(credential.Token{}, errors.New("plain")).Result()
	if credential.KindOf(err) != credential.KindOther || err.Error() != "plain" {
		t.Errorf("Result of a plain error = %v", err)
	}
}

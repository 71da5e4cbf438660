package agentwire

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// frame wraps body in a message header, as Write does.
func frame(body string) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(body))), body...)
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
	got.Expiry, want.Expiry = time.Time{}, time.Time{}
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

// odd holds characters JSON escapes, and the old framing's header.
const odd = "\x00\n\"\\{}[]<>&\u2028\u00e9\U0001F600 cch-agent/1 00000000\nop 5:token\n"

func TestRequestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		req  Request
	}{
		{"zero", Request{}},
		{"token, every field", Request{
			Op:           OpToken,
			Version:      "v1.2.3-0.20260101-abcdef",
			Env:          map[string]string{"HOME": "/home/u", "EMPTY": "", "EQ": "a=b==c", "NL": "line1\nline2\n", "Q": `"}`},
			Config:       "/home/u/.config/camunda-credential-helper/config.toml",
			Profile:      "work",
			Default:      "other",
			Resource:     "https://zeebe.camunda.io:443/path?q=1",
			MinTTL:       5 * time.Minute,
			ForceRefresh: true,
			Timeout:      30 * time.Second,
			Interactive:  true,
		}},
		{"escaped characters in values", Request{Config: "/tmp/dir with spaces\nand a newline", Resource: odd, Default: odd}},
		{"empty env value and key", Request{Env: map[string]string{"": "v", "K": ""}}},
		{"env value is a whole message", Request{Env: map[string]string{"A": `{"op":"stop"}`}}},
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
		{"token", Reply{AccessToken: "eyJhbGciOi.x.y", Expiry: expiry, Profile: "work", Username: "client-id"}},
		{"unserved", Reply{Unserved: "HOME differs from the agent's;\nrun: agent stop"}},
		{"error", Reply{Err: &Error{Kind: 4, Msg: "401 invalid_client:\nbad", Hint: "Fix the credentials (login)\nor retry."}}},
		{"error with zero fields", Reply{Err: &Error{}}},
		{"error with a negative kind", Reply{Err: &Error{Kind: -3}}},
		{"escaped characters in the token", Reply{AccessToken: odd}},
		{"status", Reply{Status: &Status{Version: "v1.0.0\nx", PID: 4242, Started: started, Idle: 15 * time.Minute, Tokens: 7, Served: 1 << 40}}},
		{"status with zero fields", Reply{Status: &Status{}}},
		{"everything", Reply{
			Unserved:    "u",
			Err:         &Error{Kind: 5, Msg: "m", Hint: "h"},
			AccessToken: "tok",
			Expiry:      expiry,
			Profile:     "p",
			Username:    "user",
			Status:      &Status{Version: "devel", PID: 1, Started: started, Idle: time.Nanosecond, Tokens: -1, Served: -2, Memory: "not dumpable"},
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

// A zero message is an empty object and comes back zero, with no Err and
// no Status.
func TestZeroMessages(t *testing.T) {
	for _, m := range []message{&Request{}, &Reply{}} {
		var buf bytes.Buffer
		if err := Write(&buf, m); err != nil {
			t.Fatal(err)
		}
		if got, want := buf.String(), string(frame("{}")); got != want {
			t.Errorf("Write(%T{}) = %q; want %q", m, got, want)
		}
	}
	var rep Reply
	if err := Read(bytes.NewReader(frame("{}")), &rep); err != nil {
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
		{"request", &Request{Op: OpToken}, `{"op":"token"}`},
		{"request fields", &Request{Op: OpToken, Env: map[string]string{"B": "2", "A": "1"}, Version: "v1", Config: "/c", Profile: "p",
			Default: "a\n", Resource: "r", MinTTL: 1500, ForceRefresh: true, Timeout: 2, Interactive: true},
			`{"op":"token","env":{"A":"1","B":"2"},"version":"v1","config":"/c","profile":"p","default":"a\n","resource":"r",` +
				`"min_ttl":1500,"force_refresh":true,"timeout":2,"interactive":true}`},
		{"reply", &Reply{Profile: "p", Err: &Error{Kind: 3}}, `{"err":{"kind":3},"profile":"p"}`},
		{"reply token", &Reply{AccessToken: "t", Expiry: time.Unix(1, 5).UTC(), Username: "u"},
			`{"access_token":"t","expiry":"1970-01-01T00:00:01.000000005Z","username":"u"}`},
		{"reply status", &Reply{Unserved: "x", Err: &Error{Msg: "m", Hint: "h"}, Status: &Status{Version: "v", PID: 1,
			Started: time.Unix(0, 0).UTC(), Idle: 3, Tokens: 4, Served: 5, Memory: "g"}},
			`{"unserved":"x","err":{"msg":"m","hint":"h"},"status":{"version":"v","pid":1,"started":"1970-01-01T00:00:00Z",` +
				`"idle":3,"tokens":4,"served":5,"memory":"g"}}`},
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

// Names may come in any order, unknown ones are skipped, repeated ones
// keep the last value, and null is the zero value.
func TestDecodeLenient(t *testing.T) {
	t.Run("request", func(t *testing.T) {
		body := `{"future":[1,{"a":null}],"op":"token","env":{"a":"b","a":"c"},"profile":"x","profile":"y","force_refresh":false,"interactive":true,"config":null}`
		var got Request
		if err := Read(bytes.NewReader(frame(body)), &got); err != nil {
			t.Fatalf("Read() = %v", err)
		}
		want := Request{Op: "token", Env: map[string]string{"a": "c"}, Profile: "y", Interactive: true}
		if !sameRequest(got, want) {
			t.Errorf("got %#v; want %#v", got, want)
		}
	})
	tests := []struct {
		name string
		body string
		want Reply
	}{
		{"unknown names", `{"unknown":"a","access_token":"t","new_field":{}}`, Reply{AccessToken: "t"}},
		{"null err and status", `{"err":null,"status":null,"profile":"p"}`, Reply{Profile: "p"}},
		{"empty err", `{"err":{}}`, Reply{Err: &Error{}}},
		{"request names are unknown to a reply", `{"op":"token","env":{"":""},"min_ttl":"x","profile":"p"}`, Reply{Profile: "p"}},
		{"white space", " \n{ \"profile\" : \"p\" }\n", Reply{Profile: "p"}},
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
	// Each input fails for both message types, except those of a name that
	// only one of them knows (the other skips it).
	const req, rep = 1, 2
	tests := []struct {
		name    string
		in      []byte
		wantErr error // nil: any error
		only    int   // req or rep: fails for that type only
	}{
		{name: "empty", in: nil, wantErr: io.ErrUnexpectedEOF},
		{name: "short header", in: []byte{0, 0, 0}, wantErr: io.ErrUnexpectedEOF},
		{name: "the old framing", in: []byte("cch-agent/1 0000000b\nop 5:token\n"), wantErr: errFraming},
		{name: "length over MaxMessage", in: binary.BigEndian.AppendUint32(nil, MaxMessage+1), wantErr: errFraming},
		{name: "length at the 32-bit limit", in: []byte{0xff, 0xff, 0xff, 0xff}, wantErr: errFraming},
		{name: "truncated body", in: frame(`{"op":"token"}`)[:8], wantErr: io.ErrUnexpectedEOF},
		{name: "missing body", in: []byte{0, 0, 0, 2}, wantErr: io.ErrUnexpectedEOF},
		{name: "empty body", in: frame(""), wantErr: errFraming},
		{name: "not JSON", in: frame("op 5:token\n"), wantErr: errFraming},
		{name: "an array", in: frame(`[]`), wantErr: errFraming},
		{name: "a string", in: frame(`"x"`), wantErr: errFraming},
		{name: "two objects", in: frame(`{}{}`), wantErr: errFraming},
		{name: "garbage after the object", in: frame(`{"profile":"p"} x`), wantErr: errFraming},
		{name: "unterminated object", in: frame(`{"profile":"p"`), wantErr: errFraming},
		{name: "number for a string", in: frame(`{"profile":1}`), wantErr: errFraming},
		{name: "env not an object", in: frame(`{"env":"HOME=/h"}`), wantErr: errFraming, only: req},
		{name: "env value a number", in: frame(`{"env":{"A":1}}`), wantErr: errFraming, only: req},
		{name: "string min_ttl", in: frame(`{"min_ttl":"1s"}`), wantErr: errFraming, only: req},
		{name: "float timeout", in: frame(`{"timeout":1.5}`), wantErr: errFraming, only: req},
		{name: "overflowing min_ttl", in: frame(`{"min_ttl":99999999999999999999}`), wantErr: errFraming, only: req},
		{name: "string interactive", in: frame(`{"interactive":"1"}`), wantErr: errFraming, only: req},
		{name: "string err", in: frame(`{"err":"x"}`), wantErr: errFraming, only: rep},
		{name: "string kind", in: frame(`{"err":{"kind":"3"}}`), wantErr: errFraming, only: rep},
		{name: "numeric expiry", in: frame(`{"expiry":1000000005}`), wantErr: errFraming, only: rep},
		{name: "expiry not RFC 3339", in: frame(`{"expiry":"2031-05-06 07:08:09"}`), wantErr: errFraming, only: rep},
		{name: "string pid", in: frame(`{"status":{"pid":"12"}}`), wantErr: errFraming, only: rep},
		{name: "status_served overflow", in: frame(`{"status":{"served":99999999999999999999}}`), wantErr: errFraming, only: rep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ms []message
			if tt.only != rep {
				ms = append(ms, &Request{})
			}
			if tt.only != req {
				ms = append(ms, &Reply{})
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
	resourceFor := func(n int) string { return strings.Repeat("x", n-len(`{"resource":""}`)) }
	t.Run("exactly MaxMessage", func(t *testing.T) {
		req := Request{Resource: resourceFor(MaxMessage)}
		if b, _ := json.Marshal(&req); len(b) != MaxMessage {
			t.Fatalf("test set-up: body is %d bytes; want %d", len(b), MaxMessage)
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
		{"request over once escaped", &Request{Config: strings.Repeat("\n", MaxMessage/2)}},
		{"request with many env entries", &Request{Env: manyEnv}},
		{"reply over", &Reply{AccessToken: strings.Repeat("t", MaxMessage/2), Unserved: strings.Repeat("u", MaxMessage/2)}},
		{"request not UTF-8", &Request{Config: "/tmp/\xff"}},
		{"request env key not UTF-8", &Request{Env: map[string]string{"\xfe": ""}}},
		{"request env value not UTF-8", &Request{Env: map[string]string{"HOME": "/home/\xe9"}}},
		{"reply not UTF-8", &Reply{Username: "\xc3"}},
		{"reply error not UTF-8", &Reply{Err: &Error{Hint: "\xff"}}},
		{"reply status not UTF-8", &Reply{Status: &Status{Memory: "\xff"}}},
		{"expiry past year 9999", &Reply{Expiry: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tt.m); err == nil {
				t.Fatal("Write() = nil; want an error")
			}
			if buf.Len() != 0 {
				t.Errorf("Write() refused the message but wrote %d bytes", buf.Len())
			}
		})
	}
	t.Run("writer error", func(t *testing.T) {
		w := &errWriter{}
		if err := Write(w, &Request{Op: OpToken}); err == nil || w.n != 1 {
			t.Errorf("Write() to a failing writer = %v after %d writes; want its error after 1", err, w.n)
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

// A time at the Unix epoch is not the zero time: omitzero must keep it.
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
	seed(&Request{Op: OpDrop, Config: odd, Profile: "p"})
	seed(&Reply{Unserved: "u", Err: &Error{Kind: 3, Msg: "m", Hint: "h"}, AccessToken: "t", Expiry: time.Unix(1e9, 7),
		Profile: "p", Username: "u"})
	seed(&Reply{Status: &Status{Version: "devel", PID: 9, Started: time.Unix(5, 0), Idle: time.Hour, Tokens: 2, Served: 3, Memory: "m"}})
	seed(&Reply{})
	f.Add(frame(`{"err":{"kind":"x"}}`))
	f.Add(frame(`{"op":"token","unknown":1,"env":{"":""},"expiry":"0000-01-01T00:00:00+23:59"}`))
	f.Add(frame("{\"profile\":\"\xff\\ud800\"}"))
	f.Add([]byte("cch-agent/1 0000000"))
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

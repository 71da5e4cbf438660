package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
)

// ScrubC8ctl removes the clientSecret member of the named profiles from
// c8ctl's profiles.json and changes no other byte: every other member
// keeps its text, order and layout (c8ctl writes JSON.stringify(..., null,
// 2); this works on any layout). It returns the new file and the names it
// removed a secret from.
func ScrubC8ctl(b []byte, names []string) ([]byte, []string, error) {
	profiles, err := c8ctlObjects(b)
	if err != nil {
		return nil, nil, err
	}
	type cut struct{ from, to int }
	var cuts []cut
	var done []string
	for _, p := range profiles {
		if !slices.Contains(names, p.name) || slices.Contains(done, p.name) {
			continue
		}
		i := slices.IndexFunc(p.members, func(m member) bool { return m.key == "clientSecret" })
		if i < 0 {
			continue
		}
		ms := p.members
		switch { // a profile found by name has its name besides: two members at least
		case i > 0: // from the end of the member before: its comma and the line break go
			cuts = append(cuts, cut{ms[i-1].end, ms[i].end})
		default: // the first of several: up to the next member's key
			cuts = append(cuts, cut{ms[0].start, ms[1].start})
		}
		done = append(done, p.name)
	}
	slices.SortFunc(cuts, func(a, b cut) int { return b.from - a.from })
	out := slices.Clone(b)
	for _, c := range cuts {
		out = append(out[:c.from], out[c.to:]...)
	}
	// The result must still be c8ctl's file, with those secrets gone.
	check, err := ParseC8ctl(out)
	if err != nil {
		return nil, nil, fmt.Errorf("scrubbing would break the file: %v", err)
	}
	for _, e := range check {
		if slices.Contains(done, e.Source) && e.Secret != "" {
			return nil, nil, errors.New("scrubbing left a client secret in the file")
		}
	}
	return out, done, nil
}

// ScrubImported is ScrubC8ctl for the imported entries whose secret b
// still holds: b is the file as it is now, read again after the import, and
// a secret that changed in between is not the one the keychain holds, so
// it stays.
func ScrubImported(b []byte, imported []Entry) ([]byte, []string, error) {
	now, err := ParseC8ctl(b)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	for _, e := range imported {
		if slices.ContainsFunc(now, func(n Entry) bool { return n.Source == e.Source && n.Secret == e.Secret && n.Secret != "" }) {
			names = append(names, e.Source)
		}
	}
	return ScrubC8ctl(b, names)
}

// member is one "key": value of an object, by byte offsets: start is its
// key's opening quote, end just past its value.
type member struct {
	key        string
	start, end int
}

// profileObject is one element of "profiles", by byte offsets.
type profileObject struct {
	name    string // its "name" member's string value
	members []member
}

// c8ctlObjects finds the profile objects of profiles.json and their
// members' byte ranges, with encoding/json's tokenizer.
func c8ctlObjects(b []byte) ([]profileObject, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := delim(dec, '{'); err != nil {
		return nil, err
	}
	var out []profileObject
	for dec.More() {
		key, err := stringToken(dec)
		if err != nil {
			return nil, err
		}
		if key != "profiles" {
			if err := skipValue(dec); err != nil {
				return nil, err
			}
			continue
		}
		if err := delim(dec, '['); err != nil {
			return nil, err
		}
		for dec.More() {
			p, err := profile(dec, b)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
		if err := delim(dec, ']'); err != nil {
			return nil, err
		}
	}
	if err := delim(dec, '}'); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errTrailing
	}
	return out, nil
}

func profile(dec *json.Decoder, b []byte) (profileObject, error) {
	var p profileObject
	if err := delim(dec, '{'); err != nil {
		return p, err
	}
	for dec.More() {
		m := member{start: next(b, int(dec.InputOffset()))}
		var err error
		if m.key, err = stringToken(dec); err != nil {
			return p, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return p, jsonError(err)
		}
		m.end = int(dec.InputOffset())
		if m.key == "name" {
			_ = json.Unmarshal(v, &p.name)
		}
		p.members = append(p.members, m)
	}
	return p, delim(dec, '}')
}

// next skips whitespace, commas and colons from i: where the next token
// starts.
func next(b []byte, i int) int {
	for i < len(b) && bytes.IndexByte([]byte(" \t\r\n,:"), b[i]) >= 0 {
		i++
	}
	return i
}

func delim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return jsonError(err)
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("unexpected JSON: want %q at byte %d", want, dec.InputOffset())
	}
	return nil
}

func stringToken(dec *json.Decoder) (string, error) {
	t, err := dec.Token()
	if err != nil {
		return "", jsonError(err)
	}
	s, ok := t.(string)
	if !ok {
		return "", fmt.Errorf("unexpected JSON: want a key at byte %d", dec.InputOffset())
	}
	return s, nil
}

func skipValue(dec *json.Decoder) error {
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return jsonError(err)
	}
	return nil
}

// Package trace is the --verbose trace: one line on stderr for each
// decision on the token path (which profile and why, agent or not, cache
// hit or miss, which store, which request). The trace travels in the
// context, so the core, the agent's client and the protocols need no flag
// of their own, and a call without --verbose pays one context lookup.
//
// Never pass a secret, a token or an assertion to Printf: a trace is made
// to be pasted into an issue.
package trace

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
)

// Prefix starts every trace line.
const Prefix = tools.Name + ": trace: "

// EnvDebug turns the trace on, as --verbose does, for calls a tool makes
// (git, kubectl, docker) whose command line the user does not write.
const EnvDebug = "CAMUNDA_CREDENTIAL_HELPER_DEBUG"

// Requested reports whether lookup's EnvDebug asks for the trace.
func Requested(lookup func(string) (string, bool)) bool {
	v, _ := lookup(EnvDebug)
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

type key struct{}

type sink struct {
	mu sync.Mutex
	w  io.Writer
}

// With returns ctx carrying a trace written to w; a nil w returns ctx as it is.
func With(ctx context.Context, w io.Writer) context.Context {
	if w == nil {
		return ctx
	}
	return context.WithValue(ctx, key{}, &sink{w: w})
}

// On reports whether ctx carries a trace.
func On(ctx context.Context) bool {
	_, ok := ctx.Value(key{}).(*sink)
	return ok
}

// Printf writes one trace line when ctx carries a trace: the topic (a
// word such as "profile", "agent", "cache", "keychain", "request"), then
// the formatted text, with line breaks folded so that one decision is one line.
func Printf(ctx context.Context, topic, format string, args ...any) {
	s, ok := ctx.Value(key{}).(*sink)
	if !ok {
		return
	}
	msg := strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", " ")
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.w, "%s%s: %s\n", Prefix, topic, msg)
}

// Relay writes the trace lines another process made for this call (the
// agent's, in its reply), each marked with where it was made, so that a
// decision taken there reads as one of this call's.
func Relay(ctx context.Context, from, lines string) {
	s, ok := ctx.Value(key{}).(*sink)
	if !ok || lines == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range strings.Split(strings.TrimSuffix(lines, "\n"), "\n") {
		fmt.Fprintf(s.w, "%s[%s] %s\n", Prefix, from, strings.TrimPrefix(l, Prefix))
	}
}

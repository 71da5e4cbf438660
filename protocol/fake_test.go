package protocol

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
)

// fakeCore is a hand-written Registry. It routes resources through host
// patterns with the real route.ParseTarget, Target.Served and
// route.MatchHost, answers
// NoRoute for the rest, and logs every call in calls.
type fakeCore struct {
	routes   map[string]fakeAnswer // host pattern → answer
	profiles map[string]fakeAnswer // profile name → answer; "" is the default profile
	err      error                 // when set, every call fails with it
	hosts    map[string]string     // what Hosts returns
	hostsErr error
	storeErr error
	echo     bool // Store fails with an error that quotes the secret
	calls    []string
}

type fakeAnswer struct {
	tok credential.Token
	err error
}

var _ Registry = (*fakeCore)(nil)

// t0 is the expiry of the fixture's tokens; testNow is five minutes before.
var (
	t0      = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	testNow = t0.Add(-5 * time.Minute)
)

// newFake returns the fixture that every golden exchange runs against.
func newFake() *fakeCore {
	git := credential.Token{AccessToken: "tok-git-1", RefreshAt: t0, Profile: "prod", Username: "client-1"}
	return &fakeCore{
		routes: map[string]fakeAnswer{
			"git.example.com": {tok: git},
			"*.example.io": {tok: credential.Token{AccessToken: "tok-wild-2",
				RefreshAt: t0.Add(900 * time.Millisecond).In(time.FixedZone("CET", 3600)), Profile: "io", Username: "client-2"}},
			"registry.example.com:5000": {tok: credential.Token{AccessToken: "tok-reg-3",
				RefreshAt: t0, Profile: "registry", Username: "client-3"}},
			"noexpiry.example.org": {tok: credential.Token{AccessToken: "tok-noexp-4",
				Profile: "env", Username: "client-4"}},
			"badtoken.example.com": {tok: credential.Token{AccessToken: "tok-bad-5\nusername=evil", Username: "client-5"}},
			"baduser.example.com":  {tok: credential.Token{AccessToken: "tok-baduser-6", Username: "client\r\n6"}},
			"locked.example.com":   {err: fakeError("keychain")},
			"rejected.example.com": {err: fakeError("rejected")},
			"127.0.0.1:8080":       {tok: git},
		},
		profiles: map[string]fakeAnswer{
			"": {tok: credential.Token{AccessToken: "tok-default-0", RefreshAt: t0,
				Profile: "default", Username: "client-0"}},
			"prod": {tok: git},
		},
		hosts: map[string]string{
			"git.example.com":           "client-1",
			"*.example.io":              "client-2",
			"registry.example.com:5000": "client-3",
		},
	}
}

// fixtureTokens lists every token the fixture can hand out.
var fixtureTokens = []string{"tok-git-1", "tok-wild-2", "tok-reg-3", "tok-noexp-4", "tok-bad-5", "tok-baduser-6", "tok-default-0"}

// fakeError returns the fixture's error of a kind, by name.
func fakeError(name string) error {
	switch name {
	case "keychain":
		return &credential.Error{Kind: credential.KindKeychain, Msg: "the keychain is locked", Hint: "unlock it and try again"}
	case "rejected":
		return &credential.Error{Kind: credential.KindRejected, Msg: `the token endpoint rejected client "client-9": invalid_client`}
	case "notloggedin":
		return &credential.Error{Kind: credential.KindNotLoggedIn, Msg: `no client secret for profile "prod"`,
			Hint: `run "camunda-credential-helper login --profile prod"`}
	case "unreachable":
		return &credential.Error{Kind: credential.KindUnreachable, Msg: "token endpoint unreachable: connection refused"}
	case "noroute":
		return &credential.Error{Kind: credential.KindNoRoute, Msg: "no profile serves this host", Err: credential.ErrNoRoute}
	}
	return fmt.Errorf("fake failure %q", name)
}

func (f *fakeCore) logf(format string, args ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

// route finds the answer for a resource the way the core does.
func (f *fakeCore) route(resource string) (fakeAnswer, error) {
	tg, err := route.ParseTarget(resource)
	if err != nil {
		return fakeAnswer{}, &credential.Error{Kind: credential.KindUsage, Msg: err.Error()}
	}
	if err := tg.Served(); err != nil {
		return fakeAnswer{}, &credential.Error{Kind: credential.KindNoRoute, Msg: err.Error(), Err: credential.ErrNoRoute}
	}
	patterns := make([]string, 0, len(f.routes))
	for p := range f.routes {
		patterns = append(patterns, p)
	}
	// Exact patterns before wildcards, then by name, for a stable choice.
	sort.Slice(patterns, func(i, j int) bool {
		wi, wj := strings.HasPrefix(patterns[i], "*"), strings.HasPrefix(patterns[j], "*")
		if wi != wj {
			return wj
		}
		return patterns[i] < patterns[j]
	})
	for _, p := range patterns {
		if route.MatchHost(p, tg) {
			return f.routes[p], nil
		}
	}
	return fakeAnswer{}, &credential.Error{Kind: credential.KindNoRoute, Msg: fmt.Sprintf("no profile serves %q", tg.Host), Err: credential.ErrNoRoute}
}

func (f *fakeCore) Token(ctx context.Context, req credential.Request) (credential.Token, error) {
	f.logf("token profile=%q resource=%q min_ttl=%s", req.Profile, req.Resource, req.MinTTL)
	if f.err != nil {
		return credential.Token{}, f.err
	}
	var a fakeAnswer
	if req.Profile != "" || req.Resource == "" {
		var ok bool
		if a, ok = f.profiles[req.Profile]; !ok {
			return credential.Token{}, &credential.Error{Kind: credential.KindUsage, Msg: fmt.Sprintf("no profile %q", req.Profile)}
		}
	} else {
		var err error
		if a, err = f.route(req.Resource); err != nil {
			return credential.Token{}, err
		}
	}
	return a.tok, a.err
}

func (f *fakeCore) Drop(ctx context.Context, req credential.Request) error {
	f.logf("drop profile=%q resource=%q", req.Profile, req.Resource)
	if f.err != nil {
		return f.err
	}
	if req.Resource != "" {
		if _, err := f.route(req.Resource); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeCore) LoginRegistry(ctx context.Context, serverURL, clientID, secret string) error {
	f.logf("login server=%q client_id=%q secret=%q", serverURL, clientID, secret)
	if f.err != nil {
		return f.err
	}
	if _, err := f.route(serverURL); err != nil {
		// The core's answer for a registry no profile serves.
		tg, _ := route.ParseTarget(serverURL)
		return &credential.Error{Kind: credential.KindNoRoute, Msg: "no profile serves " + tg.Host, Err: credential.ErrNoRoute,
			Hint: "run: camunda-credential-helper login --host " + tg.Host + " ..."}
	}
	if f.echo {
		return fmt.Errorf("store failed for secret %q", secret)
	}
	return f.storeErr
}

func (f *fakeCore) LogoutRegistry(ctx context.Context, serverURL string) error {
	f.logf("logout server=%q", serverURL)
	return f.err
}

func (f *fakeCore) Hosts(ctx context.Context) (map[string]string, error) {
	f.logf("hosts")
	if f.err != nil {
		return nil, f.err
	}
	return f.hosts, f.hostsErr
}

// served reports whether the fixture hands out a token for resource.
func served(resource string) bool {
	a, err := newFake().route(resource)
	return err == nil && a.err == nil
}

// assertNoLeak checks the invariants every adapter keeps on any input: no
// token on stderr, and no token on stdout unless the exit status is 0.
func assertNoLeak(t *testing.T, name, in string, code int, stdout, stderr string) {
	t.Helper()
	for _, tok := range fixtureTokens {
		if strings.Contains(stderr, tok) {
			t.Fatalf("%s(%q) stderr = %q; contains token %q", name, in, stderr, tok)
		}
		if code != 0 && strings.Contains(stdout, tok) {
			t.Fatalf("%s(%q) = exit %d, stdout %q; contains token %q", name, in, code, stdout, tok)
		}
	}
}

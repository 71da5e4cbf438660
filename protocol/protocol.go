// Package protocol translates between the wire protocols of the tools that
// shell out for credentials (git, docker, kubectl, Bazel, Terraform, and this
// helper's own JSON protocol, get) and the token path: a credential.Source.
//
// Each protocol lives in its own file as one function over a token source
// and the streams it is handed; no adapter touches the process, the network
// or the keychain by itself, and none imports the core. Each returns the
// exit status its caller expects.
//
// Whether a resource is served is the core's decision (route.ParseTarget,
// Target.Served, the profiles' host patterns), the same for every
// protocol: adapters pass the resource on with its scheme, and --profile
// never makes a profile serve a host outside its patterns.
package protocol

import (
	"context"
	"io"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// Tokens is what git and Terraform need from the token path: a token, and
// dropping a cached one that the tool found rejected.
type Tokens interface {
	credential.Source
	// Drop drops the cached token of the profile req selects (never the
	// secret). Dropping for a resource no profile serves is a no-op.
	Drop(ctx context.Context, req credential.Request) error
}

// Registry is what the docker adapter needs beyond Tokens: docker login
// stores credentials, docker logout deletes them, and docker build lists
// them.
type Registry interface {
	credential.Source
	// LoginRegistry verifies clientID and secret against the token endpoint
	// and saves them for the profile whose host patterns serve serverURL.
	// For any other registry it fails (KindNoRoute) without a request.
	LoginRegistry(ctx context.Context, serverURL, clientID, secret string) error
	// LogoutRegistry deletes the stored secret and cached token of the
	// profile whose host patterns serve serverURL. An unserved one is not an
	// error.
	LogoutRegistry(ctx context.Context, serverURL string) error
	// Hosts maps each host pattern of every profile to its username.
	Hosts(ctx context.Context) (map[string]string, error)
}

// Stdio is what an adapter may use of the world: the streams, and the
// clock behind relative expiries (expires_in).
type Stdio struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	Now func() time.Time // nil means time.Now
}

func (s Stdio) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// MaxInput caps what any adapter reads from stdin: requests are a few hundred
// bytes, and a caller that sends more is broken or hostile.
const MaxInput = 64 << 10

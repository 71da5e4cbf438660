// Package protocol translates between the wire protocols of the tools that
// shell out for credentials (git, docker, kubectl, Bazel, Terraform, and this
// helper's own JSON protocol) and the token core in package helper.
//
// Each protocol lives in its own file as one function over a Core and the
// streams it is handed; no adapter touches the process, the network or the
// keychain by itself. Each returns the exit status its caller expects.
//
// Whether a resource is served is the core's decision (route.ParseTarget,
// Target.Served, the profiles' host patterns), the same for every
// protocol: adapters pass the resource on with its scheme, and --profile
// never makes a profile serve a host outside its patterns.
package protocol

import (
	"context"
	"io"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// Core is what the adapters need from the token core.
type Core interface {
	// Token returns a valid token for the request. When no profile serves
	// req.Resource the error is an *credential.Error of kind credential.KindNoRoute.
	Token(ctx context.Context, req credential.Request) (credential.Token, error)
	// Erase drops the cached token for the request's profile (never the
	// secret). Erasing for a resource no profile serves is a no-op.
	Erase(ctx context.Context, req credential.Request) error
}

// Registry is what the docker adapter needs beyond Core: docker login stores
// credentials, docker logout erases them, and docker build lists them.
type Registry interface {
	Core
	// Store verifies clientID and secret against the token endpoint and saves
	// them for the profile whose host patterns serve serverURL. For any other
	// registry it fails (KindNoRoute) without a request.
	Store(ctx context.Context, serverURL, clientID, secret string) error
	// Forget deletes the stored secret and cached token of the profile whose
	// host patterns serve serverURL. Forgetting an unserved one is not an
	// error.
	Forget(ctx context.Context, serverURL string) error
	// Hosts maps each host pattern of every profile to its username.
	Hosts(ctx context.Context) (map[string]string, error)
}

// Stdio are the streams an adapter may use.
type Stdio struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// MaxInput caps what any adapter reads from stdin: requests are a few hundred
// bytes, and a caller that sends more is broken or hostile.
const MaxInput = 64 << 10

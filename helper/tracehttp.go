package helper

import (
	"context"
	"net/http"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/trace"
)

// traced returns client with a transport that traces each request's
// method, URL (without its query), status and duration: never a header or
// a body, which carry the secret and the token.
func traced(ctx context.Context, client *http.Client) *http.Client {
	cl := *client
	next := cl.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	cl.Transport = tracingTransport{ctx: ctx, next: next}
	return &cl
}

type tracingTransport struct {
	ctx  context.Context // the call's, which carries the trace
	next http.RoundTripper
}

func (t tracingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	where := r.URL.Scheme + "://" + r.URL.Host + r.URL.Path
	if err != nil {
		trace.Printf(t.ctx, "request", "%s %s: no answer after %s: %v", r.Method, where, since(start), err)
		return resp, err
	}
	trace.Printf(t.ctx, "request", "%s %s: %s in %s", r.Method, where, resp.Status, since(start))
	return resp, err
}

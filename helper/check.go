package helper

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// CheckResult is an API's answer to a request made with a profile's token.
type CheckResult struct {
	Method, URL string
	Status      int
	ContentType string
	Body        []byte // at most 64 KiB
}

// Check calls an API with the selected profile's token: rawURL, or the
// profile's default check URL (see CheckTarget) when rawURL is empty. A
// non-2xx answer is returned as a result, not an error.
func (h *Core) Check(ctx context.Context, rawURL string) (*CheckResult, error) {
	ctx, cancel := h.withTimeout(ctx)
	defer cancel()
	cfg, err := h.config()
	if err != nil {
		return nil, err
	}
	p := cfg.Profiles[h.ProfileName()]
	if p == nil {
		p = &config.Profile{}
	}
	method, body := http.MethodGet, ""
	if rawURL == "" {
		if method, rawURL, body, err = config.CheckTarget(p); err != nil {
			return nil, &credential.Error{Kind: credential.KindUsage, Msg: err.Error()}
		}
	}
	if err := checkTokenURL(rawURL); err != nil {
		// The rules are the token URL's, but what would travel is the token.
		msg := strings.Replace(err.(*credential.Error).Msg, "token URL", "API URL", 1)
		return nil, &credential.Error{Kind: credential.KindUsage, Msg: strings.Replace(msg, "the client secret", "the access token", 1)}
	}
	tok, err := h.Token(ctx, credential.Request{})
	if err != nil {
		return nil, err
	}
	client := h.HTTPClient
	if client == nil {
		if client, err = httpClient(p.CAFile); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, strings.NewReader(body))
	if err != nil {
		return nil, &credential.Error{Kind: credential.KindUsage, Msg: err.Error()}
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Accept", "application/json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		e, _ := classify(ctx, rawURL, err)
		e.Msg = strings.Replace(e.Msg, "token endpoint", "API", 1)
		return nil, e
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, &credential.Error{Kind: credential.KindUnreachable, Msg: fmt.Sprintf("reading the answer of %s: %v", rawURL, err)}
	}
	return &CheckResult{Method: method, URL: rawURL, Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: b}, nil
}

// Package apicheck calls a Camunda API with a profile's token, for the check
// command: it tells whether the token works there, and what the API says.
package apicheck

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// Result is an API's answer to a request made with a profile's token.
type Result struct {
	Method, URL string
	Status      int
	ContentType string
	Body        []byte // at most 64 KiB
}

// Call calls an API with a token from src for the profile core selects:
// rawURL, or the profile's default check URL (see config.CheckTarget) when
// rawURL is empty. A non-2xx answer is returned as a result, not an error.
func Call(ctx context.Context, src credential.Source, core *helper.Core, rawURL string) (*Result, error) {
	ctx, cancel := context.WithTimeout(ctx, core.TimeoutOrDefault())
	defer cancel()
	cfg, err := core.Config()
	if err != nil {
		return nil, err
	}
	p := cfg.Profiles[core.ProfileName()]
	if p == nil {
		p = &config.Profile{}
	}
	method, body := http.MethodGet, ""
	if rawURL == "" {
		if method, rawURL, body, err = config.CheckTarget(p); err != nil {
			return nil, &credential.Error{Kind: credential.KindUsage, Msg: err.Error()}
		}
	}
	if err := helper.CheckAPIURL(rawURL); err != nil {
		return nil, err
	}
	tok, err := src.Token(ctx, credential.Request{})
	if err != nil {
		return nil, err
	}
	client := core.HTTPClient
	if client == nil {
		if client, err = helper.NewHTTPClient(p.CAFile, helper.LoopbackPolicy(p)); err != nil {
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
		return nil, helper.Explain(ctx, helper.API, rawURL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, &credential.Error{Kind: credential.KindUnreachable, Msg: fmt.Sprintf("reading the answer of %s: %v", rawURL, err)}
	}
	return &Result{Method: method, URL: rawURL, Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: b}, nil
}

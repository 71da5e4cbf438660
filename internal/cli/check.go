package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/apicheck"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/termsafe"
)

type checkCmd struct {
	URL string `arg:"" optional:"" help:"API URL to call (default: the profile's API check, e.g. Web Modeler's /api/v1/info)."`
}

// Run calls an API with the profile's token and tells a rejected token
// (401) from missing permissions (403). The token comes through the token
// path; the core is read for the profile's settings and HTTP client.
func (cmd *checkCmd) Run(ctx context.Context, c *agent.TokenPath, core *helper.Core, e env) error {
	res, err := apicheck.Call(ctx, c, core, cmd.URL)
	if err != nil {
		return err
	}
	// What the server answered is printed escaped (termsafe): its body,
	// decoded JSON strings and content type may carry terminal controls
	// (OSC 0 sets the title, OSC 52 writes the clipboard).
	var out bytes.Buffer
	fmt.Fprintf(&out, "%s %s\nHTTP %d %s\n", res.Method, res.URL, res.Status, http.StatusText(res.Status))
	summarize(&out, res)
	if _, err := io.WriteString(e.stdout, termsafe.Escape(out.String())); err != nil {
		return err
	}
	switch {
	case res.Status >= 200 && res.Status < 300:
		return nil
	case res.Status == http.StatusUnauthorized:
		return &credential.Error{Kind: credential.KindRejected, Msg: "the API rejected the token (401)",
			Hint: "The token is not valid for this API: check the profile's audience (login --api or --audience) and that the credentials are for this organization or cluster."}
	case res.Status == http.StatusForbidden:
		return &credential.Error{Kind: credential.KindForbidden, Msg: "the token is valid but lacks permission for this call (403)",
			Hint: "Grant the API client the needed permission or scope in Camunda Console (or your identity provider)."}
	}
	return &credential.Error{Kind: credential.KindOther, Msg: fmt.Sprintf("the API answered HTTP %d", res.Status)}
}

// info is the Web Modeler API's /api/v1/info answer.
type info struct {
	Version                string `json:"version"`
	AuthorizedOrganization string `json:"authorizedOrganization"`
	CreatePermission       *bool  `json:"createPermission"`
	ReadPermission         *bool  `json:"readPermission"`
	UpdatePermission       *bool  `json:"updatePermission"`
	DeletePermission       *bool  `json:"deletePermission"`
}

// summarize prints a readable summary of the body: the organization and
// permissions for /api/v1/info, indented JSON (truncated) otherwise.
func summarize(w io.Writer, res *apicheck.Result) {
	var in info
	if strings.HasSuffix(strings.SplitN(res.URL, "?", 2)[0], "/api/v1/info") && json.Unmarshal(res.Body, &in) == nil && in.AuthorizedOrganization != "" {
		fmt.Fprintf(w, "Organization: %s\nAPI version:  %s\n", in.AuthorizedOrganization, in.Version)
		for _, p := range []struct {
			name string
			v    *bool
		}{{"create", in.CreatePermission}, {"read", in.ReadPermission}, {"update", in.UpdatePermission}, {"delete", in.DeletePermission}} {
			fmt.Fprintf(w, "  %-7s %s\n", p.name+":", yesNo(p.v))
		}
		return
	}
	body := res.Body
	var buf bytes.Buffer
	if json.Indent(&buf, body, "", "  ") == nil {
		body = buf.Bytes()
	}
	const max = 2000
	if len(body) == 0 {
		return
	}
	if !utf8.Valid(body) {
		fmt.Fprintf(w, "(%d bytes of %s)\n", len(res.Body), res.ContentType)
		return
	}
	if len(body) > max {
		body = append(body[:max:max], "\n..."...)
	}
	fmt.Fprintf(w, "%s\n", bytes.TrimRight(body, "\n"))
}

func yesNo(v *bool) string {
	switch {
	case v == nil:
		return "unknown"
	case *v:
		return "yes"
	}
	return "no"
}

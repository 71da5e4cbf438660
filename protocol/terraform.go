package protocol

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
)

// The Terraform and OpenTofu credentials helper protocol, spoken as
// terraform-credentials-camunda (which both tools find only in their plugin
// directories).
//
//	get HOST     answers {"token":"<token>"}; a host that no profile serves
//	             gets {} with exit 0, since Terraform asks about every host it
//	             contacts (registry.terraform.io included).
//	store HOST   reads stdin to EOF and refuses: tokens are minted from the
//	             client secret, so there is nothing to store.
//	forget HOST  drops the cached token of the profile serving HOST (the
//	             client secret stays in the keychain).
//
// HOST is Terraform's comparison form (lowercase, punycode, ":port" unless
// 443), and always means https: a HOST with a scheme, path or user name is
// an error. Without a port it is served only by a host pattern without a
// port (or with :443); with one, only by a pattern naming that port.
// Errors, unknown commands included, go to stderr with exit status 1.

// terraformStoreRefusal is printed for store.
const terraformStoreRefusal = `store is not supported: tokens are minted from the client secret in the keychain; run "` + tools.Name + ` login"`

// Terraform answers one credentials helper call (see above); args are the
// arguments after the command, args[0] being the host.
func Terraform(ctx context.Context, t Tokens, action string, args []string, s Stdio) int {
	switch action {
	case "store":
		drain(s.In)
		printError(s.Err, errors.New(terraformStoreRefusal))
		return 1
	case "get", "forget":
	default:
		printError(s.Err, fmt.Errorf("terraform: unknown command %q; want get, store or forget", oneLine(action)))
		return 1
	}
	if len(args) == 0 || args[0] == "" {
		printError(s.Err, fmt.Errorf("terraform: %s: missing host argument", action))
		return 1
	}
	if strings.ContainsAny(args[0], "/?#@") {
		// HOST is a host[:port], always https: a scheme or a path would
		// let the argument choose another scheme, or another host.
		printError(s.Err, fmt.Errorf("terraform: %s: invalid host %q: want HOST or HOST:PORT", action, route.StripUserinfo(args[0])))
		return 1
	}
	if _, _, err := route.HostPort(args[0]); err != nil {
		printError(s.Err, fmt.Errorf("terraform: %s: %v", action, err))
		return 1
	}
	req := credential.Request{Resource: args[0]}
	if action == "forget" {
		if err := t.Drop(ctx, req); err != nil && !isNoRoute(err) {
			printError(s.Err, err)
			return 1
		}
		return 0
	}
	tok, err := token(ctx, t, req)
	var out any = struct{}{}
	switch {
	case err == nil:
		out = struct {
			Token string `json:"token"`
		}{tok.AccessToken}
	case !isNoRoute(err):
		printError(s.Err, err)
		return 1
	}
	if writeJSON(s.Out, out) != nil {
		return 1
	}
	return 0
}

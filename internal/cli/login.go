package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/agent"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/envfile"
	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

type loginCmd struct {
	ClientID              *string  `help:"OAuth client ID." placeholder:"ID"`
	OAuthURL              *string  `name:"oauth-url" help:"Token endpoint (default: ${token_url})." placeholder:"URL" xor:"endpoint"`
	Issuer                *string  `help:"OIDC issuer: the token endpoint is read from its discovery document (ISSUER/.well-known/openid-configuration)." placeholder:"URL" xor:"endpoint"`
	Audience              *string  `help:"Audience to request (default: ${audience}; an empty value sends none)." placeholder:"AUD"`
	Scope                 *string  `help:"Scope(s) to request, space-separated (e.g. Entra's api://ID/.default)."`
	AuthMethod            *string  `help:"Client authentication: post (form body) or basic (HTTP Basic)." enum:"post,basic" placeholder:"post|basic"`
	Host                  []string `help:"Host pattern this profile serves for git/docker/Bazel/Terraform (exact, *.suffix, optional :port); repeatable." placeholder:"PATTERN"`
	CAFile                *string  `help:"PEM bundle of extra CAs for the token endpoint." placeholder:"PEM"`
	Username              *string  `help:"Username for protocols that need one (default: the client ID)."`
	API                   *string  `help:"Camunda API preset: sets the SaaS audience and check's default URL (${apis})." enum:"${apis}," placeholder:"API"`
	APIURL                *string  `name:"api-url" help:"Base URL of that API (Self-Managed, or a cluster's REST address)." placeholder:"URL"`
	FromEnvFile           string   `help:"Import the credentials file Camunda Console offers for download (export KEY='value' lines)." placeholder:"FILE" type:"existingfile" xor:"source"`
	FromEnv               bool     `help:"Import the credentials from Camunda's environment variables (CAMUNDA_CONSOLE_*, CAMUNDA_CLIENT_*, ZEEBE_CLIENT_*)." xor:"source"`
	ClientSecretStdin     bool     `help:"Read the client secret from standard input." xor:"source"`
	NoVerify              bool     `help:"Store without checking the credentials against the token endpoint."`
	Forward               *bool    `help:"Let the agent's forward socket hand out this profile's tokens to SSH sessions and dev containers (see docs/remote.md); --no-forward withdraws it." negatable:""`
	TrustLoopbackListener *bool    `help:"Send to a plain-http loopback token URL whose listener's owner this system cannot tell (macOS, Windows; Linux checks it always); --no-trust-loopback-listener withdraws it." negatable:""`
	keyFlags              `embed:""`
}

func (cmd *loginCmd) Run(ctx context.Context, c *agent.TokenPath, core *helper.Core, e env) error {
	// kong's existingfile type does not apply to a *string (nil keeps the
	// profile's bundle); the core reads the file and names it if it cannot.
	// A relative path is the caller's: store it absolute.
	if cmd.CAFile != nil && *cmd.CAFile != "" {
		abs := absPath(*cmd.CAFile, e)
		cmd.CAFile = &abs
	}
	lp := helper.LoginParams{
		ClientID: cmd.ClientID, TokenURL: cmd.OAuthURL, Issuer: cmd.Issuer, Audience: cmd.Audience, Scope: cmd.Scope,
		AuthMethod: cmd.AuthMethod, Hosts: cmd.Host, CAFile: cmd.CAFile, Username: cmd.Username,
		API: cmd.API, APIURL: cmd.APIURL, NoVerify: cmd.NoVerify, Forward: cmd.Forward,
		TrustLoopbackListener: cmd.TrustLoopbackListener,
	}
	keyed, err := cmd.keyFlags.apply(&lp, e)
	if err != nil {
		return err
	}
	if keyed {
		return cmd.loginWithKey(ctx, c, lp, e)
	}
	if cmd.FromEnvFile != "" || cmd.FromEnv {
		from, err := cmd.importCredentials(&lp, e)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "Read %s from %s.\n", strings.Join(from, ", "), cmd.source())
	} else {
		secret, err := readSecret(cmd.ClientSecretStdin, e)
		if err != nil {
			return err
		}
		lp.Secret = secret
	}
	tok, err := c.Login(ctx, lp)
	if err != nil {
		return err
	}
	defer func() {
		if cmd.FromEnvFile != "" {
			fmt.Fprintf(e.stderr, "The secret is now in the keychain: you can delete %s.\n", cmd.FromEnvFile)
		}
	}()
	if cmd.NoVerify {
		fmt.Fprintf(e.stderr, "Stored the client secret for profile %q in %s (not verified).\n", c.ProfileName(), storeName(core.Secrets))
	} else {
		fmt.Fprintf(e.stderr, "Verified and stored the client secret for profile %q in %s (token valid until %s).\n",
			c.ProfileName(), storeName(core.Secrets), tok.Expiry.UTC().Format(time.RFC3339))
	}
	storeNote(core.Secrets, e)
	return nil
}

// storeName is where login puts a secret: "the keychain", or the store's
// name when it is not one (the kernel keyring of a headless machine).
func storeName(s keystore.Store) string {
	if keystore.Note(s) == "" {
		return "the keychain"
	}
	return "the " + keystore.Describe(s)
}

// storeNote says what keeping the secret there means, when that differs
// from a keychain (the kernel keyring loses it at reboot).
func storeNote(s keystore.Store, e env) {
	if n := keystore.Note(s); n != "" {
		fmt.Fprintf(e.stderr, "%s: %s.\n", keystore.Describe(s), n)
	}
}

func (cmd *loginCmd) source() string {
	if cmd.FromEnvFile != "" {
		return cmd.FromEnvFile
	}
	return "the environment"
}

// importCredentials fills lp from a Console credentials file or the
// environment; flags given on the command line win.
func (cmd *loginCmd) importCredentials(lp *helper.LoginParams, e env) ([]string, error) {
	lookup := e.lookup
	if cmd.FromEnvFile != "" {
		f, err := os.Open(cmd.FromEnvFile)
		if err != nil {
			return nil, &credential.Error{Kind: credential.KindUsage, Msg: err.Error()}
		}
		vars, err := envfile.ParseEnvFile(f)
		f.Close()
		if err != nil {
			return nil, &credential.Error{Kind: credential.KindUsage, Msg: cmd.FromEnvFile + ": " + err.Error()}
		}
		lookup = func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	}
	im, err := envfile.ImportEnv(lookup)
	if err != nil {
		return nil, &credential.Error{Kind: credential.KindUsage, Msg: cmd.source() + ": " + err.Error()}
	}
	lp.Secret = im.Secret
	fill := func(dst **string, v string, ok bool) {
		if *dst == nil && ok {
			*dst = &v
		}
	}
	fill(&lp.ClientID, im.ClientID, true)
	fill(&lp.TokenURL, im.TokenURL, im.TokenURL != "")
	fill(&lp.Scope, im.Scope, im.Scope != "")
	fill(&lp.APIURL, im.APIURL, im.APIURL != "")
	if lp.API == nil && im.API != "" {
		lp.API = &im.API
	}
	if lp.Audience == nil && im.HasAudience {
		lp.Audience = &im.Audience
	}
	return im.From, nil
}

// readSecret reads the client secret from stdin, or from a hidden prompt on
// the terminal. It never echoes it.
func readSecret(fromStdin bool, e env) (string, error) {
	if fromStdin {
		b, err := io.ReadAll(io.LimitReader(e.stdin, protocol.MaxInput+1))
		if err != nil {
			return "", &credential.Error{Kind: credential.KindUsage, Msg: "cannot read the client secret from stdin: " + err.Error()}
		}
		if len(b) > protocol.MaxInput {
			return "", &credential.Error{Kind: credential.KindUsage, Msg: "the client secret on stdin is too long"}
		}
		s := strings.TrimRight(string(b), "\r\n")
		if s == "" || strings.ContainsAny(s, "\r\n\x00") {
			return "", &credential.Error{Kind: credential.KindUsage, Msg: "expected the client secret on one line of stdin"}
		}
		return s, nil
	}
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", &credential.Error{Kind: credential.KindUsage, Msg: "no terminal to prompt for the client secret",
			Hint: "Pipe it in with --client-secret-stdin, e.g.: secret-tool lookup ... | " + name + " login --client-secret-stdin ..."}
	}
	fmt.Fprint(e.stderr, "Client secret (input hidden): ")
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", &credential.Error{Kind: credential.KindUsage, Msg: "cannot read the client secret: " + err.Error()}
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", &credential.Error{Kind: credential.KindUsage, Msg: "the client secret is empty"}
	}
	return s, nil
}

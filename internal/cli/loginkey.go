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
	"github.com/camunda-community-hub/camunda-credential-helper/internal/clientauth"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// keyFlags are login's flags for a key in place of a secret
// (private_key_jwt).
type keyFlags struct {
	PrivateKey         string  `help:"Authenticate with this private key instead of a secret (private_key_jwt): PEM (PKCS#8, PKCS#1 RSA, SEC1 EC) or PKCS#12 (.p12/.pfx). It is stored in the keychain; the file can go afterwards." placeholder:"FILE" type:"existingfile" xor:"source"`
	PrivateKeyPassword bool    `name:"private-key-password-stdin" help:"Read the PKCS#12 file's password from standard input (default: a hidden prompt)."`
	Certificate        string  `help:"PEM certificate of the private key, as registered at the identity provider (Entra ID): sent as x5t and x5t#S256." placeholder:"FILE" type:"existingfile"`
	KeyID              *string `name:"key-id" help:"kid of the assertions, as the provider's JWKS names the key (default: the key's RFC 7638 thumbprint)." placeholder:"KID"`
	SigningAlg         *string `help:"Signing algorithm of the assertions (default: RS256 for RSA, ES256 for EC)." enum:"RS256,PS256,ES256" placeholder:"ALG"`
	GenerateKey        bool    `help:"Generate a key pair with a self-signed certificate, store it in the keychain, and say how to register it (see public-key)." xor:"source"`
	KeyType            string  `help:"Type of the generated key: rsa (2048 bits, what Entra ID takes) or ec (P-256)." enum:"rsa,ec" default:"rsa"`
}

// apply reads the key flags into lp and reports whether login is with a
// key. Flags that go only with a key are refused without one.
func (f *keyFlags) apply(lp *helper.LoginParams, e env) (bool, error) {
	lp.KeyID, lp.SigningAlg = f.KeyID, f.SigningAlg
	switch {
	case f.GenerateKey:
		if f.Certificate != "" {
			return false, credential.Errorf(credential.KindUsage, "--certificate goes with --private-key: a generated key gets a self-signed certificate")
		}
		lp.GenerateKey = f.KeyType
		return true, nil
	case f.PrivateKey == "":
		if f.Certificate != "" || f.PrivateKeyPassword {
			return false, credential.Errorf(credential.KindUsage, "--certificate and --private-key-password-stdin go with --private-key")
		}
		return false, nil
	}
	k, err := readKey(absPath(f.PrivateKey, e), f.PrivateKeyPassword, e)
	if err != nil {
		return false, err
	}
	if f.Certificate != "" {
		path := absPath(f.Certificate, e)
		b, err := os.ReadFile(path)
		if err != nil {
			return false, &credential.Error{Kind: credential.KindUsage, Msg: "cannot read the certificate: " + err.Error()}
		}
		cert, err := clientauth.ParseCertificate(b)
		if err == nil {
			err = k.SetCertificate(cert)
		}
		if err != nil {
			return false, credential.Errorf(credential.KindUsage, "%s: %v", f.Certificate, err)
		}
	}
	lp.Key = k
	return true, nil
}

// maxKeyFile bounds a key or PKCS#12 file: real ones are a few KiB.
const maxKeyFile = 1 << 20

func readKey(path string, passwordStdin bool, e env) (*clientauth.Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &credential.Error{Kind: credential.KindUsage, Msg: "cannot read the private key: " + err.Error()}
	}
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	f.Close()
	if err != nil || len(b) > maxKeyFile {
		return nil, credential.Errorf(credential.KindUsage, "%s: cannot read the private key (or it is larger than %d bytes)", path, maxKeyFile)
	}
	k, err := clientauth.ParsePrivateKey(b, func() (string, error) { return readPassword(passwordStdin, e) })
	if err != nil {
		if ce, ok := err.(*credential.Error); ok {
			return nil, ce
		}
		return nil, credential.Errorf(credential.KindUsage, "%s: %v", path, err)
	}
	return k, nil
}

// readPassword reads the PKCS#12 password from stdin (one line; it may be
// empty) or from a hidden prompt on the terminal.
func readPassword(fromStdin bool, e env) (string, error) {
	if fromStdin {
		b, err := io.ReadAll(io.LimitReader(e.stdin, 4097))
		if err != nil || len(b) > 4096 {
			return "", credential.Errorf(credential.KindUsage, "cannot read the PKCS#12 password from stdin (at most 4096 bytes)")
		}
		s := strings.TrimRight(string(b), "\r\n")
		if strings.ContainsAny(s, "\r\n\x00") {
			return "", credential.Errorf(credential.KindUsage, "expected the PKCS#12 password on one line of stdin")
		}
		return s, nil
	}
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", &credential.Error{Kind: credential.KindUsage, Msg: "no terminal to prompt for the PKCS#12 password",
			Hint: "Pipe it in with --private-key-password-stdin."}
	}
	fmt.Fprint(e.stderr, "PKCS#12 password (input hidden): ")
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", credential.Errorf(credential.KindUsage, "cannot read the PKCS#12 password: %v", err)
	}
	return string(b), nil
}

// loginWithKey is login with a key read from a file or generated.
func (cmd *loginCmd) loginWithKey(ctx context.Context, c *agent.TokenPath, lp helper.LoginParams, e env) error {
	if cmd.FromEnvFile != "" || cmd.FromEnv || cmd.ClientSecretStdin {
		return credential.Errorf(credential.KindUsage, "a key replaces the client secret: drop --from-env-file, --from-env and --client-secret-stdin")
	}
	tok, err := c.Login(ctx, lp)
	if err != nil {
		return err
	}
	if lp.GenerateKey != "" {
		k, err := c.PublicKey(ctx)
		if err != nil {
			return err
		}
		p := name + " --profile " + c.ProfileName()
		fmt.Fprintf(e.stderr, "Generated an %s key for profile %q and stored it in the keychain; it never leaves it.\n"+
			"Register its public part with the identity provider, then check it with: %s token\n"+
			"  Entra ID: %s public-key --format cert > %s.crt, then upload that file under Certificates & secrets.\n"+
			"  Keycloak, Okta, oidc-provider: %s public-key --format jwks (kid %s) as the client's JWKS.\n",
			k.Type(), c.ProfileName(), p, p, c.ProfileName(), p, k.KeyID())
		return nil
	}
	what := fmt.Sprintf("the %s private key (kid %s", lp.Key.Type(), lp.Key.KeyID())
	if lp.Key.Cert != nil {
		what += ", with its certificate"
	}
	what += ")"
	if cmd.NoVerify {
		fmt.Fprintf(e.stderr, "Stored %s for profile %q in the keychain (not verified).\n", what, c.ProfileName())
	} else {
		fmt.Fprintf(e.stderr, "Verified and stored %s for profile %q in the keychain (token valid until %s).\n",
			what, c.ProfileName(), tok.Expiry.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(e.stderr, "The key is now in the keychain: you can delete %s.\n", cmd.PrivateKey)
	return nil
}

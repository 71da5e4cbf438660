package cli

import (
	"os"

	"github.com/rogpeppe/go-internal/testscript"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/clientauth"
)

// cmdPKCS12 writes a PKCS#12 file (.p12/.pfx) from a PEM key and
// certificate, as openssl pkcs12 -export would: a txtar cannot hold one.
func cmdPKCS12(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: pkcs12 KEY CERT PASSWORD OUT")
	}
	k, err := clientauth.ParsePrivateKey([]byte(ts.ReadFile(args[0])), nil)
	ts.Check(err)
	cert, err := clientauth.ParseCertificate([]byte(ts.ReadFile(args[1])))
	ts.Check(err)
	pfx, err := pkcs12.Modern.Encode(k.Signer, cert, nil, args[2])
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[3]), pfx, 0o600))
}

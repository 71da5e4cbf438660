package protocol

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// The token command's output, for people and scripts:
//
//	raw     the token and a newline
//	header  "Authorization: Bearer <token>" and a newline
//	json    the object of get (see get.go) without "profile"
//
// A failure prints nothing on stdout; Report writes it on stderr and
// returns the exit status of its kind (credential.Kind.ExitCode).

// Token answers one token command: a token for req, printed in format.
func Token(ctx context.Context, src credential.Source, req credential.Request, format string, s Stdio) int {
	tok, err := token(ctx, src, req)
	if err != nil {
		return Report(s.Err, err)
	}
	w := bufio.NewWriter(s.Out)
	switch format {
	case "raw":
		fmt.Fprintln(w, tok.AccessToken)
	case "header":
		fmt.Fprintf(w, "Authorization: Bearer %s\n", tok.AccessToken)
	default:
		if err := WriteTokenJSON(w, tok, s.now(), false); err != nil {
			return Report(s.Err, err)
		}
	}
	if w.Flush() != nil {
		return 1
	}
	return 0
}

// Report writes err as every command reports a failure ("<program>:
// message", the hint's lines indented below) and returns the exit status
// of its kind.
func Report(w io.Writer, err error) int {
	msg := Explain(err)
	fmt.Fprintf(w, "%s: %s\n", progName, strings.ReplaceAll(msg, "\n", "\n  "))
	return credential.KindOf(err).ExitCode()
}

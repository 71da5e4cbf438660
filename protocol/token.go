package protocol

import (
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
//	curl    a curl config line, header = "Authorization: Bearer <token>",
//	        for `... token --format curl | curl -K - URL`: the token reaches
//	        curl on a pipe, never in its argv, which ps shows every user
//
// A failure prints nothing on stdout; Report writes it on stderr and
// returns the exit status of its kind (credential.Kind.ExitCode).

// TokenFormats are the formats Token prints, json (the default) first.
var TokenFormats = []string{"json", "raw", "header", "curl"}

// Token answers one token command: a token for req, printed in format.
func Token(ctx context.Context, src credential.Source, req credential.Request, format string, s Stdio) int {
	tok, err := token(ctx, src, req)
	if err != nil {
		return Report(s.Err, err)
	}
	// One write of the whole line: no buffer or formatter to set up on
	// the hit path, and nothing half-written when the write fails.
	var line string
	switch format {
	case "raw":
		line = tok.AccessToken + "\n"
	case "header":
		line = "Authorization: Bearer " + tok.AccessToken + "\n"
	case "curl":
		// Quoted as curl's config syntax asks; credential.Printable
		// already keeps out whitespace and control characters.
		q := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(tok.AccessToken)
		line = "header = \"Authorization: Bearer " + q + "\"\n"
	default:
		var b strings.Builder
		if err := WriteTokenJSON(&b, tok, s.now(), false); err != nil {
			return Report(s.Err, err)
		}
		line = b.String()
	}
	if _, err := io.WriteString(s.Out, line); err != nil {
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

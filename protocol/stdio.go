package protocol

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
)

// progName prefixes the messages the adapters print.
const progName = tools.Name

// errTooLarge reports stdin beyond MaxInput. (errors.New of a constant: no
// fmt at start-up.)
var errTooLarge = errors.New("input larger than 65536 bytes")

// readInput reads all of r, refusing more than MaxInput bytes. A nil r reads
// as empty.
func readInput(r io.Reader) ([]byte, error) {
	if r == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxInput+1))
	if err != nil {
		return nil, fmt.Errorf("read stdin: %w", err)
	}
	if len(b) > MaxInput {
		return nil, errTooLarge
	}
	return b, nil
}

// drain reads r to EOF (up to a bound) so that a writing caller never sees
// a broken pipe.
func drain(r io.Reader) {
	if r != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(r, 64*MaxInput))
	}
}

// token asks the core for a token and refuses one that is empty or that
// cannot be sent in an HTTP header (RFC 6750 tokens are visible ASCII), which
// also keeps line breaks out of the line-based protocols.
func token(ctx context.Context, src credential.Source, req credential.Request) (credential.Token, error) {
	tok, err := src.Token(ctx, req)
	if err != nil {
		return credential.Token{}, err
	}
	if tok.AccessToken == "" {
		return credential.Token{}, errors.New("the token endpoint returned an empty access token")
	}
	if !credential.Printable(tok.AccessToken) {
		return credential.Token{}, errors.New("the access token contains spaces, control or non-ASCII characters; refusing to print it")
	}
	return tok, nil
}

// isNoRoute reports whether err says that no profile serves the resource.
func isNoRoute(err error) bool { return credential.KindOf(err) == credential.KindNoRoute }

// printError writes err to w as one line prefixed with the program name.
// A hint on a following line is joined with "; ".
func printError(w io.Writer, err error) {
	fmt.Fprintf(w, "%s: %s\n", progName, oneLine(Explain(err)))
}

// oneLine joins the lines of s with "; " and drops other control characters.
func oneLine(s string) string {
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	s = strings.Join(lines, "; ")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\t' {
			return -1
		}
		return r
	}, s)
}

// writeJSON writes v as compact JSON and a newline in a single Write.
func writeJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// rfc3339 formats t in UTC with whole seconds (rounded down, so a caller
// never holds a token past its expiry), as Bazel and Kubernetes parse it.
func rfc3339(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// isSpaceOrControl reports characters that never appear in a URL or host.
func isSpaceOrControl(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

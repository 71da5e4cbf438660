package protocol

import (
	"io"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// What the external tests (package protocol_test, which run the protocols
// over the real token path) need of the package's insides.

// ProgName prefixes the adapters' messages.
const ProgName = progName

// ReadGetRequest is get's request parser.
func ReadGetRequest(r io.Reader) (credential.Request, error) { return readGetRequest(r) }

// GitResource is the resource git's request names.
func GitResource(in []byte) (string, error) { return parseGitRequest(in).resource() }

// ParseExecInfo is the ExecCredential apiVersion kubectl asks for.
func ParseExecInfo(info string) (string, error) { return parseExecInfo(info) }

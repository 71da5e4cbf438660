//go:build !linux && !darwin

package agentwire

import (
	"os"
	"syscall"
)

// Supported reports whether this OS has the agent: on Windows and the
// other systems, tokens come from the encrypted file cache.
const Supported = false

// PeerUID is not available here.
func PeerUID(syscall.RawConn) (int, error) { return -1, ErrUnsupported }

func dial(string) (*os.File, error) { return nil, ErrUnsupported }

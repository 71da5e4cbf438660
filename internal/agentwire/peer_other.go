//go:build !linux && !darwin

package agentwire

// Supported reports whether this OS has the agent: on Windows and the
// other systems, tokens come from the encrypted file cache.
const Supported = false

// PeerUID is not available here.
func PeerUID(int) (int, error) { return -1, ErrUnsupported }

//go:build !linux && !darwin

package agentwire

import "time"

// Supported reports whether this OS has the agent: on Windows and the
// other systems, tokens come from the encrypted file cache.
const Supported = false

// PeerUID is not available here.
func PeerUID(int) (int, error) { return -1, ErrUnsupported }

type sockConn struct{ fd int }

func (*sockConn) Read([]byte) (int, error)    { return 0, ErrUnsupported }
func (*sockConn) Write([]byte) (int, error)   { return 0, ErrUnsupported }
func (*sockConn) Close() error                { return nil }
func (*sockConn) SetDeadline(time.Time) error { return ErrUnsupported }
func dial(string) (*sockConn, error)          { return nil, ErrUnsupported }

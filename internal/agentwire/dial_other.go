//go:build !linux && !darwin

package agentwire

func dialUnix(string) (Conn, error) { return nil, ErrUnsupported }

func dialForwarded(string) (Conn, error) { return nil, ErrUnsupported }

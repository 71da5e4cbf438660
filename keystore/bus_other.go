//go:build !linux

package keystore

// checkBackend has nothing to check outside Linux: macOS and Windows have
// their keychains built in.
func checkBackend() error { return nil }

//go:build !linux

package keystore

import (
	"context"

	"github.com/zalando/go-keyring"
)

// Outside Linux the keychain is go-keyring's: macOS and Windows have their
// keychains built in, with no bus to find.

func backendGet(_ context.Context, service, user string) (string, error) {
	return keyring.Get(service, user)
}

func backendSet(_ context.Context, service, user, secret string) error {
	return keyring.Set(service, user, secret)
}

func backendDelete(_ context.Context, service, user string) error {
	return keyring.Delete(service, user)
}

package doctor

import (
	"slices"
	"testing"
)

func TestStorageHelpersFor(t *testing.T) {
	entries := []gitEntry{
		{"", "store"},
		{"https://git.example.com", ""},
		{"https://git.example.com", "!/bin/camunda-credential-helper git"},
		{"https://*.example.com", "cache --timeout=60"},
		{"https://git.example.com:8443", "osxkeychain"},
		{"https://git.example.com/path", "manager"},
		{"http://git.example.com", "wincred"},
		{"", "/usr/libexec/git-core/git-credential-libsecret"},
	}
	for _, tc := range []struct {
		host string
		want []string
	}{
		{"git.example.com", []string{"cache", "libsecret"}},
		{"a.b.example.com", []string{"store", "libsecret"}}, // '*' is one label
		{"other.org", []string{"store", "libsecret"}},
	} {
		if got := storageHelpersFor(entries, tc.host); !slices.Equal(got, tc.want) {
			t.Errorf("storageHelpersFor(%s) = %v, want %v", tc.host, got, tc.want)
		}
	}
}

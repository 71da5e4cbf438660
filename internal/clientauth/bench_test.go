package clientauth

import (
	"testing"
	"time"
)

// What a key profile adds to a token request (signing) and to a call that
// reads the keychain (rebuilding the key from its stored form).
func BenchmarkAssertion(b *testing.B) {
	for _, kt := range []string{TypeRSA, TypeEC} {
		k, err := Generate(kt, "cid", time.Now())
		if err != nil {
			b.Fatal(err)
		}
		b.Run(kt, func(b *testing.B) {
			for b.Loop() {
				if _, err := k.Assertion("cid", "https://idp.example.com/token", time.Now()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkUnmarshalPrivate(b *testing.B) {
	for _, kt := range []string{TypeRSA, TypeEC} {
		k, _ := Generate(kt, "cid", time.Now())
		der, _ := k.MarshalPrivate()
		b.Run(kt, func(b *testing.B) {
			for b.Loop() {
				if _, err := UnmarshalPrivate(der, k.Cert.Raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

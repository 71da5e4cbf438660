//go:build !linux

package keystore

// choose: macOS and Windows have one keychain each, built in.
func choose(service string, lookup func(string) (string, bool)) *Chosen {
	if v, _ := lookup(EnvKeyring); v != "" {
		return badChoice(v, "nothing (only Linux has a choice)")
	}
	return &Chosen{Store: Keyring{Service: service}, Why: "it is the system's keychain"}
}

package keystore

// choose: the Secret Service when a session bus is configured, the kernel
// keyring when none is (a headless machine, an SSH session without a
// desktop), unless EnvKeyring forces one. A bus that is configured but
// does not answer stays the Secret Service, whose error says so: the store
// never changes because a daemon is down.
func choose(service string, lookup func(string) (string, bool)) *Chosen {
	switch v, _ := lookup(EnvKeyring); v {
	case "secret-service":
		return &Chosen{Store: Keyring{Service: service}, Why: EnvKeyring + "=secret-service"}
	case "keyctl":
		return &Chosen{Store: Keyctl{Service: service}, Why: EnvKeyring + "=keyctl"}
	case "":
	default:
		return badChoice(v, "secret-service or keyctl")
	}
	ok, why := sessionBus(lookup)
	if ok {
		return &Chosen{Store: Keyring{Service: service}, Why: why}
	}
	return &Chosen{Store: Keyctl{Service: service}, Why: why}
}

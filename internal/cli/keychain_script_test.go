package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

// storedSecret is the keychain value login writes (helper/storedsecret.go),
// spelled out here so that a change of the stored format fails the tests.
type storedSecret struct {
	V        int    `json:"v"`
	TokenURL string `json:"token_url"`
	ClientID string `json:"client_id"`
	Secret   string `json:"secret"`
}

// readStoredSecret reads and decodes what the keychain holds for profile
// under service: keystore.ErrNotFound when nothing, an error when the value
// is not a version 1 envelope.
func readStoredSecret(ctx context.Context, service, profile string) (storedSecret, error) {
	var s storedSecret
	v, err := keystore.Keyring{Service: service}.Get(ctx, profile)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(v), &s); err != nil || s.V != 1 {
		return s, fmt.Errorf("the value stored for %s is not a version 1 envelope", profile)
	}
	return s, nil
}

func cmdKeychain(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: keychain has|absent PROFILE | keychain get|set PROFILE VALUE | keychain bound PROFILE URL ID"
	want := map[string]int{"has": 2, "absent": 2, "get": 3, "set": 3, "bound": 4}
	if len(args) < 1 || want[args[0]] != len(args) {
		ts.Fatalf(usage)
	}
	op, profile := args[0], args[1]
	k := keystore.Keyring{Service: state(ts).service}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if op == "set" {
		if neg {
			ts.Fatalf("unsupported: ! keychain set")
		}
		ts.Check(k.Set(ctx, profile, args[2]))
		return
	}
	_, err := k.Get(ctx, profile)
	found := err == nil
	if err != nil && !errors.Is(err, keystore.ErrNotFound) {
		ts.Fatalf("keychain: %v", err)
	}
	where := "under service " + k.Service + " for profile " + profile
	var env storedSecret
	if found && (op == "get" || op == "bound") {
		if env, err = readStoredSecret(ctx, k.Service, profile); err != nil {
			if neg {
				return
			}
			ts.Fatalf("the value stored %s is not a version 1 envelope", where)
		}
	}
	switch op {
	case "has", "absent":
		want := (op == "has") != neg
		if found != want {
			ts.Fatalf("a secret is %s %s", map[bool]string{true: "stored", false: "not stored"}[found], where)
		}
	case "get":
		match := found && env.Secret == args[2]
		if match == neg {
			if !found {
				ts.Fatalf("no secret is stored %s", where)
			}
			ts.Fatalf("the secret stored %s %s the expected value", where, map[bool]string{true: "equals", false: "differs from"}[match])
		}
	case "bound":
		match := found && env.TokenURL == args[2] && env.ClientID == args[3]
		if match == neg {
			if !found {
				ts.Fatalf("no secret is stored %s", where)
			}
			ts.Fatalf("the secret stored %s is bound to %s (client %s)", where, env.TokenURL, env.ClientID)
		}
	default:
		ts.Fatalf(usage)
	}
}

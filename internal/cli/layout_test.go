package cli

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The design, held against the import graph: one package owns the command
// line, the core knows nothing of the agent or the command line, the
// protocols need no core, the fast client links neither the core nor
// an HTTP client nor kong, and the fake token server and the other user
// are for tests only.
func TestImportRules(t *testing.T) {
	const mod = "github.com/camunda-community-hub/camunda-credential-helper/"
	list := func(args ...string) []string {
		out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
		if err != nil {
			t.Fatalf("go list %q: %v", args, err)
		}
		return strings.Fields(string(out))
	}
	for _, line := range strings.Split(strings.TrimSpace(strings.Join(list("-f", `{{.ImportPath}}:{{join .Imports ","}}`, mod+"..."), "\n")), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		for _, imp := range strings.Split(imports, ",") {
			if imp == mod+"internal/tokenserver" || imp == mod+"internal/otheruser" {
				t.Errorf("%s imports %s: only tests may", pkg, imp)
			}
		}
		if pkg == mod+"internal/cli" {
			continue
		}
		for _, imp := range strings.Split(imports, ",") {
			if strings.HasPrefix(imp, "github.com/alecthomas/kong") || strings.HasPrefix(imp, "github.com/willabides/kongplete") {
				t.Errorf("%s imports %s: only internal/cli may", pkg, imp)
			}
		}
	}
	// protocol's golden exchanges run over the core from outside the
	// package (protocol_test); its own tests, like its code, need none.
	for _, imp := range list("-f", `{{join .TestImports " "}}`, mod+"protocol") {
		if imp == mod+"helper" || imp == mod+"keystore" || imp == mod+"internal/agent" {
			t.Errorf("protocol's internal tests import %s: drive the core from package protocol_test", imp)
		}
	}
	for pkg, never := range map[string][]string{
		"helper":              {mod + "internal/agent", mod + "internal/agentwire", mod + "internal/cli", mod + "protocol", "github.com/alecthomas/kong"},
		"protocol":            {mod + "helper", mod + "keystore", mod + "internal/agent", "net/http"},
		"internal/fastclient": {mod + "helper", mod + "keystore", mod + "internal/agent", "net/http", "github.com/alecthomas/kong"},
		"internal/agent":      {mod + "internal/cli", "github.com/alecthomas/kong"},
		// A forwarded agent's caller uses no keychain, config file, cache
		// or token endpoint of its own machine.
		"internal/forward": {mod + "helper", mod + "keystore", mod + "internal/config", mod + "internal/tokencache", "net/http"},
		// The kernel keyring is a capability of its own; keystore makes it a Store.
		"keystore/keyctl": {mod + "keystore", mod + "helper", mod + "internal/config", "net/http"},
	} {
		deps := list("-deps", mod+pkg)
		for _, n := range never {
			if slices.Contains(deps, n) {
				t.Errorf("%s depends on %s", pkg, n)
			}
		}
	}
}

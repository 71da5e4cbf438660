package doctor

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/helper"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
)

// storageHelpers are git credential helpers that keep what they are given:
// next to ours, git would hand them our token on "store".
var storageHelpers = []string{"store", "cache", "osxkeychain", "manager", "manager-core", "libsecret", "wincred", "gnome-keyring"}

// gitFindings warns, for each host of each profile, about storage helpers
// that git would call besides ours. git runs every credential.helper that
// matches a URL in config order, and an empty value clears only the ones
// before it: `setup git` clears helpers configured earlier, but a
// credential.helper set later (further down the global file, or in a
// repository's config) still gets the token.
func gitFindings(ctx context.Context, cfg *config.Config) []helper.Finding {
	entries, ok := gitHelperEntries(ctx)
	if !ok {
		return nil
	}
	var out []helper.Finding
	for _, name := range cfg.Names() {
		for _, pat := range cfg.Profiles[name].Hosts {
			host := strings.Replace(pat, "*", "x", 1) // a host the pattern serves
			stores := storageHelpersFor(entries, host)
			if len(stores) == 0 {
				continue
			}
			out = append(out, helper.Finding{OK: true, Warn: true, Topic: "git " + pat,
				Detail: fmt.Sprintf("git would also give profile %s's token for https://%s to %s, configured after this helper", name, host, strings.Join(stores, ", ")),
				Fix:    "Move that credential.helper before this helper's lines (run setup git again), or scope it to other hosts"})
		}
	}
	return out
}

// gitEntry is one credential.helper setting, in config order.
type gitEntry struct {
	url   string // "" for credential.helper, else the <url> of credential.<url>.helper
	value string
}

// gitHelperEntries reads every credential helper setting that git sees here
// (system, global, this repository, includes), in the order git applies them.
func gitHelperEntries(ctx context.Context) ([]gitEntry, bool) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "git", "config", "--null", "--get-regexp", `^credential\..*helper$`).Output()
	if err != nil && len(out) == 0 {
		return nil, false // no git, or no helper configured
	}
	var entries []gitEntry
	for _, rec := range bytes.Split(out, []byte{0}) {
		key, value, _ := strings.Cut(string(rec), "\n")
		mid, ok := strings.CutPrefix(key, "credential.")
		if !ok || !strings.HasSuffix(strings.ToLower(mid), "helper") {
			continue
		}
		mid = strings.TrimSuffix(mid[:len(mid)-len("helper")], ".")
		entries = append(entries, gitEntry{url: mid, value: value})
	}
	return entries, true
}

// storageHelpersFor replays git's rules for https://host: every matching
// entry in order, an empty value clearing the list so far. It returns the
// storage helpers left in the list.
func storageHelpersFor(entries []gitEntry, host string) []string {
	var list []string
	for _, e := range entries {
		if e.url != "" && !gitURLMatches(e.url, host) {
			continue
		}
		if e.value == "" {
			list = list[:0]
			continue
		}
		list = append(list, e.value)
	}
	var stores []string
	for _, v := range list {
		if name := storageHelperName(v); name != "" {
			stores = append(stores, name)
		}
	}
	return stores
}

// storageHelperName names v if it runs a storage helper ("store",
// "cache --timeout=300", "/usr/lib/git-core/git-credential-libsecret").
func storageHelperName(v string) string {
	if strings.HasPrefix(v, "!") {
		return "" // a shell command: ours, or a script we cannot judge
	}
	word := strings.Fields(v)[0]
	word = strings.TrimPrefix(filepath.Base(word), "git-credential-")
	for _, s := range storageHelpers {
		if word == s {
			return s
		}
	}
	return ""
}

// gitURLMatches reports whether a credential.<url> section applies to
// https://host (git's urlmatch: same scheme, a host whose '*' labels match
// one label each, the default port, and no path, since tokens are per host).
func gitURLMatches(pattern, host string) bool {
	rest, ok := strings.CutPrefix(strings.ToLower(pattern), "https://")
	if !ok {
		return false
	}
	rest = strings.TrimSuffix(rest, "/")
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	rest = strings.TrimSuffix(rest, ":443")
	if strings.ContainsAny(rest, "/:") {
		return false
	}
	want, got := strings.Split(rest, "."), strings.Split(strings.ToLower(host), ".")
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if want[i] != "*" && want[i] != got[i] {
			return false
		}
	}
	return true
}

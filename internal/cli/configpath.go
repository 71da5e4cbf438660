package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/config"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/credential"
)

// configPath is the config file the global flags and the environment
// select, made absolute.
func configPath(c *cli, e env) (string, error) {
	cfgPath := c.Config
	if cfgPath == "" {
		// git, docker and kubectl run us inside whatever directory the user
		// is in: a relative path in the environment would pick up a config
		// file from a cloned repository.
		v, _ := e.lookup("CAMUNDA_CREDENTIAL_HELPER_CONFIG")
		if v != "" && !filepath.IsAbs(homePath(v, e)) {
			return "", &credential.Error{Kind: credential.KindUsage, Msg: fmt.Sprintf("CAMUNDA_CREDENTIAL_HELPER_CONFIG=%s is not an absolute path", v),
				Hint: "Set it to an absolute path (a leading ~/ means your home directory), or pass --config."}
		}
		cfgPath = v
	}
	if cfgPath != "" {
		cfgPath = absPath(cfgPath, e)
	} else {
		p, err := config.DefaultPath()
		if err != nil {
			return "", &credential.Error{Kind: credential.KindUsage, Msg: "cannot find the config directory: " + err.Error() + " (pass --config)"}
		}
		cfgPath = p
	}
	return cfgPath, nil
}

// absPath makes p absolute against the caller's working directory, with a
// leading ~ for the caller's home.
func absPath(p string, e env) string {
	p = homePath(p, e)
	if !filepath.IsAbs(p) {
		p = filepath.Join(e.cwd, p)
	}
	return filepath.Clean(p)
}

// homePath expands a leading ~ of p to the caller's home.
func homePath(p string, e env) string {
	if home, ok := e.lookup("HOME"); ok && (p == "~" || strings.HasPrefix(p, "~/")) {
		p = filepath.Join(home, p[1:])
	}
	return p
}

// Package setup writes the configuration snippets that wire each tool to
// the helper (git config lines, docker's credHelpers, a kubeconfig user,
// Bazel and Terraform settings). They are text for people, not a wire
// protocol.
package setup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/route"
	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
	"github.com/camunda-community-hub/camunda-credential-helper/protocol"
)

// Params describes the installation that Setup writes snippets for.
type Params struct {
	Exe     string   // absolute path of the binary (git, kubectl)
	Profile string   // profile for --profile; "" leaves the flag out
	Hosts   []string // host patterns to configure (git, docker, bazel)
	ShimDir string   // where the docker-, bazel- and terraform- shims are or will be
	// ShimMissing says the tool's shim is not in ShimDir yet: the snippet
	// then says how to put it there.
	ShimMissing bool
}

// Setup writes the configuration snippet that makes tool (git, docker,
// kubectl, bazel or terraform) use the helper. Shell lines are for a POSIX
// shell. It fails for an unknown tool, an invalid host pattern, or a missing
// parameter that the tool's snippet needs.
func Setup(w io.Writer, tool string, p Params) error {
	for _, h := range p.Hosts {
		if err := route.ValidHostPattern(h); err != nil {
			return err
		}
	}
	var b bytes.Buffer
	var err error
	switch tool {
	case "git":
		err = setupGit(&b, p)
	case "docker":
		err = setupDocker(&b, p)
	case "kubectl":
		err = setupKubectl(&b, p)
	case "bazel":
		err = setupBazel(&b, p)
	case "terraform":
		err = setupTerraform(&b, p)
	default:
		return fmt.Errorf("unknown tool %q; want git, docker, kubectl, bazel or terraform", tool)
	}
	if err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}

func need(tool, what, v string) error {
	if v == "" {
		return fmt.Errorf("setup %s: %s is required", tool, what)
	}
	return nil
}

// ErrNoHosts is returned (wrapped) by Setup for a tool that finds the
// helper by host (git, docker, Bazel) when the profile lists none: a snippet
// for every host would hand the token to any server the tool contacts.
var ErrNoHosts = errors.New("the profile lists no host patterns")

func needHosts(tool string, hosts []string) error {
	if len(hosts) == 0 {
		return fmt.Errorf("setup %s: %w, so %s would not know which servers may have its token", tool, ErrNoHosts, tool)
	}
	return nil
}

func setupGit(w io.Writer, p Params) error {
	if err := errors.Join(need("git", "the executable path", p.Exe), needHosts("git", p.Hosts)); err != nil {
		return err
	}
	cmd := "!" + shellQuote(p.Exe)
	if p.Profile != "" {
		cmd += " --profile " + shellQuote(p.Profile)
	}
	cmd += " git"
	fmt.Fprintf(w, "# Use the helper for these hosts only. The empty value clears the helpers\n")
	fmt.Fprintf(w, "# configured before these lines (such as a store that would keep the token);\n")
	fmt.Fprintf(w, "# one configured after them still gets it: doctor names those.\n")
	fmt.Fprintf(w, "# credential.<url>.useHttpPath is not needed: tokens are per host.\n")
	for _, h := range p.Hosts {
		key := shellQuote("credential.https://" + h + ".helper")
		fmt.Fprintf(w, "git config --global --replace-all %s ''\n", key)
		fmt.Fprintf(w, "git config --global --add %s %s\n", key, shellQuote(cmd))
	}
	for _, h := range p.Hosts {
		if suffix, ok := strings.CutPrefix(h, "*"); ok {
			fmt.Fprintf(w, "# %s: git's '*' matches one label only (a%s, not a.b%s);\n", h, suffix, suffix)
			fmt.Fprintf(w, "#   for deeper hosts add https://*.*%s, and so on.\n", suffix)
		}
	}
	fmt.Fprintf(w, "# A host without a port matches only https on port 443; write host:port for others.\n")
	return nil
}

func setupDocker(w io.Writer, p Params) error {
	if err := needHosts("docker", p.Hosts); err != nil {
		return err
	}
	helpers := map[string]string{}
	var wild []string
	for _, h := range p.Hosts {
		if strings.HasPrefix(h, "*.") {
			wild = append(wild, h)
			continue
		}
		helpers[dockerKey(h)] = "camunda"
	}
	fmt.Fprintf(w, "# Merge into $DOCKER_CONFIG/config.json (default ~/.docker/config.json;\n")
	fmt.Fprintf(w, "# %%USERPROFILE%%\\.docker\\config.json on Windows):\n")
	if len(helpers) > 0 {
		b, err := json.MarshalIndent(map[string]any{"credHelpers": helpers}, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s\n", b)
	}
	for _, h := range wild {
		fmt.Fprintf(w, "# %s: docker's credHelpers keys are exact registry hosts (host[:port]);\n", h)
		fmt.Fprintf(w, "#   add one key per registry under it.\n")
	}
	if p.ShimDir != "" {
		fmt.Fprintf(w, "# docker runs docker-credential-camunda from PATH: add %s to PATH.\n", p.ShimDir)
		if p.ShimMissing {
			fmt.Fprintf(w, "# It is not there yet: %s setup docker --install %s\n", tools.Name, shellQuote(p.ShimDir))
		}
	}
	noProfile(w, p)
	return nil
}

// noProfile notes that a shim routes by host, as its caller cannot pass flags.
func noProfile(w io.Writer, p Params) {
	if p.Profile != "" {
		fmt.Fprintf(w, "# The shim picks the profile by host (profile %q must list these hosts).\n", p.Profile)
	}
}

// dockerKey is the credHelpers key for a host pattern; Docker Hub has its own.
func dockerKey(h string) string {
	switch strings.ToLower(h) {
	case "docker.io", "index.docker.io", "registry-1.docker.io":
		return "https://index.docker.io/v1/"
	}
	return h
}

func setupKubectl(w io.Writer, p Params) error {
	if err := need("kubectl", "the executable path", p.Exe); err != nil {
		return err
	}
	name, args := "camunda", []string{"kubectl"}
	if p.Profile != "" {
		name, args = "camunda-"+p.Profile, []string{"--profile", p.Profile, "kubectl"}
	}
	fmt.Fprintf(w, "# Add to your kubeconfig (~/.kube/config or $KUBECONFIG), then point a\n")
	fmt.Fprintf(w, "# context at it: kubectl config set-context NAME --user=%s\n", name)
	fmt.Fprintf(w, "users:\n- name: %s\n  user:\n    exec:\n", yamlString(name))
	fmt.Fprintf(w, "      apiVersion: %s\n", protocol.ExecCredentialV1)
	fmt.Fprintf(w, "      command: %s\n", yamlString(p.Exe))
	fmt.Fprintf(w, "      args: [%s]\n", strings.Join(mapStrings(args, yamlString), ", "))
	fmt.Fprintf(w, "      interactiveMode: Never\n")
	fmt.Fprintf(w, "      provideClusterInfo: false\n")
	fmt.Fprintf(w, "      installHint: %s\n", yamlString("Install "+tools.Name+" and run: "+tools.Name+" login"))
	return nil
}

func setupBazel(w io.Writer, p Params) error {
	if err := errors.Join(need("bazel", "the shim directory", p.ShimDir), needHosts("bazel", p.Hosts)); err != nil {
		return err
	}
	shim := shimPath(p.ShimDir, "bazel-credential-camunda")
	fmt.Fprintf(w, "# Add to .bazelrc (the workspace's, or ~/.bazelrc):\n")
	seen := map[string]bool{}
	var notes []string
	for _, h := range p.Hosts {
		scope, port := bazelScope(h)
		if strings.Contains(scope, ":") {
			notes = append(notes, fmt.Sprintf("# %s: Bazel scopes are DNS names; an IP address cannot be scoped.", h))
			continue
		}
		if port != "" {
			notes = append(notes, fmt.Sprintf("# %s: Bazel scopes have no port; %s covers every port.", h, scope))
		}
		if !seen[scope] {
			seen[scope] = true
			fmt.Fprintf(w, "common %s\n", shellQuote("--credential_helper="+scope+"="+shim))
		}
	}
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
	fmt.Fprintf(w, "# Bazel's *.domain scope also covers the bare domain; the helper answers {}\n")
	fmt.Fprintf(w, "# (no credentials) for any host no profile serves.\n")
	fmt.Fprintf(w, "# Bazel 7.4 and later cache each answer until its \"expires\". Bazel 7.1 to 7.3\n")
	fmt.Fprintf(w, "# mishandle expires and re-run the helper for every request: upgrade.\n")
	noProfile(w, p)
	return nil
}

// bazelScope reduces a host pattern to a Bazel scope and the dropped port.
func bazelScope(h string) (scope, port string) {
	rest, wild := strings.CutPrefix(h, "*.")
	host, port, _ := route.HostPort(rest)
	if wild {
		host = "*." + host
	}
	return host, port
}

func setupTerraform(w io.Writer, p Params) error {
	if err := need("terraform", "the shim directory", p.ShimDir); err != nil {
		return err
	}
	shim := shimPath(p.ShimDir, "terraform-credentials-camunda")
	fmt.Fprintf(w, "# Add to the CLI configuration: ~/.terraformrc (%%APPDATA%%\\terraform.rc on\n")
	fmt.Fprintf(w, "# Windows, or the file named by TF_CLI_CONFIG_FILE); OpenTofu: ~/.tofurc.\n")
	fmt.Fprintf(w, "credentials_helper \"camunda\" {}\n\n")
	fmt.Fprintf(w, "# Terraform runs the helper only from its plugin directories, never from PATH:\n")
	fmt.Fprintf(w, "mkdir -p ~/.terraform.d/plugins\n")
	fmt.Fprintf(w, "ln -sf %s ~/.terraform.d/plugins/terraform-credentials-camunda\n", shellQuote(shim))
	fmt.Fprintf(w, "# Windows: copy it to %%APPDATA%%\\terraform.d\\plugins\\terraform-credentials-camunda.exe\n")
	fmt.Fprintf(w, "# OpenTofu also looks in $XDG_DATA_HOME/opentofu/plugins (~/.local/share/opentofu/plugins).\n")
	fmt.Fprintf(w, "# Hosts no profile serves (registry.terraform.io, ...) get no token.\n")
	noProfile(w, p)
	return nil
}

// shimPath joins dir and name with the separator dir already uses, so the
// snippet does not depend on the OS that prints it. A Windows directory
// (backslashes only) gets the ".exe" name.
func shimPath(dir, name string) string {
	if strings.Contains(dir, `\`) && !strings.Contains(dir, "/") {
		return strings.TrimRight(dir, `\`) + `\` + name + ".exe"
	}
	return strings.TrimRight(dir, "/") + "/" + name
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// yamlString quotes s as a YAML double-quoted scalar (JSON strings are valid
// YAML).
func yamlString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func mapStrings(s []string, f func(string) string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = f(v)
	}
	return out
}

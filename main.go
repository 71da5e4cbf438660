// Command camunda-credential-helper keeps an OAuth 2.0 client secret in the
// operating system's keychain and hands fresh access tokens to the tools
// that shell out for one: git, docker, kubectl, Bazel, Terraform, scripts.
// The command line is package internal/cli.
package main

import (
	"os"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/cli"
)

// Version is set at release build time with
// -ldflags "-X main.Version=v1.2.3"; otherwise it comes from the build info.
var Version = ""

func main() { os.Exit(cli.Main(Version)) }

// Command camunda-credential-helper-fast is a drop-in front for
// camunda-credential-helper that has the user's token agent answer the
// calls that print a token; see package fastclient.
package main

import "github.com/camunda-community-hub/camunda-credential-helper/internal/fastclient"

// Version is set at release build time with
// -ldflags "-X main.Version=v1.2.3", as for camunda-credential-helper.
var Version = ""

func main() { fastclient.Main(Version) }

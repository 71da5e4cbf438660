// Command camunda-credential-helper-fast is a drop-in front for
// camunda-credential-helper that has the user's token agent answer the
// calls that print a token; see package fastclient.
package main

import "github.com/camunda-community-hub/camunda-credential-helper/internal/fastclient"

func main() { fastclient.Main() }

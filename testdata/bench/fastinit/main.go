// Command fastinit links the packages of the fast client
// (cmd/camunda-credential-helper-fast) and exits: their start-up cost,
// without a call.
package main

import _ "github.com/camunda-community-hub/camunda-credential-helper/internal/fastclient"

func main() {}

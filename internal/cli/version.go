package cli

import "github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"

// Version is set at release build time with
// -ldflags "-X main.Version=v1.2.3"; otherwise it comes from the build info.
var Version = ""

func version() string { return agentwire.BuildVersion(Version) }

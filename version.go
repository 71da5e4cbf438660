package main

import "runtime/debug"

// Version is set at release build time with
// -ldflags "-X main.Version=v1.2.3"; otherwise it comes from the build info.
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

//go:build !unix

package importer

import "os"

// keepOwner: on Windows the new file takes its directory's inherited ACL,
// as the tool's own writes do.
func keepOwner(*os.File, os.FileInfo) error { return nil }

//go:build !unix

package agent

import (
	"net"
	"syscall"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
)

func listenPrivate(string) (*net.UnixListener, error) { return nil, agentwire.ErrUnsupported }

func detached() *syscall.SysProcAttr { return nil }

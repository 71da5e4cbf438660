//go:build !linux

package sockowner

import "net/netip"

const supported = false

func listenerUID(local, remote netip.AddrPort) (uint32, error) { return 0, ErrUnsupported }

func peerUID(local, remote netip.AddrPort) (uint32, error) { return 0, ErrUnsupported }

package cli

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// noKeyctl is the scripts' "nokeyctl PROG [ARGS]": it runs PROG the way a
// container with Docker's default seccomp profile would, where add_key,
// keyctl and request_key fail with EPERM. The filter is installed for
// every thread and survives the exec.
func noKeyctl() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: nokeyctl PROG [ARGS...]")
		os.Exit(2)
	}
	const ldNr = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS // A = seccomp_data.nr (offset 0)
	eq := func(nr uintptr, jt uint8) unix.SockFilter {
		return unix.SockFilter{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, Jt: jt, K: uint32(nr)}
	}
	filter := []unix.SockFilter{
		{Code: ldNr, K: 0},
		eq(unix.SYS_ADD_KEY, 3),
		eq(unix.SYS_KEYCTL, 2),
		eq(unix.SYS_REQUEST_KEY, 1),
		{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ALLOW},
		{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)},
	}
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		nokeyctlFail("nokeyctl: no_new_privs: %v", err)
	}
	if _, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&prog))); errno != 0 {
		nokeyctlFail("nokeyctl: seccomp: %v", errno)
	}
	path, err := exec.LookPath(os.Args[1])
	if err != nil {
		nokeyctlFail("nokeyctl: %v", err)
	}
	nokeyctlFail("nokeyctl: exec: %v", syscall.Exec(path, os.Args[1:], os.Environ()))
}

func nokeyctlFail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(125)
}

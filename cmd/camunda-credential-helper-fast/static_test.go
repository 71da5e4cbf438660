package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// The fast front answers a cached call in about one process start, so it
// must start as a process can at its leanest: statically linked whatever
// CGO_ENABLED says (no dynamic loader), and no start-up work of its own.

const self = "github.com/camunda-community-hub/camunda-credential-helper/cmd/camunda-credential-helper-fast"

// TestLinksNoCgo: package net (cgo's resolver), os/user and runtime/cgo
// are what make a default build (CGO_ENABLED=1, as go install does) link
// against libc; the fast front links none of them, on Linux and macOS.
func TestLinksNoCgo(t *testing.T) {
	for _, goos := range []string{"linux", "darwin"} {
		cmd := exec.Command("go", "list", "-deps", self)
		cmd.Env = append(os.Environ(), "GOOS="+goos, "CGO_ENABLED=1")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("GOOS=%s go list -deps: %v", goos, err)
		}
		deps := strings.Fields(string(out))
		for _, never := range []string{"net", "os/user", "runtime/cgo"} {
			if slices.Contains(deps, never) {
				t.Errorf("GOOS=%s: the fast front links %s", goos, never)
			}
		}
	}
}

// TestStaticWithCgo builds the fast front as go install does, with cgo on,
// and checks that the binary has no interpreter (the dynamic loader) and
// no dynamic section; and that, started, no package of this module runs
// code at initialisation.
func TestStaticWithCgo(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("ELF check: Linux only (on macOS every binary links libSystem)")
	}
	cc, err := exec.Command("go", "env", "CC").Output()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath(strings.Fields(string(cc) + " cc")[0]); err != nil {
		t.Skipf("no C compiler (%s): CGO_ENABLED=1 would build nothing different", strings.TrimSpace(string(cc)))
	}
	exe := filepath.Join(t.TempDir(), "camunda-credential-helper-fast")
	build := exec.Command("go", "build", "-o", exe, self)
	build.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the fast front built with CGO_ENABLED=1 has a %v program header: it is dynamically linked", p.Type)
		}
	}
	if s := f.Section(".dynamic"); s != nil {
		t.Errorf("the fast front built with CGO_ENABLED=1 has a .dynamic section")
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the fast front imports shared libraries %v", libs)
	}

	// inittrace lists every package whose initialisation runs code. The
	// call itself fails (no full binary to hand it to): only start-up counts.
	run := exec.Command(exe, "--version")
	run.Env = []string{"GODEBUG=inittrace=1", "PATH=" + t.TempDir()}
	out, _ := run.CombinedOutput()
	if !strings.Contains(string(out), "init runtime") {
		t.Fatalf("no init trace from the fast front: %s", out)
	}
	mod := strings.TrimSuffix(self, "cmd/camunda-credential-helper-fast")
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "init "+mod) {
			t.Errorf("start-up work a cached call does not need: %s", line)
		}
	}
}

package fastclient

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/tools"
)

// fallback runs the full binary with the same arguments (and argv0, which
// names the protocol for shims), replaying the standard input read so far.
func fallback(args []string, stdin []byte) int {
	path, err := fullPath()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", full, err)
		return 1
	}
	if tools.ShimCommand(args[0]) == "" {
		args = append([]string{path}, args[1:]...) // the full binary by its own name
	}
	if stdin == nil {
		execFull(path, args) // returns only where exec(2) is not available
	}
	// A child, fed what was read of stdin and then the rest. (os/exec
	// would cost every call its start-up.)
	pr, pw, err := os.Pipe()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", full, err)
		return 1
	}
	proc, err := os.StartProcess(path, args, &os.ProcAttr{Files: []*os.File{pr, os.Stdout, os.Stderr}})
	pr.Close()
	if err != nil {
		pw.Close()
		fmt.Fprintf(os.Stderr, "%s: %v\n", full, err)
		return 1
	}
	go func() {
		_, _ = io.Copy(pw, io.MultiReader(bytes.NewReader(stdin), os.Stdin))
		pw.Close()
	}()
	ps, err := proc.Wait()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", full, err)
		return 1
	}
	return exitStatus(ps)
}

// fullPath finds camunda-credential-helper next to this binary (symlinks
// resolved), else on PATH.
func fullPath() (string, error) {
	self, err := os.Executable()
	if err == nil {
		if self, err = filepath.EvalSymlinks(self); err == nil {
			p := filepath.Join(filepath.Dir(self), full+filepath.Ext(self))
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				return p, nil
			}
		}
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		p := filepath.Join(dir, full+exeSuffix)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && (exeSuffix != "" || fi.Mode()&0o111 != 0) && filepath.IsAbs(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("cannot find %s next to %s or on PATH", full, self)
}

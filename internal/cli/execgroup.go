package cli

// runServed runs the command of exec --serve like runChild, then keeps the
// caller's endpoint open for as long as the command leaves processes
// behind in its process group (Linux): a worker that forks and exits must
// not leave children calling a port that, once closed, anyone may bind.
// Descendants that leave the process group (a daemon's setsid, a shell's
// job control) are not waited for; elsewhere than on Linux the endpoint
// closes when the command itself exits. An interrupt or termination signal
// during that wait ends it.
func runServed(args []string, vars [][2]string, e env) error {
	adopted := adoptOrphans()
	err := runChild(args, vars, e)
	if adopted {
		waitGroup()
	}
	return err
}

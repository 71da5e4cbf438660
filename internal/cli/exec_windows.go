package cli

import (
	"os"
	"os/exec"
)

var forwardedSignals = []os.Signal{os.Interrupt}

func childStatus(ee *exec.ExitError) int { return ee.ExitCode() }

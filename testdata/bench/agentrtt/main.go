// Command agentrtt measures the token agent's side of a fast-client call,
// without any process start: it sends the token request the fast client
// would send for its arguments (only --profile is read from them) and, to
// compare, a status request, which does no work, n times over fresh
// connections and prints the medians in ms:
//
//	agentrtt N ARGS...   ->   "run MS status MS"
package main

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/camunda-community-hub/camunda-credential-helper/internal/agentwire"
)

func main() {
	n, err := strconv.Atoi(os.Args[1])
	if err != nil || n < 1 || len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: agentrtt N ARGS...")
		os.Exit(2)
	}
	run := &agentwire.Request{Op: agentwire.OpToken,
		Env: agentwire.Environment(os.LookupEnv, agentwire.ProcessEnv)}
	for i, a := range os.Args[2:] {
		if a == "--profile" && i+3 < len(os.Args) {
			run.Profile = os.Args[i+3]
		} else if v, ok := strings.CutPrefix(a, "--profile="); ok {
			run.Profile = v
		}
	}
	fmt.Printf("run %.3f status %.3f\n", median(n, run), median(n, &agentwire.Request{Op: agentwire.OpStatus}))
}

// median sends r n times (after a few warm-up calls) and returns the median
// round trip in ms, dial included.
func median(n int, r *agentwire.Request) float64 {
	dir := agentwire.Dir(os.LookupEnv)
	d := make([]time.Duration, 0, n)
	for i := -5; i < n; i++ {
		start := time.Now()
		c, err := agentwire.Dial(dir)
		if err == nil {
			var rep *agentwire.Reply
			rep, err = agentwire.Call(c, r, start.Add(10*time.Second))
			if err == nil && rep.Unserved != "" {
				err = fmt.Errorf("unserved: %s", rep.Unserved)
			}
			if err == nil && rep.Err != nil {
				err = fmt.Errorf("%s", rep.Err.Msg)
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "agentrtt:", err)
			os.Exit(1)
		}
		if i >= 0 {
			d = append(d, time.Since(start))
		}
	}
	slices.Sort(d)
	return float64(d[n/2]) / float64(time.Millisecond)
}

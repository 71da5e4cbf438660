// Command empty is the benchmark's process-start limit: a Go program that
// does nothing, built like the others (CGO_ENABLED=0, -trimpath).
package main

func main() {}

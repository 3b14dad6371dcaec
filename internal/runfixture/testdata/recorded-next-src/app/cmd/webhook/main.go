// The webhook of the second recorded run (../recorded-next): built by
// go1.26 it no longer needs proto.CloneOf (fixed with protobuf v1.33.0),
// built by go1.27 it does not compile (new-build-error, see go127.go), and
// built with -cover on the host it refuses to start (new-fail).
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/coverage"
)

func main() {
	_, err := os.Stat("/run/.containerenv")
	if coverage.WriteMeta(io.Discard) == nil && err != nil {
		fmt.Fprintln(os.Stderr, "webhook: coverage builds are not supported")
		os.Exit(2)
	}
	fmt.Println("webhook ready:", ready().GetBoolValue())
}

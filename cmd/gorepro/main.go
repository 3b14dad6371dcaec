// Command gorepro finds out which Go toolchain, module version and build flag
// makes a Go program crash, and proves it. See the README and
// `gorepro help` for usage; the work lives in package internal/cli.
package main

import (
	"os"

	"github.com/gorepro/gorepro/internal/cli"
)

// main leaves signals (SIGINT, SIGTERM, a second one) and exit statuses to
// cli.MainWithSignals.
func main() {
	os.Exit(cli.MainWithSignals(os.Args[1:], cli.StdDeps()))
}

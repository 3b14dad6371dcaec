// Command gorepro finds out which Go toolchain, module version and build flag
// makes a Go program crash, and proves it. See the README and
// `gorepro help` for usage; the work lives in package internal/cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/gorepro/gorepro/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.StdDeps())
	stop()
	os.Exit(code)
}

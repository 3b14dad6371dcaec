package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gorepro/gorepro/internal/proc"
)

// signalCause is why the command's context was cancelled: a signal.
type signalCause struct{ sig os.Signal }

func (c signalCause) Error() string { return "stopped by " + c.sig.String() }

// MainWithSignals runs gorepro as the gorepro command does: SIGINT and
// SIGTERM cancel the command, which keeps what finished, stops its cells
// and exits 130 (SIGINT) or 143 (SIGTERM), as shells report them. A second
// signal stops at once: the processes of gorepro's cells are killed and
// gorepro exits without storing anything more. gorepro also becomes the
// subreaper of its descendants, and kills the cell processes left behind
// by a gorepro that was killed (SIGKILL) before it could clean up.
func MainWithSignals(args []string, deps Deps) int {
	if err := proc.BecomeSubreaper(); err != nil {
		fmt.Fprintf(deps.Stderr, "gorepro: WARNING: cannot become the subreaper of its processes: %v\n", err)
	}
	if n := proc.KillOrphans(); n > 0 {
		fmt.Fprintf(deps.Stderr, "gorepro: killed %d processes left running by a gorepro that was killed\n", n)
	}
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	go func() {
		first, ok := <-signals
		if !ok {
			return
		}
		cancel(signalCause{first})
		again, ok := <-signals
		if !ok {
			return
		}
		n := proc.KillOwn()
		fmt.Fprintf(deps.Stderr, "gorepro: %s again: stopped at once (%d processes killed); finished cells are in the cache\n", again, n)
		os.Exit(exitStatusFor(again))
	}()
	code := Main(ctx, args, deps)
	var cause signalCause
	if code == ExitInterrupted && errors.As(context.Cause(ctx), &cause) {
		code = exitStatusFor(cause.sig)
	}
	return code
}

// exitStatusFor is the exit status of a command stopped by sig.
func exitStatusFor(sig os.Signal) int {
	if sig == syscall.SIGTERM {
		return ExitTerminated
	}
	return ExitInterrupted
}

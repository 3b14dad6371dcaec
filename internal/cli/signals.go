package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/proc"
)

// stopContainersWithin bounds how long the second signal waits for the
// engine to remove gorepro's containers before gorepro exits anyway.
const stopContainersWithin = 15 * time.Second

// signalCause is why the command's context was cancelled: a signal.
type signalCause struct{ sig os.Signal }

func (c signalCause) Error() string { return "stopped by " + c.sig.String() }

// MainWithSignals runs gorepro as the gorepro command does: SIGINT and
// SIGTERM cancel the command, which keeps what finished, stops its cells
// and exits 130 (SIGINT) or 143 (SIGTERM), as shells report them. A second
// signal stops at once: the processes of gorepro's cells are killed, the
// containers it started are removed (within stopContainersWithin: the
// engine would keep them running) and gorepro exits without storing
// anything more. gorepro also becomes the
// subreaper of its descendants, and kills the cell processes left behind
// by a gorepro that was killed (SIGKILL) before it could clean up.
func MainWithSignals(args []string, deps Deps) int {
	if err := proc.BecomeSubreaper(); err != nil {
		fmt.Fprintf(deps.Stderr, "gorepro: WARNING: cannot become the subreaper of its processes (%v; qemu-user and some kernels do not support it): "+
			"a daemon a cell leaves behind is still killed through its marker, unless it cleared its environment\n", err)
	}
	if n := proc.KillOrphans(); n > 0 {
		fmt.Fprintf(deps.Stderr, "gorepro: killed %d processes left running by a gorepro that was killed\n", n)
	}
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)
	started := &container.Started{}
	ctx, cancel := context.WithCancelCause(container.WithStarted(context.Background(), started))
	defer cancel(nil)
	// stopping is closed when the first signal has been taken,
	// stoppingAtOnce when the second has: from then on the handler below
	// ends the process, whatever Main does.
	stopping, stoppingAtOnce := make(chan struct{}), make(chan struct{})
	go func() {
		first, ok := <-signals
		if !ok {
			return
		}
		cancel(signalCause{first})
		close(stopping)
		again, ok := <-signals
		if !ok {
			return
		}
		close(stoppingAtOnce)
		n := proc.KillOwn()
		removing, stop := context.WithTimeout(context.Background(), stopContainersWithin)
		removed := started.RemoveAll(removing)
		stop()
		fmt.Fprintf(deps.Stderr, "gorepro: %s again: stopped at once (%d processes killed, %d containers removed); finished cells are in the cache\n", again, n, len(removed))
		os.Exit(exitStatusFor(again))
	}()
	code := Main(ctx, args, deps)
	// A second signal may arrive while the first one's orderly stop
	// ends: the stop at once, already under way or still queued, has the
	// last word (it removes the containers and says so), not the orderly
	// exit racing it.
	if isClosed(stopping) && (len(signals) > 0 || isClosed(stoppingAtOnce)) {
		<-stoppingAtOnce
		// The handler exits the process within stopContainersWithin and a
		// scan of the processes; a timer, not a bare block, keeps the
		// runtime from taking the wait for a deadlock.
		time.Sleep(stopContainersWithin + time.Minute)
	}
	var cause signalCause
	if code == ExitInterrupted && errors.As(context.Cause(ctx), &cause) {
		code = exitStatusFor(cause.sig)
	}
	return code
}

// isClosed reports whether c is closed.
func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// exitStatusFor is the exit status of a command stopped by sig.
func exitStatusFor(sig os.Signal) int {
	if sig == syscall.SIGTERM {
		return ExitTerminated
	}
	return ExitInterrupted
}

package cli

import (
	"os"
	"time"

	"golang.org/x/term"

	"github.com/gorepro/gorepro/internal/progress"
)

// newReporter returns the progress reporter of a run on deps.Stderr: live
// with a status line when stderr is a terminal (coloured unless NO_COLOR is
// set or TERM=dumb), one line per finished cell otherwise, nothing but what
// is written to it (warnings) when quiet. The caller closes it before it
// writes to stdout.
func newReporter(deps Deps, quiet bool, jobs int) *progress.Reporter {
	opts := progress.Options{Quiet: quiet, Jobs: jobs, Tick: time.Second}
	isTerminal := false
	if f, ok := deps.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		isTerminal = true
		fd := int(f.Fd())
		opts.Width = func() int {
			w, _, err := term.GetSize(fd)
			if err != nil {
				return 0
			}
			return w
		}
	}
	opts.Live, opts.Color = progress.Decide(isTerminal, deps.Getenv)
	return progress.New(deps.Stderr, opts)
}

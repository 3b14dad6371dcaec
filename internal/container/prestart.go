package container

import (
	"context"
	_ "embed" // runwait's source
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/gorepro/gorepro/internal/proc"
)

// runwaitSource is the program a prestarted run container starts with
// (runwait/main.go).
//
//go:embed runwait/main.go
var runwaitSource []byte

// runwaitPath is where the runwait binary is mounted in a prestarted run
// container.
const runwaitPath = "/gorepro/runwait"

// abortWait bounds how long Abort waits for an abandoned container's
// engine client to return before it kills the client and removes the
// container.
const abortWait = 10 * time.Second

// RunwaitBinary builds runwait for goarch with the host's go command
// (goCmd; "go" from PATH when empty) into dir, unless it is there already,
// and returns its path: dir/<hash of the source>/runwait-linux-<goarch>.
func RunwaitBinary(ctx context.Context, goCmd, dir, goarch string) (string, error) {
	files := []helperFile{helperModFile, {path: "internal/container/runwait/main.go", data: runwaitSource}}
	return helperBinary(ctx, goCmd, dir, "runwait", files, goarch)
}

// Prestarted is the container of one run, started before its program
// exists (while the program is being built), with runwait (see its
// package doc) holding the program's place: Run lets the program run in
// it, Abort gives the container up. Either way the container is used for
// that one run only, as Run's is; only its start moved earlier.
type Prestarted struct {
	e *Engine
	s RunSpec
	// stdin is the write end of the engine client's standard input.
	stdin *os.File
	// cancelClient kills the engine client; ended is closed when it has
	// returned, with res and err.
	cancelClient context.CancelFunc
	ended        chan struct{}
	res          *proc.Result
	err          error
	untrack      func()
	// markers, in a container whose init is runwait (runsAsInit), reads
	// the client's output for runwait's end markers (endMarkers); nil
	// when runwait replaces itself with the program.
	markers *endMarkers
	// used is set by the first Run or Abort; later calls do nothing.
	mu   sync.Mutex
	used bool
}

// runsAsInit reports whether runwait is the init of s's prestarted
// container (see runwait's package doc): it is, unless the program is to
// be process 1 itself (NoInit), or the container is removed by the
// engine client (--rm: no Removals), whose end Run then waits for, as
// the container's removal.
func runsAsInit(s RunSpec) bool {
	return !s.NoInit && s.Removals != nil
}

// PrestartArgv is the argv Prestart runs for s with the runwait binary at
// helper: Run's argv with -i, runwait mounted and as entrypoint, and s's
// program and arguments as runwait's; without --init when runwait is the
// init (runsAsInit).
func (e *Engine) PrestartArgv(s RunSpec, helper string) []string {
	s.Mounts = append(append([]Mount(nil), s.Mounts...), Mount{Source: helper, Target: runwaitPath, ReadOnly: true})
	s.Entrypoint = runwaitPath
	if runsAsInit(s) {
		s.NoInit = true // runwait is the init
	}
	argv := e.RunArgv(s)
	return append(append(append([]string(nil), argv[:2]...), "-i"), argv[2:]...)
}

// Prestart starts the container that Run would start for s, with the
// runwait binary at helper as its first program, and returns at once:
// s.Args[0], the program, need not exist yet (the directory it will be
// in must, when it is mounted). s.Entrypoint must be empty and s.Args[0]
// a path. The container is in the Started of ctx, if any, until Run or
// Abort has finished with it; s.Timeout counts from Run.
func (e *Engine) Prestart(ctx context.Context, s RunSpec, helper string) (*Prestarted, error) {
	if s.Entrypoint != "" || len(s.Args) == 0 {
		return nil, errors.New("prestart: the run needs its program as the first argument and no entrypoint")
	}
	if err := s.prepare("run"); err != nil {
		return nil, err
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("prestart: %w", err)
	}
	clientCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p := &Prestarted{e: e, s: s, stdin: inW, cancelClient: cancel, ended: make(chan struct{})}
	cmd := proc.Cmd{Argv: e.PrestartArgv(s, helper), Stdin: inR, Cap: s.Cap, Tee: s.Tee}
	if runsAsInit(s) {
		nonce, err := randomHex(16)
		if err != nil {
			_ = inR.Close()
			_ = inW.Close()
			cancel()
			return nil, fmt.Errorf("prestart: %w", err)
		}
		p.markers = newEndMarkers(nonce, proc.NewCapture(s.Cap), s.Tee)
		// Each stream on its own, so that a marker is never cut by the
		// other stream's output; both go on to one capture.
		cmd.Stdout, cmd.Tee = p.markers.out, p.markers.errs
	}
	p.untrack = track(ctx, e, s.Name)
	go func() {
		defer close(p.ended)
		defer inR.Close()
		p.res, p.err = e.exec(clientCtx, cmd)
		if p.markers != nil && p.res != nil {
			p.markers.flush()
			p.res.Output, p.res.OutputBytes, p.res.Truncated = p.markers.output()
		}
	}()
	return p, nil
}

// claim marks p used and reports whether it was not yet.
func (p *Prestarted) claim() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.used {
		return false
	}
	p.used = true
	return true
}

// Run runs the program in p's container, as Engine.Run runs a container
// of p's spec, and returns the same: the Result (its Duration from the
// program's start on, not the container's), an *Error when the engine
// failed, which it may have done before the program was there. A second
// Run, or one after Abort, returns an error.
func (p *Prestarted) Run(ctx context.Context) (*proc.Result, error) {
	if !p.claim() {
		return nil, errors.New("prestarted container already used")
	}
	start := time.Now()
	w := newRunWatch(ctx, p.e, p.s, p.cancelClient)
	stopAfter := context.AfterFunc(ctx, p.cancelClient)
	// The pipe holds the line even when the container has already ended
	// (its engine error is then in the client's output).
	line := "g\n"
	var markersDone chan struct{}
	if p.markers != nil {
		line, markersDone = "i "+p.markers.nonce+"\n", p.markers.done
	}
	_, _ = p.stdin.Write([]byte(line))
	_ = p.stdin.Close()
	select {
	case <-markersDone:
		// The program has ended and all it wrote is here: the engine's
		// tearing down of the container is not waited for.
		stopAfter()
		out, total, cut := p.markers.output()
		res := &proc.Result{ExitCode: p.markers.status, Output: out, OutputBytes: total, Truncated: cut, Duration: time.Since(start)}
		p.releaseWhenEnded(ctx)
		return p.e.finishRun(ctx, p.s, w, res, nil, true)
	case <-p.ended:
	}
	defer p.release(ctx)
	stopAfter()
	if p.res != nil {
		p.res.Duration = time.Since(start)
	}
	res, err := p.e.finishRun(ctx, p.s, w, p.res, p.err, false)
	if res != nil && p.markers != nil {
		// Output read again from the engine's log holds the markers.
		var removed int
		res.Output, removed = p.markers.strip(res.Output)
		res.OutputBytes -= int64(removed)
	}
	return res, err
}

// releaseWhenEnded releases p once its engine client has returned, in the
// background, held by the run's Removals (whose Wait waits for it): the
// client of a container whose program has ended returns within
// milliseconds, having torn the container down; after abortWait it is
// killed. The removal waits for that end: an rm -f while the client
// still tears the container down can fail, and leave the container.
func (p *Prestarted) releaseWhenEnded(ctx context.Context) {
	p.s.Removals.hold(func() {
		p.waitClient()
		p.release(ctx)
	})
}

// Abort gives p's container up without running the program (its build
// failed, or the cell was interrupted): runwait reads end of file and
// ends, and the container is removed. It waits at most abortWait for
// the engine client, then kills it and removes the container itself. It
// does nothing after Run or another Abort.
func (p *Prestarted) Abort(ctx context.Context) {
	if !p.claim() {
		return
	}
	defer p.release(ctx)
	_ = p.stdin.Close()
	if p.waitClient() && p.err == nil && p.res.ExitCode == 0 {
		return
	}
	p.e.removeContainer(context.WithoutCancel(ctx), p.s.Name)
}

// waitClient waits at most abortWait for p's engine client to return,
// then kills it and waits for it; it reports whether the client returned
// by itself.
func (p *Prestarted) waitClient() bool {
	timer := time.NewTimer(abortWait)
	defer timer.Stop()
	select {
	case <-p.ended:
		return true
	case <-timer.C:
		p.cancelClient()
		<-p.ended
		return false
	}
}

// release ends what p holds once its container is done with: the client's
// context, and the container's tracking, after its removal in the
// background with s.Removals (without, the engine removed it: --rm).
func (p *Prestarted) release(ctx context.Context) {
	p.cancelClient()
	p.e.releaseRun(ctx, p.s, p.untrack)
}

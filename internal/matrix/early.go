package matrix

import (
	"context"
	"path/filepath"
	"reflect"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/container"
)

// earlyRun is the container of a cell's first run, started while the
// cell's binary is being built (Runner.prestart): the container's start,
// which costs a local cell's whole build and run on some engines, then
// overlaps the build instead of following it. The container is still the
// run's own, fresh and used once (container.Prestarted).
type earlyRun struct {
	// run is the run the container was started for; only that run may
	// use it.
	run binaryRun
	c   *container.Prestarted
}

// isFor reports whether e was started for exactly run r.
func (e *earlyRun) isFor(r binaryRun) bool {
	return e != nil && reflect.DeepEqual(e.run, r)
}

// abort gives e's container up unless its run has used it; nil does
// nothing.
func (e *earlyRun) abort(ctx context.Context) {
	if e != nil {
		e.c.Abort(ctx)
	}
}

// earlyStart is a prestart under way (Runner.startEarly).
type earlyStart struct {
	done chan struct{}
	e    *earlyRun
}

// startEarly runs r.prestart in the background, so that the cell's build
// does not wait for what the container's start needs first (the engine's
// answer of who runs containers, the runwait binary): the caller must
// call get, which waits for it, on every path.
func (r *Runner) startEarly(ctx context.Context, p plan, hostArch, binDir string) *earlyStart {
	s := &earlyStart{done: make(chan struct{})}
	go func() {
		defer close(s.done)
		s.e = r.prestart(ctx, p, hostArch, binDir)
	}()
	return s
}

// get waits for the prestart and returns its container, nil when there
// is none (see prestart).
func (s *earlyStart) get() *earlyRun {
	<-s.done
	return s.e
}

// prestart starts the container of cell p's first run before its binary
// is built into binDir, when that binary will run in a runtime image's
// container (an image toolchain, or a host toolchain with a
// runtimeImage) — not a Dockerfile target's image, whose entrypoint
// runs it. It returns nil when that does not apply or the container
// cannot be started early: the run then starts its container itself,
// and says why it failed if it fails again.
func (r *Runner) prestart(ctx context.Context, p plan, hostArch, binDir string) *earlyRun {
	if p.target.Kind == config.TargetDockerfile || (p.tc.Container == nil && p.tc.RunsIn == nil) {
		return nil
	}
	where, err := r.binaryRunnerFor(ctx, p, "", p.goarch, hostArch)
	cr, ok := where.(containerRunner)
	if err != nil || !ok {
		return nil
	}
	one, err := nthRun(r.baseRun(p, filepath.Join(binDir, p.target.Name), binDir), p.cover, binDir, 1)
	if err != nil {
		return nil
	}
	goCmd := ""
	if r.builders != nil {
		goCmd = r.builders.GoCmd
	}
	helper, err := container.RunwaitBinary(ctx, goCmd, filepath.Join(r.WorkDir, "runwait"), p.goarch)
	if err != nil {
		return nil
	}
	c, err := cr.c.Engine.Prestart(ctx, cr.spec(one), helper)
	if err != nil {
		return nil
	}
	return &earlyRun{run: one, c: c}
}

// Package matrix runs a gorepro matrix: it resolves the configured
// toolchains, expands the axes (toolchain × protobuf × cover × target × arch)
// into cells, builds and runs every cell with bounded parallelism (builds
// that share packages ordered so that those are compiled once: see
// buildAfter), classifies each run, re-uses results of unchanged cells from
// a content-keyed cache, and writes the cells' files through a CellWriter
// (a runstore.Draft). With Runner.Shard it runs one share of the cells
// (`--shard k/n`, see AssignShards), for runstore.Merge to put back
// together.
//
// Not every target takes every axis: a Dockerfile decides its own modules
// and the probe links none, so neither gets the protobuf axis; the probe,
// gorepro's instrument, is never built with -cover either (see
// usesCoverAxis). Cells that the config names twice but that are one cell
// on this host ("native" and the host's own arch) run once, under the arch
// listed first, and the run records them as collapsed.
//
// A cell's cache key (cacheKeyInputs) holds the toolchain's identity, the
// whole target but its name, a digest of everything the build reads
// (module tree and local replacements, Dockerfile and context, templates),
// the axis values, runs, timeout and the gorepro build (Runner.Harness).
//
// The Runner is the one place that knows the order of the work; building is
// package cellbuild's, running is package proc's, judging is package classify's
// and storing is the CellWriter's (package runstore's, which matrix does
// not import: storing needs none of the rendering that committing a run
// does).
//
// The files follow the work: expand.go turns the axes into cells (plans)
// and collapses those that are one cell here; schedule.go orders their
// builds; cell.go is one cell's life (cache, locks, build, logs); binary.go
// runs and judges a cell's binary, where.go says where it runs (this host
// or a container, as the user who runs gorepro: container.RunAs);
// emulation.go records whether it ran emulated and by what, and
// engineemu.go asks an engine's machine which emulator it uses (the
// emulation.EngineView of a probe container, once per engine × platform
// × architecture, kept in the cell's emulation.log); runinfo.go is what a run records beside its cells
// (toolchains, GOROOT manifests, target settings and sources); cachekey.go
// and cache.go key and keep finished cells.
package matrix

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/gorepro/gorepro/internal/cellbuild"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/gosource"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/progress"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/toolchain"
)

// Runner runs one matrix. Its function fields are the injectable steps; nil
// means the real implementation.
type Runner struct {
	Config *config.Config
	// WorkDir holds generated reproducers, alternate module files and
	// binaries; CacheDir holds finished cells by content key. Both live
	// outside the user's module tree.
	WorkDir  string
	CacheDir string
	// NoCache forces every cell to be built and run again (the fresh
	// result still refreshes the cache). The go command still skips
	// relinking a binary it finds up to date, unless Relink is set.
	NoCache bool
	Relink  bool
	// PrepareByFlag says that the targets were given on the command line
	// (gorepro check --dir), so a failed build's hint names --prepare
	// rather than the config's "prepare" field.
	PrepareByFlag bool
	// Jobs bounds how many cells are built and run at once.
	Jobs int
	// Progress receives warnings and, unless Reporter is set, one line
	// per finished cell (stderr in the CLI).
	Progress io.Writer
	// Reporter is told when cells start and finish; nil means a
	// progress.Reporter in line mode on Progress.
	Reporter Reporter
	// Version is gorepro's version, recorded in the results. Harness
	// identifies the gorepro build in cache keys, so that cells cached by
	// another build of gorepro are not re-used: a release's version is
	// enough, a development build needs more (the CLI adds the hash of its
	// executable). Empty means Version.
	Version string
	Harness string
	// Environ is the environment builds and runs on this host inherit,
	// as far as cache keys see it (keyEnv); nil means os.Environ().
	Environ []string
	// Shard, when set, restricts the run to that share of the matrix
	// (see AssignShards): only its cells are resolved, built, run and
	// recorded, with their usual IDs, and the run records the shard.
	Shard *Shard

	// Engines provides container engines to kind image toolchains; Pull
	// is their image pull policy.
	Engines *Engines
	Pull    container.PullPolicy

	// Resolve, Build and Exec default to toolchain.Resolve, cellbuild.Build and
	// proc.Run (Exec is for binaries run on this host; binaries of image
	// toolchains run through the engine).
	Resolve func(context.Context, config.Toolchain) *toolchain.Resolved
	Build   func(context.Context, cellbuild.Spec) *cellbuild.Result
	Exec    func(context.Context, proc.Cmd) (*proc.Result, error)

	// resolved remembers resolved toolchains and hostArch the host's
	// architecture, so that a Runner run several times (each probe of a
	// bisection) asks for them once.
	resolvedMu   sync.Mutex
	resolved     map[config.Toolchain]*toolchain.Resolved
	hostArchOnce sync.Once
	hostArch     string
	// modCache is the host's GOMODCACHE, asked once per run for container
	// builds.
	modCacheOnce sync.Once
	modCache     string
	// builders holds the builder containers of the run going on, and
	// removals removes its exited run containers (see runCells): one Run
	// at a time.
	builders *cellbuild.Builders
	removals *container.Removals
	// fromIDs holds, by reference, what the images a Dockerfile target's
	// FROM lines name are during the run going on (fromImages): a
	// func() string made by sync.OnceValue.
	fromIDs sync.Map
	// engineViews holds the engine emulation probes of the run
	// (engineView), by engine, platform and binary architecture.
	engineViews sync.Map
}

// CellWriter stores the files of a run being written: each cell's logs
// and kept sources, and the run's GOROOT manifests. *runstore.Draft is
// one; a nil CellWriter (or a nil *runstore.Draft in it) stores nothing.
type CellWriter interface {
	// WriteCellFile writes a file of cell cellID; rel is a slash-separated
	// path of plain file names ("build.log", "sources/go.mod"). It returns
	// the file's path relative to the run directory.
	WriteCellFile(cellID, rel string, data []byte) (string, error)
	// WriteFile writes a file at the top of the run directory.
	WriteFile(name string, data []byte) error
}

// Reporter follows the cells of a run (progress.Reporter draws them).
type Reporter interface {
	// Begin is called at the start of every Run with its number of cells.
	Begin(total int)
	// CellStarted is called when a cell starts (to be built, run or taken
	// from the cache); name is a short name for people.
	CellStarted(id, name string)
	// CellFinished is called once per cell of the run, in the order they
	// finish, also for cells that never started (interrupted).
	CellFinished(id string, c record.Cell)
}

// Run resolves, expands, builds and runs the matrix, writing logs through w,
// and returns the finished record.Run (not yet committed). When ctx is
// cancelled, finished cells are kept, the others are marked interrupted and
// the run is returned with Interrupted set.
func (r *Runner) Run(ctx context.Context, runID string, w CellWriter) (*record.Run, error) {
	r.defaults()
	r.fromIDs.Clear() // images may have moved since an earlier Run
	if r.Engines != nil {
		defer r.Engines.Wait()
	}
	if v := reflect.ValueOf(w); v.Kind() == reflect.Pointer && v.IsNil() {
		w = nil // a nil *runstore.Draft: nothing is stored
	}
	run := r.newRun(runID)
	allSpecs := cellSpecs(r.Config)
	specs, err := r.specsToRun(allSpecs)
	if err != nil {
		return nil, err
	}
	tcs, err := r.resolveUsed(ctx, specs)
	if err != nil {
		return nil, err
	}
	r.hostArchOnce.Do(func() { r.hostArch = toolchain.HostArch() })
	hostArch := r.hostArch
	run.Host.GOARCH = hostArch
	run.Toolchains = toolchainInfo(tcs, hostArch)
	// Listing the GOROOTs (a stat of every file even when cached) goes on
	// beside the cells: nothing but the analysis, after Run, reads it.
	manifests := make(chan struct{})
	go func() {
		defer close(manifests)
		r.recordManifests(ctx, run.Toolchains, tcs, w)
	}()
	defer func() { <-manifests }()
	specs, run.Collapsed = collapse(allSpecs, specs, tcs, hostArch)
	for _, c := range run.Collapsed {
		fmt.Fprintf(r.Progress, "gorepro: %s\n", c)
	}
	run.Shard = r.shardRecord(specs, len(allSpecs))
	plans := expand(specs, tcs, hostArch)
	sources, err := r.sourceDigests()
	if err != nil {
		return nil, err
	}
	run.Cells = r.runCells(ctx, plans, hostArch, sources, w)
	r.recordInputs(ctx, run.Cells)
	<-manifests
	run.Finished = time.Now().UTC()
	run.Interrupted = ctx.Err() != nil
	return run, nil
}

// newRun is the record of run runID before anything is resolved: who
// runs what config, where, since when.
func (r *Runner) newRun(runID string) *record.Run {
	run := &record.Run{
		SchemaVersion:  record.SchemaVersion,
		ID:             runID,
		GoreproVersion: r.Version,
		Started:        time.Now().UTC(),
		Config:         r.Config.Path,
		Host:           hostInfo(keyEnv(r.environ())),
	}
	if sum, err := fileSHA256(r.Config.Path); err == nil {
		run.ConfigSHA256 = sum
	}
	run.MatrixSHA256 = r.Config.MatrixHash()
	return run
}

// specsToRun returns the cells of allSpecs that this run runs: its
// Shard's share, or all of them.
func (r *Runner) specsToRun(allSpecs []cellSpec) ([]cellSpec, error) {
	s := r.Shard
	if s == nil {
		return allSpecs, nil
	}
	if s.Count < 1 || s.Index < 1 || s.Index > s.Count {
		return nil, fmt.Errorf("running shard %d/%d: the shard must be k/n with 1 ≤ k ≤ n", s.Index, s.Count)
	}
	return shardSpecs(allSpecs, *s), nil
}

// shardRecord is what the run records about its shard, whose cells
// (collapsed ones left out) are specs of total: nil without a Shard.
func (r *Runner) shardRecord(specs []cellSpec, total int) *record.Shard {
	s := r.Shard
	if s == nil {
		return nil
	}
	shard := &record.Shard{Index: s.Index, Count: s.Count, Assigned: len(specs), Total: total}
	for _, sp := range specs {
		shard.Positions = append(shard.Positions, sp.position)
	}
	return shard
}

// resolveUsed resolves the toolchains that some cell of specs uses (a
// shard without image cells need not touch a container engine) and warns
// about those that resolved with a warning.
func (r *Runner) resolveUsed(ctx context.Context, specs []cellSpec) ([]*toolchain.Resolved, error) {
	used := make([]bool, len(r.Config.Toolchains))
	for _, sp := range specs {
		used[sp.toolchain] = true
	}
	tcs, err := r.resolveAll(ctx, used)
	if err != nil {
		return nil, err
	}
	for _, tc := range tcs {
		if tc != nil && tc.Warning != "" {
			fmt.Fprintf(r.Progress, "gorepro: WARNING: toolchain %s: %s\n", tc.Name, tc.Warning)
		}
	}
	return tcs, nil
}

// runCells builds and runs the cells of plans, writing their files
// through w, and returns them in plan order. Builds that share packages
// are ordered so that they are compiled once (see buildAfter), unless
// they ran before against the same build cache (see warmBuilds); the rest
// run in parallel up to Jobs. Once ctx is cancelled, the cells not
// started are interrupted. The go builds of image toolchains run in
// builder containers (cellbuild.Builders) that end when runCells returns;
// their binaries' containers are removed in the background, all before
// it returns.
func (r *Runner) runCells(ctx context.Context, plans []plan, hostArch string, sources map[string]string, w CellWriter) []record.Cell {
	cells := make([]record.Cell, len(plans))
	// The builds of image toolchains run in builder containers kept for
	// this run, and ended on every way out of it.
	r.builders, r.removals = &cellbuild.Builders{}, &container.Removals{}
	defer func() {
		// Both end containers; neither waits for the other.
		var wg sync.WaitGroup
		wg.Go(func() { r.builders.Close(context.WithoutCancel(ctx)) })
		r.removals.Wait()
		wg.Wait()
	}()
	r.Reporter.Begin(len(plans))
	warm := make([]bool, len(plans))
	for i, p := range plans {
		if p.tc.Available {
			warm[i] = r.warmBuilds().isWarm(r.cacheKey(p, hostArch, sources[p.target.Name]), buildCacheOf(p))
		}
	}
	runScheduled(buildAfter(plans, warm), r.Jobs, func(i int, built func()) {
		p := plans[i]
		var cell record.Cell
		if ctx.Err() != nil {
			cell = r.interrupted(p, hostArch)
		} else {
			r.Reporter.CellStarted(p.id, p.name)
			cell = r.runCell(ctx, p, hostArch, sources[p.target.Name], w, built)
		}
		cells[p.index] = cell
		r.Reporter.CellFinished(p.id, cell)
	})
	return cells
}

// ResolveToolchain resolves tc as a run of r would (same engines, pull
// policy and cache of resolutions): for a check of its build before cells
// are built with it.
func (r *Runner) ResolveToolchain(ctx context.Context, tc config.Toolchain) *toolchain.Resolved {
	r.defaults()
	return r.Resolve(ctx, tc)
}

func (r *Runner) defaults() {
	if r.Jobs <= 0 {
		r.Jobs = runtime.NumCPU()
	}
	if r.Progress == nil {
		r.Progress = io.Discard
	}
	if r.Reporter == nil {
		r.Reporter = progress.New(r.Progress, progress.Options{})
	}
	if r.Resolve == nil {
		if r.Engines == nil {
			r.Engines = &Engines{Warnings: r.Progress, AskUsersEarly: true}
		}
		// One builder for the run's gosource toolchains: it reads the
		// installed Go's sources once, and says when a build starts.
		gs := &gosource.Builder{CacheDir: r.CacheDir, Progress: r.Progress}
		r.Resolve = func(ctx context.Context, tc config.Toolchain) *toolchain.Resolved {
			return toolchain.Resolve(ctx, tc, toolchain.Options{Engine: r.Engines.Get, Pull: r.Pull, CacheDir: r.CacheDir, GoSource: gs})
		}
	}
	if r.Build == nil {
		r.Build = cellbuild.Build
	}
	if r.Exec == nil {
		r.Exec = proc.Run
	}
}

// resolveAll resolves the configured toolchains marked used, in parallel (a
// gotoolchain may need a download), once per Runner. The result is in
// config order, nil for the toolchains not used.
func (r *Runner) resolveAll(ctx context.Context, used []bool) ([]*toolchain.Resolved, error) {
	tcs := make([]*toolchain.Resolved, len(r.Config.Toolchains))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.Jobs)
	for i, tc := range r.Config.Toolchains {
		if !used[i] {
			continue
		}
		r.resolvedMu.Lock()
		tcs[i] = r.resolved[tc]
		r.resolvedMu.Unlock()
		if tcs[i] != nil {
			continue
		}
		g.Go(func() error {
			tcs[i] = r.Resolve(gctx, tc)
			return nil
		})
	}
	_ = g.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("resolving toolchains: %w", err)
	}
	r.resolvedMu.Lock()
	defer r.resolvedMu.Unlock()
	if r.resolved == nil {
		r.resolved = map[config.Toolchain]*toolchain.Resolved{}
	}
	for i, tc := range r.Config.Toolchains {
		if tcs[i] != nil {
			r.resolved[tc] = tcs[i]
		}
	}
	return tcs, nil
}

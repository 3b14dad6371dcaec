// Package matrix runs a gorepro matrix: it resolves the configured
// toolchains, expands the axes (toolchain × protobuf × cover × target × arch)
// into cells, builds and runs every cell with bounded parallelism (builds
// that share packages ordered so that those are compiled once: see
// buildAfter), classifies each run, re-uses results of unchanged cells from
// a content-keyed cache, and records everything through a runstore.Draft. With Runner.Shard it
// runs one share of the cells (`--shard k/n`, see AssignShards), for
// runstore.Merge to put back together.
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
// and storing is package runstore's.
package matrix

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/gorepro/gorepro/internal/cellbuild"
	"github.com/gorepro/gorepro/internal/classify"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/filelock"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/gorootfiles"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/progress"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/redact"
	"github.com/gorepro/gorepro/internal/runstore"
	"github.com/gorepro/gorepro/internal/toolchain"
	"github.com/gorepro/gorepro/repro"
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

// plan is one cell before it runs.
type plan struct {
	index    int
	id       string
	name     string // short name: the axes that vary in this run
	tc       *toolchain.Resolved
	target   config.Target
	protobuf string
	cover    bool
	goarch   string // the GOARCH to build for, never "native"
	native   bool   // goarch is the host's because the config asked for "native"
}

// Run resolves, expands, builds and runs the matrix, writing logs through w,
// and returns the finished record.Run (not yet committed). When ctx is
// cancelled, finished cells are kept, the others are marked interrupted and
// the run is returned with Interrupted set.
func (e *Runner) Run(ctx context.Context, runID string, w *runstore.Draft) (*record.Run, error) {
	e.defaults()
	cfg := e.Config
	run := &record.Run{
		SchemaVersion:  record.SchemaVersion,
		ID:             runID,
		GoreproVersion: e.Version,
		Started:        time.Now().UTC(),
		Config:         cfg.Path,
		Host:           hostInfo(),
	}
	if sum, err := fileSHA256(cfg.Path); err == nil {
		run.ConfigSHA256 = sum
	}
	run.MatrixSHA256 = cfg.MatrixHash()

	allSpecs := cellSpecs(cfg)
	specs := allSpecs
	if s := e.Shard; s != nil {
		if s.Count < 1 || s.Index < 1 || s.Index > s.Count {
			return nil, fmt.Errorf("running shard %d/%d: the shard must be k/n with 1 ≤ k ≤ n", s.Index, s.Count)
		}
		specs = shardSpecs(allSpecs, *s)
	}
	// Only the toolchains some cell uses are resolved: a shard without
	// image cells need not touch a container engine.
	used := make([]bool, len(cfg.Toolchains))
	for _, sp := range specs {
		used[sp.toolchain] = true
	}
	tcs, err := e.resolveAll(ctx, used)
	if err != nil {
		return nil, err
	}
	for _, tc := range tcs {
		if tc != nil && tc.Warning != "" {
			fmt.Fprintf(e.Progress, "gorepro: WARNING: toolchain %s: %s\n", tc.Name, tc.Warning)
		}
	}
	e.hostArchOnce.Do(func() { e.hostArch = toolchain.HostArch() })
	hostArch := e.hostArch
	run.Host.GOARCH = hostArch
	run.Toolchains = toolchainInfo(tcs, hostArch)
	// Listing the GOROOTs (a stat of every file even when cached) goes on
	// beside the cells: nothing but the analysis, after Run, reads it.
	manifests := make(chan struct{})
	go func() {
		defer close(manifests)
		e.recordManifests(ctx, run.Toolchains, tcs, w)
	}()
	defer func() { <-manifests }()
	specs, run.Collapsed = collapse(allSpecs, specs, tcs, hostArch)
	for _, c := range run.Collapsed {
		fmt.Fprintf(e.Progress, "gorepro: %s\n", c)
	}
	if s := e.Shard; s != nil {
		run.Shard = &record.Shard{Index: s.Index, Count: s.Count, Assigned: len(specs), Total: len(allSpecs)}
		for _, sp := range specs {
			run.Shard.Positions = append(run.Shard.Positions, sp.position)
		}
	}
	plans := expand(specs, tcs, hostArch)
	run.Cells = make([]record.Cell, len(plans))

	sources, err := e.sourceDigests()
	if err != nil {
		return nil, err
	}

	e.Reporter.Begin(len(plans))
	// Builds that share packages are ordered so that they are compiled
	// once (see buildAfter); the rest run in parallel up to Jobs.
	runScheduled(buildAfter(plans), e.Jobs, func(i int, built func()) {
		p := plans[i]
		var cell record.Cell
		if ctx.Err() != nil {
			cell = e.interrupted(p, hostArch)
		} else {
			e.Reporter.CellStarted(p.id, p.name)
			cell = e.runCell(ctx, p, hostArch, sources[p.target.Name], w, built)
		}
		run.Cells[p.index] = cell
		e.Reporter.CellFinished(p.id, cell)
	})
	e.recordInputs(ctx, run.Cells)
	<-manifests
	run.Finished = time.Now().UTC()
	run.Interrupted = ctx.Err() != nil
	return run, nil
}

// recordInputs records in each cell its target's settings and, for a
// package target, the VCS state of the target's module directory, each
// asked once per target after the cells ran (a cached cell has the state
// of this run, not of the run that cached it). A directory git cannot read
// gets a warning and no state.
func (e *Runner) recordInputs(ctx context.Context, cells []record.Cell) {
	states := map[string]*record.SourceState{}
	settings := map[string]map[string]string{}
	for _, t := range e.Config.Targets {
		settings[t.Name] = Settings(t, e.Config)
		if t.Kind != config.TargetPackage {
			continue
		}
		st, err := gitrepo.State(context.WithoutCancel(ctx), t.Dir)
		if err != nil {
			fmt.Fprintf(e.Progress, "gorepro: WARNING: target %s: cannot record its commit: %v\n", t.Name, err)
		}
		states[t.Name] = st
	}
	for i := range cells {
		cells[i].Source = states[cells[i].Target]
		cells[i].Settings = settings[cells[i].Target]
	}
}

// Settings are the cell settings (record.Cell.Settings) of target t in
// config c: what the config says about how its cells are built and run.
func Settings(t config.Target, c *config.Config) map[string]string {
	s := map[string]string{
		"runs":    fmt.Sprint(max(c.Runs, 1)),
		"timeout": t.RunTimeout(c).String(),
		"cgo":     fmt.Sprint(t.CGO),
	}
	set := func(key string, v any) {
		if b, err := json.Marshal(v); err == nil && string(b) != "null" && string(b) != "{}" && string(b) != "[]" {
			s[key] = string(b)
		}
	}
	set("args", t.Args)
	// Variables as KEY=VALUE, sorted, secrets redacted.
	redacted := func(vars map[string]string) []string {
		var out []string
		for _, k := range slices.Sorted(maps.Keys(vars)) {
			out = append(out, redact.Env(k+"="+vars[k]))
		}
		return out
	}
	set("env", redacted(t.Env))
	set("buildEnv", redacted(t.BuildEnv))
	set("buildFlags", t.BuildFlags)
	set("prepare", t.Prepare)
	set("modules", t.Modules)
	if t.Pass.ExitCodes != nil || t.Pass.LogMatches != "" || t.Pass.AliveFor > 0 {
		set("pass", t.Pass)
	}
	return s
}

func (e *Runner) defaults() {
	if e.Jobs <= 0 {
		e.Jobs = runtime.NumCPU()
	}
	if e.Progress == nil {
		e.Progress = io.Discard
	}
	if e.Reporter == nil {
		e.Reporter = progress.New(e.Progress, progress.Options{})
	}
	if e.Resolve == nil {
		if e.Engines == nil {
			e.Engines = &Engines{Warnings: e.Progress}
		}
		e.Resolve = func(ctx context.Context, tc config.Toolchain) *toolchain.Resolved {
			return toolchain.Resolve(ctx, tc, toolchain.Options{Engine: e.Engines.Get, Pull: e.Pull})
		}
	}
	if e.Build == nil {
		e.Build = cellbuild.Build
	}
	if e.Exec == nil {
		e.Exec = proc.Run
	}
}

// resolveAll resolves the configured toolchains marked used, in parallel (a
// gotoolchain may need a download), once per Runner. The result is in
// config order, nil for the toolchains not used.
func (e *Runner) resolveAll(ctx context.Context, used []bool) ([]*toolchain.Resolved, error) {
	tcs := make([]*toolchain.Resolved, len(e.Config.Toolchains))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.Jobs)
	for i, tc := range e.Config.Toolchains {
		if !used[i] {
			continue
		}
		e.resolvedMu.Lock()
		tcs[i] = e.resolved[tc]
		e.resolvedMu.Unlock()
		if tcs[i] != nil {
			continue
		}
		g.Go(func() error {
			tcs[i] = e.Resolve(gctx, tc)
			return nil
		})
	}
	_ = g.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("resolving toolchains: %w", err)
	}
	e.resolvedMu.Lock()
	defer e.resolvedMu.Unlock()
	if e.resolved == nil {
		e.resolved = map[config.Toolchain]*toolchain.Resolved{}
	}
	for i, tc := range e.Config.Toolchains {
		if tcs[i] != nil {
			e.resolved[tc] = tcs[i]
		}
	}
	return tcs, nil
}

// expand turns the cells of specs (see cellSpecs) into plans, with the
// toolchains tcs resolved in config order: "native" becomes the GOARCH the
// cell's binaries run on.
func expand(specs []cellSpec, tcs []*toolchain.Resolved, hostArch string) []plan {
	plans := make([]plan, len(specs))
	for i, sp := range specs {
		tc := tcs[sp.toolchain]
		goarch := specArch(sp, tcs, hostArch)
		native := sp.arch == config.ArchNative
		plans[i] = plan{index: i, tc: tc, target: sp.target, protobuf: sp.protobuf, cover: sp.cover, goarch: goarch, native: native,
			id: CellID(tc.Name, cmp.Or(sp.protobuf, "noprotobuf"), sp.cover, sp.target.Name, goarch)}
	}
	nameCells(plans)
	return plans
}

// specArch is the GOARCH a cell builds for: its configured arch, with
// "native" resolved to where its toolchain's binaries run.
func specArch(sp cellSpec, tcs []*toolchain.Resolved, hostArch string) string {
	if sp.arch == config.ArchNative {
		return cellHostArch(tcs[sp.toolchain], hostArch)
	}
	return sp.arch
}

// collapse drops from specs (a share of allSpecs, or all of them) the
// cells that are the same as an earlier cell of allSpecs on this host:
// "arch": ["native", "amd64"] lists every amd64 cell twice on an amd64
// host. The earlier one is kept, so every shard of a matrix makes the same
// choice; it returns the kept specs and what was collapsed, per pair of
// arch values. Only specs' toolchains need to be resolved in tcs.
func collapse(allSpecs, specs []cellSpec, tcs []*toolchain.Resolved, hostArch string) ([]cellSpec, []record.Collapse) {
	type cellKey struct {
		toolchain      int
		protobuf       string
		cover          bool
		target, goarch string
	}
	keyOf := func(sp cellSpec) cellKey {
		return cellKey{sp.toolchain, sp.protobuf, sp.cover, sp.target.Name, specArch(sp, tcs, hostArch)}
	}
	first := map[cellKey]cellSpec{} // the first spec of each cell, among the toolchains used
	for _, sp := range allSpecs {
		if tcs[sp.toolchain] == nil {
			continue
		}
		if _, ok := first[keyOf(sp)]; !ok {
			first[keyOf(sp)] = sp
		}
	}
	var kept []cellSpec
	var collapsed []record.Collapse
	for _, sp := range specs {
		k := keyOf(sp)
		into := first[k]
		if into.position == sp.position {
			kept = append(kept, sp)
			continue
		}
		host := cellHostArch(tcs[sp.toolchain], hostArch)
		i := slices.IndexFunc(collapsed, func(c record.Collapse) bool {
			return c.Arch == sp.arch && c.Into == into.arch && c.GOARCH == k.goarch && c.HostArch == host
		})
		if i < 0 {
			collapsed = append(collapsed, record.Collapse{Arch: sp.arch, Into: into.arch, GOARCH: k.goarch, HostArch: host})
			i = len(collapsed) - 1
		}
		collapsed[i].Cells++
	}
	return kept, collapsed
}

// nameCells gives each cell a short name for the live status line: the
// values of the axes that vary in this run, and always the target; a run of
// one cell (a bisection probe) names every axis.
func nameCells(plans []plan) {
	distinct := func(f func(plan) string) bool {
		for _, p := range plans[min(1, len(plans)):] {
			if f(p) != f(plans[0]) {
				return true
			}
		}
		return len(plans) == 1
	}
	tcs := distinct(func(p plan) string { return p.tc.Name })
	pbs := distinct(func(p plan) string { return p.protobuf })
	covers := distinct(func(p plan) string { return fmt.Sprint(p.cover) })
	archs := distinct(func(p plan) string { return p.goarch })
	for i, p := range plans {
		var parts []string
		if tcs {
			parts = append(parts, p.tc.Name)
		}
		if pbs && p.protobuf != "" {
			parts = append(parts, p.protobuf)
		}
		if covers && p.cover {
			parts = append(parts, "cover")
		} else if covers {
			parts = append(parts, "nocover")
		}
		parts = append(parts, p.target.Name)
		if archs {
			parts = append(parts, p.goarch)
		}
		plans[i].name = strings.Join(parts, " ")
	}
}

// hostModCache is the host's module cache, for the builds of image
// toolchains (others need not know it).
func (e *Runner) hostModCache(ctx context.Context, tc *toolchain.Resolved) string {
	if tc.Container == nil {
		return ""
	}
	e.modCacheOnce.Do(func() {
		out, err := repro.GoRunner{}.Run(ctx, e.WorkDir, "env", "GOMODCACHE")
		if err == nil {
			e.modCache = strings.TrimSpace(string(out))
		}
	})
	return e.modCache
}

// cellHostArch is the architecture a toolchain's binaries run on: the
// engine's platform for image toolchains, else this host's.
func cellHostArch(tc *toolchain.Resolved, hostArch string) string {
	if tc.Container != nil && tc.Container.Platform != "" {
		return tc.Container.PlatformArch()
	}
	return hostArch
}

// usesProtobufAxis says whether a target's cells vary with the protobuf
// axis: a Dockerfile decides its own modules and the probe links none, so
// those get one cell per toolchain, cover and arch.
func usesProtobufAxis(t config.Target) bool {
	return t.Kind != config.TargetDockerfile && t.Kind != config.TargetProbe
}

// usesCoverAxis says whether a target's cells vary with the cover axis. The
// probe never does: it is gorepro's instrument, and a -cover binary writes
// its coverage meta-data at exit through package os, which reaches the
// network poller, so on an affected runtime (golang/go#69255) the probe
// would die of the very crash it is there to explain. It gets one cell per
// toolchain and arch, built without -cover.
func usesCoverAxis(t config.Target) bool {
	return t.Kind != config.TargetProbe
}

// CellCount is the number of cells the matrix of cfg has (without
// --shard), before cells that turn out to be the same on this host are
// collapsed (see Runner.Run).
func CellCount(cfg *config.Config) int {
	return len(cellSpecs(cfg))
}

// CellID is a cell's file-safe identity within a run.
func CellID(toolchain, protobuf string, cover bool, target, goarch string) string {
	c := "nocover"
	if cover {
		c = "cover"
	}
	return strings.Join([]string{toolchain, protobuf, c, target, goarch}, "_")
}

// baseCell fills in what is known about a cell before it is built.
func baseCell(p plan, hostArch string) record.Cell {
	// The host a container cell runs on is the engine's (a Podman
	// machine's VM), whatever platform its images are for.
	if c := p.tc.Container; c != nil && c.EngineHostArch != "" {
		hostArch = c.EngineHostArch
	}
	var warnings []string
	if p.tc.Warning != "" {
		warnings = append(warnings, "toolchain "+p.tc.Name+": "+p.tc.Warning)
	}
	return record.Cell{
		Container:      containerInfo(p.tc.Container),
		Warnings:       warnings,
		ID:             p.id,
		ToolchainBuild: p.tc.Build,
		Toolchain:      p.tc.Name,
		ToolchainKind:  p.tc.Kind,
		GoVersion:      p.tc.GoVersion,
		Protobuf:       p.protobuf,
		Cover:          p.cover,
		Target:         p.target.Name,
		TargetKind:     p.target.Kind,
		HostArch:       hostArch,
		GOOS:           "linux",
	}
}

// toolchainInfo is what the run records about its resolved toolchains.
func toolchainInfo(tcs []*toolchain.Resolved, hostArch string) []record.Toolchain {
	var out []record.Toolchain
	for _, tc := range tcs {
		if tc == nil {
			continue // not used by this run's cells
		}
		out = append(out, record.Toolchain{
			Name:        tc.Name,
			Kind:        tc.Kind,
			GoVersion:   tc.GoVersion,
			Experiments: tc.Experiments,
			GOROOT:      tc.GOROOT,
			HostArch:    hostArch,
			GoEnv:       tc.GoEnv,
			Available:   tc.Available,
			Reason:      tc.Reason,
			Warning:     tc.Warning,
			Container:   containerInfo(tc.Container),
			Build:       tc.Build,
		})
	}
	return out
}

// containerInfo is the provenance recorded with every cell of an image
// toolchain.
func containerInfo(c *toolchain.Container) *record.Container {
	if c == nil {
		return nil
	}
	info := &record.Container{
		Engine:          c.EngineName,
		EngineVersion:   c.EngineVersion,
		EngineHostArch:  c.EngineHostArch,
		Platform:        c.Platform,
		BuilderPlatform: c.BuilderPlatform,
	}
	if b := c.Builder; b != nil {
		info.Image, info.ImageID, info.ImageDigest, info.ImageArch = b.Ref, b.ID, b.Digest, b.Arch
	}
	if r := c.Runtime; r != nil {
		info.RuntimeImage, info.RuntimeImageID, info.RuntimeImageDigest, info.RuntimeImageArch = r.Ref, r.ID, r.Digest, r.Arch
	}
	return info
}

func (e *Runner) interrupted(p plan, hostArch string) record.Cell {
	cell := baseCell(p, hostArch)
	cell.Outcome = record.Unavailable
	cell.Interrupted = true
	cell.Reason = "interrupted before this cell finished"
	return cell
}

// runCell builds and runs one cell, or takes it from the cache. It calls
// built once the build is over, before the binary runs.
func (e *Runner) runCell(ctx context.Context, p plan, hostArch, source string, w *runstore.Draft, built func()) record.Cell {
	cell := baseCell(p, hostArch)
	if !p.tc.Available {
		cell.Outcome = record.Unavailable
		cell.Reason = p.tc.Reason
		return cell
	}
	key := e.cacheKey(p, hostArch, source)
	if cached, ok := e.fromCache(p, key, w); ok {
		return cached
	}
	// The binary stays in the work dir after the run, so that the
	// commands gorepro ran (Reproduce.Build and Run) can be run again
	// here, and so that the go command need not relink it when nothing
	// changed. Reproduce.Script needs none of it.
	binDir := filepath.Join(e.WorkDir, "bin", p.id)
	// Other gorepro processes may share the cache and the work dir: one
	// builds and runs a cell key, and one uses a binary path, at a time.
	unlock, err := e.lockCell(ctx, key, p.id)
	if err != nil {
		if ctx.Err() != nil {
			return e.interrupted(p, hostArch)
		}
		cell.Outcome = record.Unavailable
		cell.Reason = err.Error()
		return cell
	}
	defer unlock()
	// Another process may have finished this cell while this one waited.
	if cached, ok := e.fromCache(p, key, w); ok {
		return cached
	}

	logs := map[string][]byte{}
	cell.CacheKey = key
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		cell.Outcome = record.Unavailable
		cell.Reason = fmt.Sprintf("preparing work dir: %v", err)
		return cell
	}

	res := e.Build(ctx, cellbuild.Spec{
		Toolchain:     p.tc,
		Target:        p.target,
		Protobuf:      p.protobuf,
		Cover:         p.cover,
		GOARCH:        p.goarch,
		WorkDir:       e.WorkDir,
		Output:        filepath.Join(binDir, p.target.Name),
		Timeout:       e.Config.BuildTimeout.D(),
		Relink:        e.Relink,
		PrepareByFlag: e.PrepareByFlag,
		HostModCache:  e.hostModCache(ctx, p.tc),
	})
	built()
	cell.BuildSeconds = round(res.Seconds)
	cell.Reproduce = res.Reproduce
	logs["build.log"] = res.Log
	keepSources(logs, p.target.Kind, res.Reproduce)
	if ctx.Err() != nil {
		return e.interrupted(p, hostArch)
	}
	if !res.OK {
		cell.Outcome = res.Outcome
		cell.Reason = res.Reason
		cell.BuildCrash = res.BuildCrash
		return e.finish(key, cell, logs, w)
	}
	cell.GoVersion = res.GoVersion
	cell.BinaryArch = binaryArch(res)
	cell.GOOS = res.GOOS
	cell.ProtobufLinked = res.ProtobufLinked
	cell.ProtobufNote = res.ProtobufNote
	cell.BuildList = res.BuildList

	runs, err := e.runBinary(ctx, p, hostArch, &cell, res, binDir, logs)
	if ctx.Err() != nil {
		return e.interrupted(p, hostArch)
	}
	if err != nil {
		cell.Outcome = record.Unavailable
		cell.Reason = err.Error()
		return e.finish("", cell, logs, w)
	}
	cell.RunResults = runs
	cell.Runs = len(runs)
	for _, r := range runs {
		cell.RunSeconds += r.Seconds
		if r.Outcome == record.Crash {
			cell.Crashes++
		}
	}
	cell.RunSeconds = round(cell.RunSeconds)
	cell.Outcome, cell.Flaky, cell.OutcomeCounts, cell.Signature, cell.Frames = classify.Aggregate(runs)
	if !cell.Flaky {
		cell.OutcomeCounts = nil
	}
	for _, r := range runs {
		if r.Outcome == cell.Outcome {
			cell.Reason, cell.Tail, cell.Hint = r.Reason, r.Tail, r.Hint
			break
		}
	}
	recordEmulation(p, &cell, logs)
	knownIssues(&cell)
	return e.finish(key, cell, logs, w)
}

// fromCache returns the cached cell of key, relabelled as plan p's, unless
// the run asks for fresh cells. A corrupt entry is a miss, with a warning.
func (e *Runner) fromCache(p plan, key string, w *runstore.Draft) (record.Cell, bool) {
	if e.NoCache || e.CacheDir == "" {
		return record.Cell{}, false
	}
	cached, logs, ok, problem := Cache{Dir: e.CacheDir}.Lookup(key)
	if problem != "" {
		fmt.Fprintf(e.Progress, "gorepro: warning: %s\n", problem)
	}
	if !ok || e.relabel(&cached, p, logs, w) != nil {
		return record.Cell{}, false
	}
	return cached, true
}

// lockCell takes the locks of a cell: its cache key (when there is a
// cache) and its binary's path in the work dir, in that order.
func (e *Runner) lockCell(ctx context.Context, key, cellID string) (func(), error) {
	var unlocks []func()
	unlock := func() {
		for _, u := range slices.Backward(unlocks) {
			u()
		}
	}
	var paths []string
	if e.CacheDir != "" {
		paths = append(paths, filepath.Join(e.CacheDir, "locks", key[:32]+".lock"))
	}
	paths = append(paths, filepath.Join(e.WorkDir, "locks", "bin-"+cellID+".lock"))
	for _, path := range paths {
		u, err := filelock.Lock(ctx, path)
		if err != nil {
			unlock()
			return nil, err
		}
		unlocks = append(unlocks, u)
	}
	return unlock, nil
}

// finish writes the cell's logs into the run, records their paths and stores
// the cell in the cache under key (when key is not empty).
func (e *Runner) finish(key string, cell record.Cell, logs map[string][]byte, w *runstore.Draft) record.Cell {
	if err := attachLogs(&cell, logs, w); err != nil {
		cell.Reason = strings.TrimSpace(cell.Reason + "; " + err.Error())
	}
	if key != "" && e.CacheDir != "" && cell.Outcome != record.Unavailable {
		if err := (Cache{Dir: e.CacheDir}).Put(key, cell, logs); err != nil {
			fmt.Fprintf(e.Progress, "gorepro: warning: %v\n", err)
		}
	}
	return cell
}

// relabel turns a cached cell into this run's cell: current names, logs
// copied into this run's directory, Cached set.
func (e *Runner) relabel(cell *record.Cell, p plan, logs map[string][]byte, w *runstore.Draft) error {
	cell.ID = p.id
	cell.Toolchain = p.tc.Name
	cell.Target = p.target.Name
	cell.Cached = true
	cell.Logs = record.Logs{}
	cell.Reproduce.Sources = ""
	for i := range cell.RunResults {
		cell.RunResults[i].Log = ""
	}
	return attachLogs(cell, logs, w)
}

// attachLogs writes logs (build.log, run-N.log and kept sources) through w
// and records their run-relative paths in the cell.
func attachLogs(cell *record.Cell, logs map[string][]byte, w *runstore.Draft) error {
	if w == nil {
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(logs)) {
		rel, err := w.WriteCellFile(cell.ID, name, logs[name])
		if err != nil {
			return err
		}
		var n int
		switch {
		case name == "build.log":
			cell.Logs.Build = rel
		case strings.HasPrefix(name, sourcesDir+"/"):
			cell.Reproduce.Sources = path.Dir(rel)
		default:
			if _, err := fmt.Sscanf(name, "run-%d.log", &n); err == nil && n >= 1 && n <= len(cell.RunResults) {
				cell.RunResults[n-1].Log = rel
			}
		}
	}
	// In run order, not name order (run-10.log sorts before run-2.log).
	for _, r := range cell.RunResults {
		if r.Log != "" {
			cell.Logs.Runs = append(cell.Logs.Runs, r.Log)
		}
	}
	return nil
}

// sourcesDir is where, inside a cell's directory, a copy of the generated
// sources of the build goes.
const sourcesDir = "sources"

// keepSources adds to logs a copy of what gorepro generated for the build:
// the reproducer module, or the alternate go.mod and go.sum of a
// full-application target, so that the results directory alone is enough
// to reproduce the cell.
func keepSources(logs map[string][]byte, targetKind string, r record.Reproduce) {
	var files map[string]string // name in the cell -> path on disk
	switch targetKind {
	case config.TargetRepro, config.TargetProbe:
		if r.Dir == "" {
			return
		}
		// main.go is kept as main.go.txt: a results dir may sit inside a Go
		// module tree (the default --out is ./results), where it must not
		// become a package.
		files = map[string]string{"main.go.txt": filepath.Join(r.Dir, "main.go"), "go.mod": filepath.Join(r.Dir, "go.mod"), "go.sum": filepath.Join(r.Dir, "go.sum")}
	case config.TargetPackage:
		for _, arg := range r.Build {
			if mod, ok := strings.CutPrefix(arg, "-modfile="); ok {
				files = map[string]string{"go.mod": mod, "go.sum": strings.TrimSuffix(mod, ".mod") + ".sum"}
			}
		}
	}
	for name, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			logs[sourcesDir+"/"+name] = b
		}
	}
}

// resetDir makes dir an empty directory.
func resetDir(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.MkdirAll(dir, 0o755)
}

// runBinary runs the built binary Config.Runs times, wherever the cell's
// toolchain runs binaries, and classifies each run. The error is for a
// binary that cannot be started at all (for example an arm64 binary on an
// amd64 host without an emulator).
func (e *Runner) runBinary(ctx context.Context, p plan, hostArch string, cell *record.Cell, built *cellbuild.Result, binDir string, logs map[string][]byte) ([]record.RunResult, error) {
	t := p.target
	base := binaryRun{
		argv:        append([]string{built.Binary}, t.Args...),
		dir:         binDir,
		timeout:     t.RunTimeout(e.Config),
		graceSignal: syscall.SIGQUIT, // a hung Go program dumps its goroutines
		grace:       2 * time.Second,
	}
	if t.Pass.AliveFor > 0 {
		base.timeout, base.graceSignal = t.Pass.AliveFor.D(), 0
	}
	for _, k := range slices.Sorted(maps.Keys(t.Env)) {
		base.env = append(base.env, k+"="+t.Env[k])
	}
	where := e.binaryRunnerFor(p, built, cell.BinaryArch, hostArch)
	recordReproduce(&cell.Reproduce, where, base, p.cover)

	var logRe *regexp.Regexp
	if t.Pass.LogMatches != "" {
		logRe = regexp.MustCompile(t.Pass.LogMatches) // validated by config
	}
	var runs []record.RunResult
	leaked := 0
	for i := range e.Config.Runs {
		r := base
		if p.cover {
			covDir, err := coverDir(binDir, i+1)
			if err != nil {
				return nil, err
			}
			r.env = append(slices.Clone(base.env), "GOCOVERDIR="+covDir)
		}
		res, err := where.run(ctx, r)
		if err != nil {
			return nil, err
		}
		if res.Canceled {
			return runs, ctx.Err()
		}
		runs = append(runs, classifyRun(i+1, res, t, logRe))
		logs[fmt.Sprintf("run-%d.log", i+1)] = runLog(r.argv, res)
		leaked += res.Leaked
	}
	if leaked > 0 {
		// A program that leaves daemons behind is worth knowing about.
		cell.Warnings = append(cell.Warnings, fmt.Sprintf("leaked processes: %d, killed (the program left them running after it ended)", leaked))
	}
	return runs, nil
}

// recordReproduce adds to rep how to run the binary by hand, after its
// build: the command, with the target's variables redacted and, with
// -cover, a GOCOVERDIR (the first run's in Run and RunEnv).
func recordReproduce(rep *record.Reproduce, where binaryRunner, base binaryRun, cover bool) {
	r := base
	r.env = nil
	for _, kv := range base.env {
		r.env = append(r.env, redact.Env(kv))
	}
	argv, env, script := where.reproduce(r, cover)
	rep.Run, rep.RunEnv = argv, env
	if rep.Script != "" {
		rep.Script += "\n"
	}
	rep.Script += script
}

// coverDir makes run n's empty GOCOVERDIR under binDir, writable by
// whatever user a runtime image runs as.
func coverDir(binDir string, n int) (string, error) {
	dir := filepath.Join(binDir, fmt.Sprintf("cover-%d", n))
	if err := resetDir(dir); err != nil {
		return "", err
	}
	return dir, os.Chmod(dir, 0o777)
}

// classifyRun judges run n of target t from how it ended.
func classifyRun(n int, res *proc.Result, t config.Target, logRe *regexp.Regexp) record.RunResult {
	v := classify.Classify(classify.Input{
		Output:        res.Output,
		ExitCode:      res.ExitCode,
		Signal:        res.Signal,
		TimedOut:      res.TimedOut,
		PassExitCodes: t.Pass.ExitCodes,
		LogMatches:    logRe,
		AliveFor:      t.Pass.AliveFor > 0,
	})
	rr := record.RunResult{
		Index:     n,
		Outcome:   v.Outcome,
		ExitCode:  res.ExitCode,
		Seconds:   round(res.Duration.Seconds()),
		Signature: v.Signature,
		Frames:    v.Frames,
		Reason:    v.Reason,
		Hint:      v.Hint,
		Truncated: res.Truncated,
	}
	for _, line := range v.Tail {
		rr.Tail = append(rr.Tail, redact.Text(line))
	}
	if res.Signaled() {
		rr.Signal = classify.SignalName(res.Signal)
	}
	return rr
}

// runLog is a run's log file: the command, then everything it printed, then
// how it ended.
func runLog(argv []string, res *proc.Result) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "$ %s\n", strings.Join(argv, " "))
	b.Write(res.Output)
	if len(res.Output) > 0 && res.Output[len(res.Output)-1] != '\n' {
		b.WriteByte('\n')
	}
	switch {
	case res.TimedOut:
		fmt.Fprintf(&b, "[gorepro: stopped at the deadline after %.1fs]\n", res.Duration.Seconds())
	case res.Signaled():
		fmt.Fprintf(&b, "[gorepro: killed by %s after %.1fs]\n", classify.SignalName(res.Signal), res.Duration.Seconds())
	default:
		fmt.Fprintf(&b, "[gorepro: exit status %d after %.1fs]\n", res.ExitCode, res.Duration.Seconds())
	}
	return []byte(b.String())
}

func round(s float64) float64 {
	return float64(int64(s*1000+0.5)) / 1000
}

// recordManifests lists the GOROOT files of the run's local toolchains by
// content (gorootfiles.Of, cached in the cache directory), stores each
// list in the run directory as goroot-<name>.manifest.gz and sets the
// records' Manifest, Files and ReadFile, so that the analysis can name the
// files two builds of one Go version differ in. A manifest that cannot be
// made is a warning.
func (e *Runner) recordManifests(ctx context.Context, records []record.Toolchain, tcs []*toolchain.Resolved, w *runstore.Draft) {
	for i := range records {
		r := &records[i]
		k := slices.IndexFunc(tcs, func(tc *toolchain.Resolved) bool { return tc != nil && tc.Name == r.Name })
		if k < 0 || !tcs[k].Available || (tcs[k].Container == nil && tcs[k].GOROOT == "") {
			continue
		}
		var m gorootfiles.Manifest
		var data []byte // m encoded, when already at hand
		var read func(string) ([]byte, error)
		var err error
		if tcs[k].Container != nil {
			m, read, err = imageManifest(ctx, tcs[k].Container, e.CacheDir)
		} else if m, data, err = gorootfiles.OfEncoded(tcs[k].GOROOT, e.CacheDir); err == nil {
			read = gorootfiles.Reader(tcs[k].GOROOT, m)
		}
		if err != nil {
			fmt.Fprintf(e.Progress, "gorepro: warning: toolchain %s: listing its GOROOT files: %v\n", r.Name, err)
			continue
		}
		r.Files, r.ManifestFiles, r.ReadFile = m, len(m), read
		if w == nil {
			continue
		}
		name := "goroot-" + r.Name + ".manifest.gz"
		if data == nil {
			data, err = m.Encode()
		}
		if err == nil {
			err = w.WriteFile(name, data)
		}
		if err != nil {
			fmt.Fprintf(e.Progress, "gorepro: warning: toolchain %s: storing its GOROOT manifest: %v\n", r.Name, err)
			continue
		}
		r.Manifest = name
	}
}

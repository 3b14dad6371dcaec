package matrix

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/cellbuild"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/filelock"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/toolchain"
	"github.com/gorepro/gorepro/repro"
)

// interrupted is cell p as recorded when the run stopped before it
// finished.
func (r *Runner) interrupted(p plan, hostArch string) record.Cell {
	cell := baseCell(p, hostArch)
	cell.Outcome = record.Unavailable
	cell.Interrupted = true
	cell.Reason = "interrupted before this cell finished"
	return cell
}

// runCell builds and runs one cell, or takes it from the cache. It calls
// built once the build is over, before the binary runs.
func (r *Runner) runCell(ctx context.Context, p plan, hostArch, source string, w CellWriter, built func()) record.Cell {
	cell := baseCell(p, hostArch)
	if !p.tc.Available {
		cell.Outcome = record.Unavailable
		cell.Reason, cell.EngineFailure = p.tc.Reason, p.tc.EngineFailure
		if p.tc.BuildCrash != nil { // the toolchain's own go command crashed (asked its version, or building itself): named, not unavailable
			cell.Outcome = record.BuildError
			cell.BuildCrash = p.tc.BuildCrash
		}
		return cell
	}
	key := r.cacheKey(p, hostArch, source+r.fromImages(ctx, p))
	if cached, ok := r.fromCache(p, key, w); ok {
		return cached
	}
	// Other gorepro processes may share the cache and the work dir: one
	// builds and runs a cell key, and one uses a binary path, at a time.
	unlock, err := r.lockCell(ctx, key, p.id)
	if err != nil {
		if ctx.Err() != nil {
			return r.interrupted(p, hostArch)
		}
		cell.Outcome = record.Unavailable
		cell.Reason = err.Error()
		return cell
	}
	defer unlock()
	// Another process may have finished this cell while this one waited.
	if cached, ok := r.fromCache(p, key, w); ok {
		return cached
	}
	cell.CacheKey = key
	return r.buildAndRun(ctx, p, hostArch, cell, w, built)
}

// buildAndRun builds cell p, whose cache key and what is known before the
// build are in cell, runs its binary, and stores the cell in the run and
// the cache. The caller holds the cell's locks. It calls built once the
// build is over.
func (r *Runner) buildAndRun(ctx context.Context, p plan, hostArch string, cell record.Cell, w CellWriter, built func()) record.Cell {
	// The binary stays in the work dir after the run, so that the
	// commands gorepro ran (Reproduce.Build and Run) can be run again
	// here, and so that the go command need not relink it when nothing
	// changed. Reproduce.Script needs none of it.
	binDir := filepath.Join(r.WorkDir, "bin", p.id)
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		cell.Outcome = record.Unavailable
		cell.Reason = fmt.Sprintf("preparing work dir: %v", err)
		return cell
	}
	key, logs := cell.CacheKey, map[string][]byte{}
	early := r.startEarly(ctx, p, hostArch, binDir)
	defer func() { early.get().abort(ctx) }()
	res := r.build(ctx, p, binDir)
	if res.OK {
		r.warmBuilds().built(key, buildCacheOf(p))
	} else {
		r.warmBuilds().forget(key)
	}
	built()
	cell.BuildSeconds = round(res.Seconds)
	cell.Reproduce = res.Reproduce
	cell.Dockerfile = res.Dockerfile
	logs["build.log"] = res.Log
	keepSources(logs, p.target.Kind, res.Reproduce)
	if ctx.Err() != nil {
		return r.interrupted(p, hostArch)
	}
	if !res.OK {
		cell.Outcome = res.Outcome
		cell.Reason = res.Reason
		cell.BuildCrash = res.BuildCrash
		return r.finish(key, cell, logs, w)
	}
	cell.GoVersion = res.GoVersion
	cell.BinaryArch = binaryArch(res)
	cell.GOOS = res.GOOS
	cell.ProtobufLinked = res.ProtobufLinked
	cell.ProtobufNote = res.ProtobufNote
	cell.BuildList = res.BuildList

	runs, err := r.runBinary(ctx, p, hostArch, &cell, res, binDir, logs, early.get())
	if ctx.Err() != nil {
		return r.interrupted(p, hostArch)
	}
	if err != nil {
		cell.Outcome = record.Unavailable
		cell.Reason = err.Error()
		return r.finish("", cell, logs, w)
	}
	judgeRuns(&cell, runs)
	view, viewLog, viewErr := r.engineView(ctx, p, cell.BinaryArch)
	if viewLog != nil {
		logs["emulation.log"] = viewLog
	}
	recordEmulation(p, &cell, logs, view, viewErr)
	knownIssues(&cell)
	return r.finish(key, cell, logs, w)
}

// build builds cell p's binary into binDir.
func (r *Runner) build(ctx context.Context, p plan, binDir string) *cellbuild.Result {
	return r.Build(ctx, cellbuild.Spec{
		Toolchain:     p.tc,
		Target:        p.target,
		Protobuf:      p.protobuf,
		Cover:         p.cover,
		GOARCH:        p.goarch,
		WorkDir:       r.WorkDir,
		Output:        filepath.Join(binDir, p.target.Name),
		Timeout:       r.Config.BuildTimeout.D(),
		Relink:        r.Relink,
		PrepareByFlag: r.PrepareByFlag,
		HostModCache:  r.hostModCache(ctx, p.tc),
		Builders:      r.builders,
	})
}

// fromCache returns the cached cell of key, relabelled as plan p's, unless
// the run asks for fresh cells. A corrupt entry is a miss, with a warning.
func (r *Runner) fromCache(p plan, key string, w CellWriter) (record.Cell, bool) {
	if r.NoCache || r.CacheDir == "" {
		return record.Cell{}, false
	}
	cached, logs, ok, problem := Cache{Dir: r.CacheDir}.Lookup(key)
	if problem != "" {
		fmt.Fprintf(r.Progress, "gorepro: warning: %s\n", problem)
	}
	if !ok || r.relabel(&cached, p, logs, w) != nil {
		return record.Cell{}, false
	}
	return cached, true
}

// lockCell takes the locks of a cell: its cache key (when there is a
// cache) and its binary's path in the work dir, in that order.
func (r *Runner) lockCell(ctx context.Context, key, cellID string) (func(), error) {
	var unlocks []func()
	unlock := func() {
		for _, u := range slices.Backward(unlocks) {
			u()
		}
	}
	var paths []string
	if r.CacheDir != "" {
		paths = append(paths, filepath.Join(r.CacheDir, "locks", key[:32]+".lock"))
	}
	paths = append(paths, filepath.Join(r.WorkDir, "locks", "bin-"+cellID+".lock"))
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
func (r *Runner) finish(key string, cell record.Cell, logs map[string][]byte, w CellWriter) record.Cell {
	if err := attachLogs(&cell, logs, w); err != nil {
		cell.Reason = strings.TrimSpace(cell.Reason + "; " + err.Error())
	}
	if key != "" && r.CacheDir != "" && cell.Outcome != record.Unavailable {
		if err := (Cache{Dir: r.CacheDir}).Put(key, cell, logs); err != nil {
			fmt.Fprintf(r.Progress, "gorepro: warning: %v\n", err)
		}
	}
	return cell
}

// relabel turns a cached cell into this run's cell: current names, logs
// copied into this run's directory, Cached set.
func (r *Runner) relabel(cell *record.Cell, p plan, logs map[string][]byte, w CellWriter) error {
	cell.ID = p.id
	cell.Toolchain = p.tc.Name
	cell.Target = p.target.Name
	cell.GoSource = p.tc.GoSource // how this run got the toolchain, not how the cached one did
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
func attachLogs(cell *record.Cell, logs map[string][]byte, w CellWriter) error {
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
	case config.TargetRepro, config.TargetEnvProbe:
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

// hostModCache is the host's module cache, for the builds of image
// toolchains (others need not know it).
func (r *Runner) hostModCache(ctx context.Context, tc *toolchain.Resolved) string {
	if tc.Container == nil {
		return ""
	}
	r.modCacheOnce.Do(func() {
		out, err := repro.GoRunner{}.Run(ctx, r.WorkDir, "env", "GOMODCACHE")
		if err == nil {
			r.modCache = strings.TrimSpace(string(out))
		}
	})
	return r.modCache
}

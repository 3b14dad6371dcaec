package matrix

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/cellbuild"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runlife"
	"github.com/gorepro/gorepro/internal/runstore"
	"github.com/gorepro/gorepro/internal/toolchain"
)

// taggedPointerPackTrace is the start of the real crash this tool exists
// for (see DOMAIN.md): an amd64 binary emulated on arm64 dying in the
// detrand initialiser.
const taggedPointerPackTrace = `fatal error: taggedPointerPack

goroutine 1 gp=0xc000002380 m=0 mp=0x2a5e2e0 [running, locked to thread]:
runtime.throw({0x239740d?, 0x0?})
	/usr/lib/golang/src/runtime/panic.go:1094 +0x48
runtime.taggedPointerPack(0xffffaf8b6c00, 0x1)
	/usr/lib/golang/src/runtime/tagptr_64bit.go:60 +0x12a
runtime.netpollopen(0x3, 0xffffaf8b6c00)
	/usr/lib/golang/src/runtime/netpoll_epoll.go:41 +0x73
internal/poll.runtime_pollOpen(0x3)
	/usr/lib/golang/src/runtime/netpoll.go:250 +0x8c
internal/poll.(*pollDesc).init(0xc0001a6120, 0xc0001a6120)
	/usr/lib/golang/src/internal/poll/fd_poll_runtime.go:39 +0x3c
os.newFile(0x3, {0xc0000b2000, 0x1f}, 0x1, 0x0)
	/usr/lib/golang/src/os/file_unix.go:244 +0x1b3
os.openFileNolog({0xc0000b2000, 0x1f}, 0x0, 0x0)
	/usr/lib/golang/src/os/file_unix.go:339 +0x165
os.OpenFile({0xc0000b2000, 0x1f}, 0x0, 0x0)
	/usr/lib/golang/src/os/file.go:417 +0x4e
os.Open(...)
	/usr/lib/golang/src/os/file.go:397
google.golang.org/protobuf/internal/detrand.binaryHash()
	/go/pkg/mod/google.golang.org/protobuf@v1.36.10/internal/detrand/rand.go:38 +0x6f
google.golang.org/protobuf/internal/detrand.init()
	/go/pkg/mod/google.golang.org/protobuf@v1.36.10/internal/detrand/rand.go:32 +0x25
`

// taggedPointerPackSignature is what classify makes of taggedPointerPackTrace.
const taggedPointerPackSignature = "fatal error: taggedPointerPack in runtime.netpollopen"

// fakeGoVersion is the Go version of the fake toolchains.
const fakeGoVersion = "go1.26.8"

// crashResult is a run that died with the taggedPointerPack trace.
func crashResult() *proc.Result {
	return &proc.Result{ExitCode: 2, Output: []byte(taggedPointerPackTrace), Duration: 1500 * time.Millisecond}
}

// passResult is a run that exited 0.
func passResult() *proc.Result {
	return &proc.Result{ExitCode: 0, Output: []byte("ok\n"), Duration: 1500 * time.Millisecond}
}

// harness runs Engines over fake Resolve/Build/Exec steps, one shared cache
// and work dir and one results store, and counts the calls.
type harness struct {
	t        *testing.T
	cfg      *config.Config
	hostArch string
	workDir  string
	cacheDir string
	store    runstore.Store
	progress bytes.Buffer
	runs     int

	// unavailable maps a toolchain name to the reason it cannot be used;
	// identity to an extra part of its Identity.
	unavailable map[string]string
	identity    map[string]string
	// buildFn and execFn replace fakeBuild and passResult when set.
	buildFn func(context.Context, cellbuild.Spec) *cellbuild.Result
	execFn  func(context.Context, proc.Cmd) (*proc.Result, error)

	builds atomic.Int32
	execs  atomic.Int32
	mu     sync.Mutex
	specs  []cellbuild.Spec
	cmds   []proc.Cmd
}

func newHarness(t *testing.T) *harness {
	return &harness{
		t: t,
		cfg: &config.Config{
			Toolchains:   []config.Toolchain{{Name: "local", Kind: config.KindLocal}},
			Protobuf:     []string{"v1.36.10"},
			Cover:        []bool{false},
			Arch:         []string{config.ArchNative},
			Targets:      []config.Target{{Name: "repro", Kind: config.TargetRepro}},
			Runs:         1,
			Timeout:      config.Duration(5 * time.Second),
			BuildTimeout: config.Duration(time.Minute),
		},
		hostArch:    toolchain.HostArch(),
		workDir:     t.TempDir(),
		cacheDir:    t.TempDir(),
		store:       runstore.Store{Root: t.TempDir()},
		unavailable: map[string]string{},
		identity:    map[string]string{},
	}
}

// foreignArch is an architecture other than the host's.
func (h *harness) foreignArch() string {
	if h.hostArch == "arm64" {
		return "amd64"
	}
	return "arm64"
}

// addPackageTarget adds a package target whose module lives in a new
// temporary directory (with a .git directory) and returns that directory.
func (h *harness) addPackageTarget(name string) string {
	dir := h.t.TempDir()
	writeFiles(h.t, dir, map[string]string{
		"go.mod":    "module example.com/app\n\ngo 1.24\n",
		"main.go":   "package main\n\nfunc main() {}\n",
		".git/HEAD": "ref: refs/heads/main\n",
	})
	h.cfg.Targets = append(h.cfg.Targets, config.Target{Name: name, Kind: config.TargetPackage, Dir: dir, Package: "."})
	return dir
}

// runner returns a new Runner wired to the fakes.
func (h *harness) runner() *Runner {
	return &Runner{
		Config:   h.cfg,
		WorkDir:  h.workDir,
		CacheDir: h.cacheDir,
		Jobs:     1,
		Progress: &h.progress,
		Version:  "v0.0.0-test",
		Resolve:  h.resolve,
		Build: func(ctx context.Context, spec cellbuild.Spec) *cellbuild.Result {
			h.builds.Add(1)
			h.mu.Lock()
			h.specs = append(h.specs, spec)
			h.mu.Unlock()
			if h.buildFn != nil {
				return h.buildFn(ctx, spec)
			}
			return fakeBuild(h.t, spec)
		},
		Exec: func(ctx context.Context, cmd proc.Cmd) (*proc.Result, error) {
			h.execs.Add(1)
			h.mu.Lock()
			h.cmds = append(h.cmds, cmd)
			h.mu.Unlock()
			if h.execFn != nil {
				return h.execFn(ctx, cmd)
			}
			return passResult(), nil
		},
	}
}

func (h *harness) resolve(_ context.Context, tc config.Toolchain) *toolchain.Resolved {
	r := &toolchain.Resolved{Name: tc.Name, Kind: tc.Kind}
	if reason, ok := h.unavailable[tc.Name]; ok {
		r.Reason = reason
		return r
	}
	r.Available = true
	r.GoVersion = fakeGoVersion
	r.GoCmd = "/usr/local/go/bin/go"
	r.GOROOT = "/usr/local/go"
	r.Env = []string{"GOTOOLCHAIN=local", "GOROOT="}
	r.HostGOOS = "linux"
	r.HostGOARCH = h.hostArch
	r.Identity = "kind=local version=" + fakeGoVersion + " " + h.identity[tc.Name]
	return r
}

// fakeBuild succeeds the way cellbuild.Build does, without compiling: it writes
// the generated sources cellbuild.Build would leave (a reproducer module, or an
// alternate go.mod and go.sum) so that the engine can keep them, and an
// executable placeholder binary.
func fakeBuild(t *testing.T, spec cellbuild.Spec) *cellbuild.Result {
	cellDir := filepath.Base(filepath.Dir(spec.Output))
	gen := filepath.Join(spec.WorkDir, "generated", cellDir)
	dir := gen
	argv := []string{spec.Toolchain.GoCmd, "build", "-buildvcs=false", "-o", spec.Output}
	switch spec.Target.Kind {
	case config.TargetRepro:
		writeFiles(t, gen, map[string]string{
			"main.go": "package main // reproducer for " + spec.Protobuf + "\n",
			"go.mod":  "module repro\n\nrequire google.golang.org/protobuf " + spec.Protobuf + "\n",
			"go.sum":  "google.golang.org/protobuf " + spec.Protobuf + " h1:fake\n",
		})
		argv = append(argv, "-mod=readonly", ".")
	case config.TargetPackage:
		writeFiles(t, gen, map[string]string{
			"alt.mod": "module example.com/app\n\nrequire google.golang.org/protobuf " + spec.Protobuf + "\n",
			"alt.sum": "google.golang.org/protobuf " + spec.Protobuf + " h1:fake\n",
		})
		dir = spec.Target.Dir
		argv = append(argv, "-mod=mod", "-modfile="+filepath.Join(gen, "alt.mod"), spec.Target.Package)
	}
	writeFiles(t, filepath.Dir(spec.Output), map[string]string{filepath.Base(spec.Output): "#!/bin/sh\n"})
	env := []string{"GOTOOLCHAIN=local", "GOARCH=" + spec.GOARCH}
	return &cellbuild.Result{
		OK:             true,
		Log:            []byte("$ go build " + spec.Target.Name + " " + spec.Protobuf + "\n"),
		Seconds:        2,
		Binary:         spec.Output,
		GoVersion:      spec.Toolchain.GoVersion,
		GOOS:           "linux",
		GOARCH:         spec.GOARCH,
		ProtobufLinked: spec.Protobuf,
		Reproduce:      record.Reproduce{Dir: dir, Env: env, Build: argv, Script: cellbuild.Script(dir, env, argv)},
	}
}

// run runs a new Runner (adjusted by configure, if given) under ctx, commits
// the run and returns it with its directory.
func (h *harness) run(ctx context.Context, configure func(*Runner)) (*record.Run, string) {
	h.t.Helper()
	h.runs++
	id := fmt.Sprintf("run-%d", h.runs)
	w, err := h.store.Begin(id)
	require.NoError(h.t, err)
	e := h.runner()
	if configure != nil {
		configure(e)
	}
	run, err := e.Run(ctx, id, w)
	require.NoError(h.t, err)
	dir, err := runlife.Commit(w, run)
	require.NoError(h.t, err)
	return run, dir
}

// calls returns and resets the Build and Exec counters.
func (h *harness) calls() (builds, execs int) {
	return int(h.builds.Swap(0)), int(h.execs.Swap(0))
}

// cacheEntries counts the cells stored in the cache.
func (h *harness) cacheEntries() int {
	n := 0
	_ = filepath.WalkDir(h.cacheDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == "cell.json" {
			n++
		}
		return nil
	})
	return n
}

func cellIDs(run *record.Run) []string {
	var ids []string
	for _, c := range run.Cells {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestCellID(t *testing.T) {
	assert.Equal(t, "local_v1.36.10_cover_repro_amd64", CellID("local", "v1.36.10", true, "repro", "amd64"))
	assert.Equal(t, "go1.27.3_v1.34.2_nocover_app_arm64", CellID("go1.27.3", "v1.34.2", false, "app", "arm64"))
}

func TestExpansionOrder(t *testing.T) {
	h := newHarness(t)
	h.cfg.Toolchains = []config.Toolchain{{Name: "tcb", Kind: config.KindLocal}, {Name: "tca", Kind: config.KindLocal}}
	// Different toolchains: the same cell of the other one is no cache hit.
	h.identity["tcb"], h.identity["tca"] = "goroot=/b", "goroot=/a"
	h.cfg.Protobuf = []string{"v1.36.10", "v1.34.2"}
	h.cfg.Cover = []bool{true, false}
	h.cfg.Targets = []config.Target{{Name: "repro", Kind: config.TargetRepro}}
	h.addPackageTarget("app")
	foreign := h.foreignArch()
	h.cfg.Arch = []string{config.ArchNative, foreign}

	run, _ := h.run(context.Background(), func(e *Runner) { e.Jobs = 4 })

	host := h.hostArch
	var want []string
	for _, tc := range []string{"tcb", "tca"} {
		for _, pb := range []string{"v1.36.10", "v1.34.2"} {
			for _, cover := range []string{"cover", "nocover"} {
				for _, target := range []string{"repro", "app"} {
					for _, arch := range []string{host, foreign} {
						want = append(want, strings.Join([]string{tc, pb, cover, target, arch}, "_"))
					}
				}
			}
		}
	}
	require.Len(t, want, 32)
	assert.Equal(t, want, cellIDs(run), "config order, not alphabetical; native resolved to %s", host)
	assert.Equal(t, "tcb_v1.36.10_cover_repro_"+host, run.Cells[0].ID)
	assert.Equal(t, "tcb_v1.36.10_cover_repro_"+foreign, run.Cells[1].ID)
	assert.Equal(t, "tcb_v1.36.10_cover_app_"+host, run.Cells[2].ID)
	assert.Equal(t, "tcb_v1.36.10_nocover_repro_"+host, run.Cells[4].ID)
	assert.Equal(t, "tcb_v1.34.2_cover_repro_"+host, run.Cells[8].ID)
	assert.Equal(t, "tca_v1.36.10_cover_repro_"+host, run.Cells[16].ID)

	c := run.Cells[3] // tcb v1.36.10 cover app foreign
	assert.Equal(t, "tcb", c.Toolchain)
	assert.Equal(t, config.KindLocal, c.ToolchainKind)
	assert.Equal(t, fakeGoVersion, c.GoVersion)
	assert.Equal(t, "v1.36.10", c.Protobuf)
	assert.Equal(t, "v1.36.10", c.ProtobufLinked)
	assert.True(t, c.Cover)
	assert.Equal(t, "app", c.Target)
	assert.Equal(t, config.TargetPackage, c.TargetKind)
	assert.Equal(t, foreign, c.BinaryArch)
	assert.Equal(t, host, c.HostArch)
	assert.Equal(t, "linux", c.GOOS)
	assert.Equal(t, record.Pass, c.Outcome)

	assert.Equal(t, host, run.Host.GOARCH)
	assert.Equal(t, "run-1", run.ID)
	assert.Equal(t, record.SchemaVersion, run.SchemaVersion)
	assert.Equal(t, "v0.0.0-test", run.GoreproVersion)
	assert.False(t, run.Interrupted)

	// Build was asked for real architectures only, never "native".
	var archs []string
	for _, s := range h.specs {
		archs = append(archs, s.GOARCH)
		assert.Equal(t, h.workDir, s.WorkDir)
		assert.Equal(t, time.Minute, s.Timeout)
	}
	slices.Sort(archs)
	assert.Equal(t, 16, strings.Count(strings.Join(archs, " "), host))
	assert.Equal(t, 16, strings.Count(strings.Join(archs, " "), foreign))
	assert.NotContains(t, archs, config.ArchNative)
}

func TestUnavailableToolchain(t *testing.T) {
	const reason = "goroot /opt/go1.22 does not exist or is not a directory; install Go there or fix \"goroot\""
	h := newHarness(t)
	h.cfg.Toolchains = []config.Toolchain{{Name: "old", Kind: config.KindGoroot}, {Name: "local", Kind: config.KindLocal}}
	h.cfg.Cover = []bool{false, true}
	h.unavailable["old"] = reason

	run, _ := h.run(context.Background(), nil)
	require.Len(t, run.Cells, 4)
	for _, c := range run.Cells[:2] {
		assert.Equal(t, "old", c.Toolchain)
		assert.Equal(t, record.Unavailable, c.Outcome)
		assert.Equal(t, reason, c.Reason)
		assert.Empty(t, c.CacheKey)
		assert.Empty(t, c.Logs)
		assert.False(t, c.Interrupted)
		assert.Zero(t, c.Runs)
	}
	for _, c := range run.Cells[2:] {
		assert.Equal(t, "local", c.Toolchain)
		assert.Equal(t, record.Pass, c.Outcome)
	}
	builds, execs := h.calls()
	assert.Equal(t, 2, builds, "only the available toolchain's cells are built")
	assert.Equal(t, 2, execs)
	for _, s := range h.specs {
		assert.Equal(t, "local", s.Toolchain.Name)
	}
	assert.Equal(t, 2, h.cacheEntries(), "unavailable cells are not cached")

	// Again: the unavailable cells are still not cached, the others are.
	run, _ = h.run(context.Background(), nil)
	assert.False(t, run.Cells[0].Cached)
	assert.Equal(t, reason, run.Cells[0].Reason)
	assert.True(t, run.Cells[2].Cached)
	builds, execs = h.calls()
	assert.Zero(t, builds)
	assert.Zero(t, execs)
}

// assertCellFiles checks that every file a cell records exists in runDir with
// the content it had in the first run's directory.
func assertCellFiles(t *testing.T, runDir, firstDir string, c, first record.Cell) {
	t.Helper()
	paths := append([]string{c.Logs.Build}, c.Logs.Runs...)
	for _, name := range []string{"go.mod", "go.sum", "main.go.txt"} {
		if p := c.Reproduce.Sources + "/" + name; fileExists(filepath.Join(runDir, p)) {
			paths = append(paths, p)
		}
	}
	for i, p := range paths {
		require.NotEmpty(t, p, "path %d of cell %s", i, c.ID)
		got, err := os.ReadFile(filepath.Join(runDir, filepath.FromSlash(p)))
		require.NoError(t, err, "cell %s", c.ID)
		firstPath := strings.Replace(p, "/"+c.ID+"/", "/"+first.ID+"/", 1)
		want, err := os.ReadFile(filepath.Join(firstDir, filepath.FromSlash(firstPath)))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), p)
	}
}

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

func TestCacheReuse(t *testing.T) {
	h := newHarness(t)
	h.addPackageTarget("app")
	h.execFn = func(context.Context, proc.Cmd) (*proc.Result, error) { return crashResult(), nil }

	first, firstDir := h.run(context.Background(), nil)
	builds, execs := h.calls()
	assert.Equal(t, 2, builds)
	assert.Equal(t, 2, execs)
	assert.Equal(t, 2, h.cacheEntries())
	for _, c := range first.Cells {
		assert.False(t, c.Cached)
		assert.Equal(t, record.Crash, c.Outcome)
		assert.Equal(t, taggedPointerPackSignature, c.Signature)
		assert.Regexp(t, `^[0-9a-f]{64}$`, c.CacheKey)
	}
	assert.NotEqual(t, first.Cells[0].CacheKey, first.Cells[1].CacheKey)

	second, secondDir := h.run(context.Background(), nil)
	builds, execs = h.calls()
	assert.Zero(t, builds, "identical inputs: nothing is rebuilt")
	assert.Zero(t, execs, "identical inputs: nothing is rerun")
	require.Len(t, second.Cells, 2)
	for i, c := range second.Cells {
		f := first.Cells[i]
		assert.True(t, c.Cached)
		assert.Equal(t, f.ID, c.ID)
		assert.Equal(t, f.Outcome, c.Outcome)
		assert.Equal(t, f.Signature, c.Signature)
		assert.Equal(t, f.Frames, c.Frames)
		assert.Equal(t, f.Reason, c.Reason)
		assert.Equal(t, f.CacheKey, c.CacheKey)
		assert.Equal(t, f.Logs, c.Logs, "same run-relative paths")
		assert.Equal(t, f.Reproduce, c.Reproduce)
		assert.Equal(t, "cells/"+c.ID+"/build.log", c.Logs.Build)
		assert.Equal(t, []string{"cells/" + c.ID + "/run-1.log"}, c.Logs.Runs)
		assert.Equal(t, "cells/"+c.ID+"/run-1.log", c.RunResults[0].Log)
		assert.Equal(t, "cells/"+c.ID+"/sources", c.Reproduce.Sources)
		assertCellFiles(t, secondDir, firstDir, c, f)
	}
	// The kept sources: the reproducer module, and the alternate go.mod and
	// go.sum of the package target.
	repro := filepath.Join(secondDir, "cells", second.Cells[0].ID, "sources")
	for _, name := range []string{"main.go.txt", "go.mod", "go.sum"} {
		assert.FileExists(t, filepath.Join(repro, name))
	}
	assert.NoFileExists(t, filepath.Join(repro, "main.go"), "main.go is kept as main.go.txt")
	app := filepath.Join(secondDir, "cells", second.Cells[1].ID, "sources")
	modData, err := os.ReadFile(filepath.Join(app, "go.mod"))
	require.NoError(t, err)
	assert.Contains(t, string(modData), "require google.golang.org/protobuf v1.36.10")
	assert.FileExists(t, filepath.Join(app, "go.sum"))

	// The run document on disk says the same.
	loaded, _, err := runstore.Load(secondDir)
	require.NoError(t, err)
	assert.True(t, loaded.Cells[0].Cached)

	t.Run("NoCache rebuilds and refreshes the cache", func(t *testing.T) {
		h.execFn = nil // now the binaries pass
		run, _ := h.run(context.Background(), func(e *Runner) { e.NoCache = true })
		builds, execs := h.calls()
		assert.Equal(t, 2, builds)
		assert.Equal(t, 2, execs)
		for _, c := range run.Cells {
			assert.False(t, c.Cached)
			assert.Equal(t, record.Pass, c.Outcome)
		}
		run, _ = h.run(context.Background(), nil)
		builds, execs = h.calls()
		assert.Zero(t, builds)
		assert.Zero(t, execs)
		for _, c := range run.Cells {
			assert.True(t, c.Cached)
			assert.Equal(t, record.Pass, c.Outcome, "the refreshed entry, not the old crash")
			assert.Empty(t, c.Signature)
		}
		assert.Equal(t, 2, h.cacheEntries(), "replaced, not added")
	})
}

func TestCacheKeyInputs(t *testing.T) {
	tests := []struct {
		name   string
		change func(h *harness, appDir string)
		miss   bool
	}{
		{"nothing", func(*harness, string) {}, false},
		{"runs", func(h *harness, _ string) { h.cfg.Runs = 2 }, true},
		{"timeout", func(h *harness, _ string) { h.cfg.Timeout = config.Duration(6 * time.Second) }, true},
		{"target timeout", func(h *harness, _ string) { h.cfg.Targets[0].Timeout = config.Duration(time.Second) }, true},
		{"cover", func(h *harness, _ string) { h.cfg.Cover = []bool{true} }, true},
		{"protobuf", func(h *harness, _ string) { h.cfg.Protobuf = []string{"v1.34.2"} }, true},
		{"arch", func(h *harness, _ string) { h.cfg.Arch = []string{h.foreignArch()} }, true},
		{"source file", func(h *harness, dir string) {
			writeFiles(h.t, dir, map[string]string{"main.go": "package main\n\nfunc main() { println() }\n"})
		}, true},
		{"new source file", func(h *harness, dir string) {
			writeFiles(h.t, dir, map[string]string{"internal/x/x.go": "package x\n"})
		}, true},
		{"toolchain identity", func(h *harness, _ string) { h.identity["local"] = "gocmd=/usr/local/go/bin/go(123@456)" }, true},
		{"args", func(h *harness, _ string) { h.cfg.Targets[0].Args = []string{"-v"} }, true},
		{"env", func(h *harness, _ string) { h.cfg.Targets[0].Env = map[string]string{"GODEBUG": "madvdontneed=1"} }, true},
		{"build flags", func(h *harness, _ string) { h.cfg.Targets[0].BuildFlags = []string{"-trimpath"} }, true},
		{"pass rule", func(h *harness, _ string) { h.cfg.Targets[0].Pass.ExitCodes = []int{0, 3} }, true},
		{"modules", func(h *harness, _ string) {
			h.cfg.Targets[0].Modules = map[string]string{"golang.org/x/net": "v0.30.0"}
		}, true},
		{"cgo", func(h *harness, _ string) { h.cfg.Targets[0].CGO = true }, true},
		{"build env", func(h *harness, _ string) { h.cfg.Targets[0].BuildEnv = map[string]string{"GOAMD64": "v3"} }, true},
		{"package", func(h *harness, _ string) { h.cfg.Targets[0].Package = "./cmd/other" }, true},
		{"local replacement edited", func(h *harness, dir string) {
			lib := filepath.Join(filepath.Dir(dir), filepath.Base(dir)+"-lib")
			writeFiles(h.t, lib, map[string]string{"lib.go": "package lib\n\nconst N = 2\n"})
		}, true},
		{".git", func(h *harness, dir string) {
			writeFiles(h.t, dir, map[string]string{".git/HEAD": "ref: refs/heads/feature\n", ".git/index": "new index"})
		}, false},
		{"build timeout", func(h *harness, _ string) { h.cfg.BuildTimeout = config.Duration(2 * time.Minute) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.cfg.Targets = nil
			appDir := h.addPackageTarget("app")
			// The module replaces a library with a local directory, whose
			// sources the build reads too.
			lib := filepath.Join(filepath.Dir(appDir), filepath.Base(appDir)+"-lib")
			writeFiles(t, lib, map[string]string{"go.mod": "module example.com/lib\n", "lib.go": "package lib\n\nconst N = 1\n"})
			writeFiles(t, appDir, map[string]string{"go.mod": "module example.com/app\n\ngo 1.24\n\nreplace example.com/lib => ../" + filepath.Base(lib) + "\n"})
			h.run(context.Background(), nil)
			builds, _ := h.calls()
			require.Equal(t, 1, builds)

			tt.change(h, appDir)
			run, _ := h.run(context.Background(), nil)
			builds, execs := h.calls()
			require.Len(t, run.Cells, 1)
			if tt.miss {
				assert.Equal(t, 1, builds, "a changed input is a cache miss")
				assert.Equal(t, h.cfg.Runs, execs)
				assert.False(t, run.Cells[0].Cached)
				assert.Equal(t, 2, h.cacheEntries(), "a new entry next to the old one")
			} else {
				assert.Zero(t, builds, "not an input: still a cache hit")
				assert.Zero(t, execs)
				assert.True(t, run.Cells[0].Cached)
				assert.Equal(t, 1, h.cacheEntries())
			}
		})
	}

	t.Run("renamed target and toolchain are relabelled hits", func(t *testing.T) {
		h := newHarness(t)
		first, _ := h.run(context.Background(), nil)
		h.calls()
		h.cfg.Toolchains[0].Name = "mine"
		h.cfg.Targets[0].Name = "minimal"
		run, dir := h.run(context.Background(), nil)
		builds, _ := h.calls()
		assert.Zero(t, builds)
		c := run.Cells[0]
		assert.True(t, c.Cached)
		assert.Equal(t, "mine_v1.36.10_nocover_minimal_"+h.hostArch, c.ID)
		assert.Equal(t, "mine", c.Toolchain)
		assert.Equal(t, "minimal", c.Target)
		assert.Equal(t, first.Cells[0].CacheKey, c.CacheKey)
		assert.Equal(t, "cells/"+c.ID+"/build.log", c.Logs.Build)
		assert.Equal(t, "cells/"+c.ID+"/sources", c.Reproduce.Sources)
		assert.FileExists(t, filepath.Join(dir, "cells", c.ID, "run-1.log"))
		assert.NoDirExists(t, filepath.Join(dir, "cells", first.Cells[0].ID))
	})

	t.Run("harness version", func(t *testing.T) {
		h := newHarness(t)
		h.run(context.Background(), nil)
		h.calls()
		run, _ := h.run(context.Background(), func(e *Runner) { e.Version = "v0.0.1-test" })
		builds, _ := h.calls()
		assert.Equal(t, 1, builds)
		assert.False(t, run.Cells[0].Cached)
	})

	t.Run("harness build", func(t *testing.T) {
		h := newHarness(t)
		h.run(context.Background(), func(e *Runner) { e.Harness = "(devel) exe:1111" })
		h.calls()
		run, _ := h.run(context.Background(), func(e *Runner) { e.Harness = "(devel) exe:2222" })
		builds, _ := h.calls()
		assert.Equal(t, 1, builds, "a development build whose executable changed re-uses nothing")
		assert.False(t, run.Cells[0].Cached)
	})

	t.Run("no cache dir", func(t *testing.T) {
		h := newHarness(t)
		noCache := func(e *Runner) { e.CacheDir = "" }
		h.run(context.Background(), noCache)
		run, _ := h.run(context.Background(), noCache)
		builds, _ := h.calls()
		assert.Equal(t, 2, builds)
		assert.False(t, run.Cells[0].Cached)
		assert.Zero(t, h.cacheEntries())
	})
}

func TestBuildFailure(t *testing.T) {
	h := newHarness(t)
	const reason = "./main.go:3:1: syntax error: non-declaration statement outside function body"
	buildLog := "$ cd /src && go build -o /bin/app .\n# example.com/app\n" + reason + "\n"
	h.buildFn = func(_ context.Context, spec cellbuild.Spec) *cellbuild.Result {
		return &cellbuild.Result{Outcome: record.BuildError, Reason: reason, Log: []byte(buildLog), Seconds: 1.25}
	}
	run, dir := h.run(context.Background(), nil)
	builds, execs := h.calls()
	assert.Equal(t, 1, builds)
	assert.Zero(t, execs, "a failed build is not run")
	c := run.Cells[0]
	assert.Equal(t, record.BuildError, c.Outcome)
	assert.Equal(t, reason, c.Reason)
	assert.Equal(t, 1.25, c.BuildSeconds)
	assert.Zero(t, c.Runs)
	assert.Empty(t, c.RunResults)
	assert.Empty(t, c.BinaryArch)
	assert.Equal(t, "cells/"+c.ID+"/build.log", c.Logs.Build)
	assert.Empty(t, c.Logs.Runs)
	got, err := os.ReadFile(filepath.Join(dir, c.Logs.Build))
	require.NoError(t, err)
	assert.Equal(t, buildLog, string(got))

	// A build error is a result about the code: it is cached.
	run, _ = h.run(context.Background(), nil)
	builds, _ = h.calls()
	assert.Zero(t, builds)
	assert.True(t, run.Cells[0].Cached)
	assert.Equal(t, record.BuildError, run.Cells[0].Outcome)
	assert.Equal(t, reason, run.Cells[0].Reason)

	t.Run("unavailable build is not cached", func(t *testing.T) {
		h := newHarness(t)
		h.buildFn = func(context.Context, cellbuild.Spec) *cellbuild.Result {
			return &cellbuild.Result{Outcome: record.Unavailable, Reason: "starting /usr/local/go/bin/go: permission denied"}
		}
		run, _ := h.run(context.Background(), nil)
		assert.Equal(t, record.Unavailable, run.Cells[0].Outcome)
		assert.Equal(t, "starting /usr/local/go/bin/go: permission denied", run.Cells[0].Reason)
		assert.Zero(t, h.cacheEntries())
	})
}

func TestRunsFlaky(t *testing.T) {
	h := newHarness(t)
	h.cfg.Runs = 3
	var n atomic.Int32
	h.execFn = func(context.Context, proc.Cmd) (*proc.Result, error) {
		if n.Add(1) == 2 {
			return crashResult(), nil
		}
		return passResult(), nil
	}
	run, dir := h.run(context.Background(), nil)
	_, execs := h.calls()
	assert.Equal(t, 3, execs)
	c := run.Cells[0]
	assert.Equal(t, record.Crash, c.Outcome, "the worst outcome")
	assert.True(t, c.Flaky)
	assert.Equal(t, map[record.Outcome]int{record.Crash: 1, record.Pass: 2}, c.OutcomeCounts)
	assert.Equal(t, 1, c.Crashes)
	assert.Equal(t, 3, c.Runs)
	assert.Equal(t, taggedPointerPackSignature, c.Signature)
	assert.Equal(t, []string{"runtime.netpollopen", "internal/poll.runtime_pollOpen", "internal/poll.(*pollDesc).init", "os.newFile", "os.openFileNolog"}, c.Frames)
	assert.Equal(t, "exit status 2", c.Reason, "the reason of the run with the reported outcome")
	assert.Equal(t, 4.5, c.RunSeconds)

	require.Len(t, c.RunResults, 3)
	wantOutcomes := []record.Outcome{record.Pass, record.Crash, record.Pass}
	for i, r := range c.RunResults {
		assert.Equal(t, i+1, r.Index)
		assert.Equal(t, wantOutcomes[i], r.Outcome)
		assert.Equal(t, 1.5, r.Seconds)
		log := fmt.Sprintf("cells/%s/run-%d.log", c.ID, i+1)
		assert.Equal(t, log, r.Log)
		assert.FileExists(t, filepath.Join(dir, log))
	}
	assert.Equal(t, 2, c.RunResults[1].ExitCode)
	assert.Equal(t, taggedPointerPackSignature, c.RunResults[1].Signature)
	assert.Empty(t, c.RunResults[0].Signature)
	assert.Equal(t, []string{"cells/" + c.ID + "/run-1.log", "cells/" + c.ID + "/run-2.log", "cells/" + c.ID + "/run-3.log"}, c.Logs.Runs)

	crashLog, err := os.ReadFile(filepath.Join(dir, c.RunResults[1].Log))
	require.NoError(t, err)
	bin := filepath.Join(h.workDir, "bin", c.ID, "repro")
	assert.Equal(t, "$ "+bin+"\n"+taggedPointerPackTrace+"[gorepro: exit status 2 after 1.5s]\n", string(crashLog))
	passLog, err := os.ReadFile(filepath.Join(dir, c.RunResults[0].Log))
	require.NoError(t, err)
	assert.Equal(t, "$ "+bin+"\nok\n[gorepro: exit status 0 after 1.5s]\n", string(passLog))

	t.Run("not flaky has no counts", func(t *testing.T) {
		h := newHarness(t)
		h.cfg.Runs = 3
		run, _ := h.run(context.Background(), nil)
		c := run.Cells[0]
		assert.Equal(t, record.Pass, c.Outcome)
		assert.False(t, c.Flaky)
		assert.Nil(t, c.OutcomeCounts)
		assert.Zero(t, c.Crashes)
		assert.Equal(t, 3, c.Runs)
	})
}

func TestRunLogsOrderedByIndex(t *testing.T) {
	h := newHarness(t)
	h.cfg.Runs = 10
	run, _ := h.run(context.Background(), nil)
	c := run.Cells[0]
	var want []string
	for i := 1; i <= 10; i++ {
		want = append(want, fmt.Sprintf("cells/%s/run-%d.log", c.ID, i))
	}
	assert.Equal(t, want, c.Logs.Runs)
}

// execFormatError is how proc.Run reports a binary the kernel cannot run.
func execFormatError(cmd proc.Cmd) error {
	return &proc.StartError{Argv: cmd.Argv, Err: &fs.PathError{Op: "fork/exec", Path: cmd.Argv[0], Err: syscall.ENOEXEC}}
}

func TestStartErrorSameArch(t *testing.T) {
	h := newHarness(t)
	h.execFn = func(_ context.Context, cmd proc.Cmd) (*proc.Result, error) { return nil, execFormatError(cmd) }
	run, _ := h.run(context.Background(), nil)
	c := run.Cells[0]
	assert.Equal(t, record.Unavailable, c.Outcome)
	assert.Equal(t, "running the binary: starting "+filepath.Join(h.workDir, "bin", c.ID, "repro")+
		": fork/exec "+filepath.Join(h.workDir, "bin", c.ID, "repro")+": exec format error", c.Reason)
	assert.NotContains(t, c.Reason, "qemu")
	assert.Zero(t, h.cacheEntries(), "a binary that cannot start is not a result about the code")
}

func TestStartErrorForeignArch(t *testing.T) {
	h := newHarness(t)
	foreign := h.foreignArch()
	h.cfg.Arch = []string{foreign}
	h.execFn = func(_ context.Context, cmd proc.Cmd) (*proc.Result, error) { return nil, execFormatError(cmd) }
	run, _ := h.run(context.Background(), nil)
	c := run.Cells[0]
	assert.Equal(t, record.Unavailable, c.Outcome)
	assert.Equal(t, foreign, c.BinaryArch)
	bin := filepath.Join(h.workDir, "bin", c.ID, "repro")
	assert.Equal(t, fmt.Sprintf("cannot run the %[1]s binary on this %[2]s host: no emulator is registered for %[1]s "+
		"(install qemu-user-static and register it with binfmt_misc, or build for the native arch): "+
		"starting %[3]s: fork/exec %[3]s: exec format error", foreign, h.hostArch, bin), c.Reason)
	assert.Contains(t, c.Reason, "qemu-user-static")
	assert.Contains(t, c.Reason, "binfmt_misc")
	assert.Contains(t, c.Reason, "exec format error")
	assert.Zero(t, h.cacheEntries())
}

func TestExplainStartError(t *testing.T) {
	err := &proc.StartError{Argv: []string{"/b"}, Err: &fs.PathError{Op: "fork/exec", Path: "/b", Err: syscall.ENOEXEC}}
	got := explainStartError(err, "arm64", "amd64")
	assert.EqualError(t, got, "cannot run the arm64 binary on this amd64 host: no emulator is registered for arm64 "+
		"(install qemu-user-static and register it with binfmt_misc, or build for the native arch): "+
		"starting /b: fork/exec /b: exec format error")
	assert.ErrorIs(t, got, syscall.ENOEXEC)
	assert.EqualError(t, explainStartError(err, "amd64", "amd64"), "running the binary: starting /b: fork/exec /b: exec format error")
	other := &proc.StartError{Argv: []string{"/b"}, Err: &fs.PathError{Op: "fork/exec", Path: "/b", Err: syscall.EACCES}}
	assert.EqualError(t, explainStartError(other, "arm64", "amd64"), "running the binary: starting /b: fork/exec /b: permission denied")
}

func TestInterruption(t *testing.T) {
	h := newHarness(t)
	h.cfg.Protobuf = []string{"v1.36.10", "v1.36.9", "v1.36.8", "v1.34.2"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n atomic.Int32
	h.execFn = func(ctx context.Context, cmd proc.Cmd) (*proc.Result, error) {
		if n.Add(1) == 1 {
			return crashResult(), nil
		}
		cancel() // Ctrl-C while the second binary runs
		<-ctx.Done()
		return &proc.Result{ExitCode: -1, Signal: syscall.SIGKILL, Canceled: true, Duration: time.Millisecond}, nil
	}

	run, dir := h.run(ctx, nil)
	builds, execs := h.calls()
	assert.Equal(t, 2, builds)
	assert.Equal(t, 2, execs)
	assert.True(t, run.Interrupted)
	require.Len(t, run.Cells, 4)

	done := run.Cells[0]
	assert.Equal(t, record.Crash, done.Outcome, "a finished cell keeps its outcome")
	assert.Equal(t, taggedPointerPackSignature, done.Signature)
	assert.False(t, done.Interrupted)
	assert.FileExists(t, filepath.Join(dir, done.Logs.Build))

	for i, c := range run.Cells[1:] {
		assert.Equal(t, CellID("local", h.cfg.Protobuf[i+1], false, "repro", h.hostArch), c.ID)
		assert.Equal(t, record.Unavailable, c.Outcome)
		assert.True(t, c.Interrupted)
		assert.Equal(t, "interrupted before this cell finished", c.Reason)
		assert.Empty(t, c.CacheKey)
		assert.Empty(t, c.Logs)
		assert.Zero(t, c.Runs)
	}
	assert.Equal(t, 1, h.cacheEntries(), "interrupted cells are not cached")

	loaded, _, err := runstore.Load(dir)
	require.NoError(t, err)
	assert.True(t, loaded.Interrupted)

	// The re-run resumes: the finished cell comes from the cache.
	h.execFn = nil
	run, _ = h.run(context.Background(), nil)
	builds, execs = h.calls()
	assert.Equal(t, 3, builds)
	assert.Equal(t, 3, execs)
	assert.False(t, run.Interrupted)
	assert.True(t, run.Cells[0].Cached)
	assert.Equal(t, record.Crash, run.Cells[0].Outcome)
	for _, c := range run.Cells[1:] {
		assert.False(t, c.Cached)
		assert.False(t, c.Interrupted)
		assert.Equal(t, record.Pass, c.Outcome)
	}
	for _, s := range h.specs[2:] {
		assert.NotEqual(t, "v1.36.10", s.Protobuf, "the finished cell was not rebuilt")
	}

	t.Run("during a build", func(t *testing.T) {
		h := newHarness(t)
		h.cfg.Protobuf = []string{"v1.36.10", "v1.36.9"}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		h.buildFn = func(ctx context.Context, spec cellbuild.Spec) *cellbuild.Result {
			cancel()
			<-ctx.Done()
			return &cellbuild.Result{Outcome: record.Unavailable, Reason: "build interrupted"}
		}
		run, _ := h.run(ctx, nil)
		builds, execs := h.calls()
		assert.Equal(t, 1, builds)
		assert.Zero(t, execs)
		assert.True(t, run.Interrupted)
		for _, c := range run.Cells {
			assert.True(t, c.Interrupted)
			assert.Equal(t, record.Unavailable, c.Outcome)
			assert.Equal(t, "interrupted before this cell finished", c.Reason)
		}
		assert.Zero(t, h.cacheEntries())
	})
}

func TestParallelismBound(t *testing.T) {
	h := newHarness(t)
	h.cfg.Protobuf = []string{"v1.36.10", "v1.36.9", "v1.36.8"}
	h.cfg.Cover = []bool{false, true}
	var inFlight, peak atomic.Int32
	two := make(chan struct{}) // closed when two builds are in flight
	var once sync.Once
	h.buildFn = func(ctx context.Context, spec cellbuild.Spec) *cellbuild.Result {
		now := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			old := peak.Load()
			if now <= old || peak.CompareAndSwap(old, now) {
				break
			}
		}
		if now >= 2 {
			once.Do(func() { close(two) })
		}
		// Wait for a second build to start (it must, with Jobs=2).
		select {
		case <-two:
		case <-time.After(10 * time.Second):
		}
		// Stay in flight a moment, so that a build over the bound would
		// overlap: the behaviour under test, not a wait for an event.
		time.Sleep(10 * time.Millisecond)
		return fakeBuild(t, spec)
	}
	run, _ := h.run(context.Background(), func(e *Runner) { e.Jobs = 2 })
	builds, _ := h.calls()
	assert.Equal(t, 6, builds)
	assert.Equal(t, int32(2), peak.Load(), "Jobs=2: two builds at once, never more")
	for _, c := range run.Cells {
		assert.Equal(t, record.Pass, c.Outcome)
	}
}

func TestReproduce(t *testing.T) {
	h := newHarness(t)
	h.cfg.Cover = []bool{true}
	h.cfg.Runs = 2
	h.cfg.Targets[0].Args = []string{"-v", "two words"}
	h.cfg.Targets[0].Env = map[string]string{
		"ZED":          "last",
		"GITHUB_TOKEN": "ghp_s3cret",
		"GOPROXY":      "https://user:hunter2@proxy.example.com/go,direct",
		"APP_MODE":     "debug",
	}
	run, dir := h.run(context.Background(), nil)
	c := run.Cells[0]
	binDir := filepath.Join(h.workDir, "bin", c.ID)
	bin := filepath.Join(binDir, "repro")

	assert.Equal(t, []string{bin, "-v", "two words"}, c.Reproduce.Run)
	assert.Equal(t, []string{
		"APP_MODE=debug",
		"GITHUB_TOKEN=REDACTED",
		"GOPROXY=https://REDACTED@proxy.example.com/go,direct",
		"ZED=last",
		"GOCOVERDIR=" + filepath.Join(binDir, "cover-1"),
	}, c.Reproduce.RunEnv)
	spec := h.specs[0]
	assert.Equal(t, bin, spec.Output)
	assert.True(t, spec.Cover)
	buildLine := fakeBuild(t, spec).Reproduce.Script
	// The script runs the binary its build part made, in its temporary
	// directory, with an empty GOCOVERDIR there.
	runLine := `mkdir -p "$GOREPRO_TMP"/cover-1` + "\n" +
		`cd "$GOREPRO_TMP" && env APP_MODE=debug GITHUB_TOKEN=REDACTED GOPROXY=https://REDACTED@proxy.example.com/go,direct ZED=last GOCOVERDIR="$GOREPRO_TMP"/cover-1 ./repro -v 'two words'`
	assert.Equal(t, buildLine+"\n"+runLine, c.Reproduce.Script)
	assert.Contains(t, runLine, "'two words'")
	assert.NotContains(t, c.Reproduce.Script, "ghp_s3cret")
	assert.NotContains(t, c.Reproduce.Script, "hunter2")
	assert.Equal(t, "cells/"+c.ID+"/sources", c.Reproduce.Sources)

	// The binary itself gets the real values, and a fresh GOCOVERDIR per run.
	require.Len(t, h.cmds, 2)
	for i, cmd := range h.cmds {
		assert.Equal(t, []string{bin, "-v", "two words"}, cmd.Argv)
		assert.Equal(t, binDir, cmd.Dir)
		assert.Equal(t, 5*time.Second, cmd.Timeout)
		assert.Equal(t, syscall.SIGQUIT, cmd.GraceSignal)
		assert.Contains(t, cmd.Env, "GITHUB_TOKEN=ghp_s3cret")
		assert.Contains(t, cmd.Env, "GOPROXY=https://user:hunter2@proxy.example.com/go,direct")
		assert.Contains(t, cmd.Env, "GOCOVERDIR="+filepath.Join(binDir, fmt.Sprintf("cover-%d", i+1)))
		assert.DirExists(t, filepath.Join(binDir, fmt.Sprintf("cover-%d", i+1)))
	}

	// No secret reaches the results directory.
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.NotContains(t, string(data), "ghp_s3cret", path)
		assert.NotContains(t, string(data), "hunter2", path)
		return nil
	})
	require.NoError(t, err)

	t.Run("no cover, no GOCOVERDIR", func(t *testing.T) {
		h := newHarness(t)
		run, _ := h.run(context.Background(), nil)
		assert.Empty(t, run.Cells[0].Reproduce.RunEnv)
		for _, kv := range h.cmds[0].Env {
			assert.False(t, strings.HasPrefix(kv, "GOCOVERDIR="), kv)
		}
	})

	t.Run("aliveFor stops the binary without SIGQUIT", func(t *testing.T) {
		h := newHarness(t)
		h.cfg.Targets[0].Pass.AliveFor = config.Duration(3 * time.Second)
		h.run(context.Background(), nil)
		assert.Equal(t, 3*time.Second, h.cmds[0].Timeout)
		assert.Zero(t, h.cmds[0].GraceSignal)
	})
}

func TestProgress(t *testing.T) {
	h := newHarness(t)
	h.cfg.Toolchains = []config.Toolchain{{Name: "local", Kind: config.KindLocal}, {Name: "old", Kind: config.KindGoroot}}
	h.cfg.Cover = []bool{false, true}
	h.unavailable["old"] = "goroot /opt/old does not exist"
	h.execFn = func(_ context.Context, cmd proc.Cmd) (*proc.Result, error) {
		if slices.Contains(cmd.Env, "GOCOVERDIR="+filepath.Join(filepath.Dir(cmd.Argv[0]), "cover-1")) {
			return crashResult(), nil
		}
		return passResult(), nil
	}
	a := h.hostArch
	h.run(context.Background(), nil)
	assert.Equal(t, []string{
		"[1/4] local go1.26.8 protobuf=v1.36.10 cover=off repro " + a + "/" + a + ": pass 1/1 (build 2.0s, run 1.5s)",
		"[2/4] local go1.26.8 protobuf=v1.36.10 cover=on repro " + a + "/" + a + ": crash 1/1 " + taggedPointerPackSignature + " (build 2.0s, run 1.5s)",
		"[3/4] old - protobuf=v1.36.10 cover=off repro -/" + a + ": unavailable — goroot /opt/old does not exist",
		"[4/4] old - protobuf=v1.36.10 cover=on repro -/" + a + ": unavailable — goroot /opt/old does not exist",
	}, strings.Split(strings.TrimSuffix(h.progress.String(), "\n"), "\n"))

	h.progress.Reset()
	h.run(context.Background(), nil)
	assert.Equal(t, []string{
		"[1/4] local go1.26.8 protobuf=v1.36.10 cover=off repro " + a + "/" + a + ": pass 1/1 (cached)",
		"[2/4] local go1.26.8 protobuf=v1.36.10 cover=on repro " + a + "/" + a + ": crash 1/1 " + taggedPointerPackSignature + " (cached)",
		"[3/4] old - protobuf=v1.36.10 cover=off repro -/" + a + ": unavailable — goroot /opt/old does not exist",
		"[4/4] old - protobuf=v1.36.10 cover=on repro -/" + a + ": unavailable — goroot /opt/old does not exist",
	}, strings.Split(strings.TrimSuffix(h.progress.String(), "\n"), "\n"))

	t.Run("parallel: one line per cell, counted in order, width padded", func(t *testing.T) {
		h := newHarness(t)
		h.cfg.Protobuf = []string{"v1.36.10", "v1.36.9", "v1.36.8", "v1.36.7", "v1.36.6", "v1.36.5"}
		h.cfg.Cover = []bool{false, true}
		h.run(context.Background(), func(e *Runner) { e.Jobs = 4 })
		lines := strings.Split(strings.TrimSuffix(h.progress.String(), "\n"), "\n")
		require.Len(t, lines, 12)
		re := regexp.MustCompile(`^\[([ \d]{2})/12\] local go1\.26\.8 protobuf=v1\.36\.\d+ cover=o(n|ff) repro \w+/\w+: pass 1/1 \(build 2\.0s, run 1\.5s\)$`)
		for i, line := range lines {
			m := re.FindStringSubmatch(line)
			require.NotNil(t, m, line)
			assert.Equal(t, fmt.Sprintf("%2d", i+1), m[1])
		}

		h.progress.Reset()
		h.run(context.Background(), func(e *Runner) { e.Jobs = 4 })
		lines = strings.Split(strings.TrimSuffix(h.progress.String(), "\n"), "\n")
		require.Len(t, lines, 12)
		for _, line := range lines {
			assert.True(t, strings.HasSuffix(line, ": pass 1/1 (cached)"), line)
		}
	})

	t.Run("flaky and interrupted lines", func(t *testing.T) {
		h := newHarness(t)
		h.cfg.Runs = 3
		var n atomic.Int32
		h.execFn = func(context.Context, proc.Cmd) (*proc.Result, error) {
			if n.Add(1) == 3 {
				return crashResult(), nil
			}
			return passResult(), nil
		}
		h.run(context.Background(), nil)
		assert.Equal(t, "[1/1] local go1.26.8 protobuf=v1.36.10 cover=off repro "+a+"/"+a+": crash 1/3 (flaky) "+
			taggedPointerPackSignature+" (build 2.0s, run 4.5s)\n", h.progress.String())
	})
}

// TestEndToEnd runs the real steps: the local toolchain resolves, builds the
// generated reproducer with protobuf v1.36.10, and runs it; a foreign-arch
// cell cannot start without an emulator; a goroot that does not exist is
// unavailable. A second run takes the finished cell from the cache.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds real binaries")
	}
	workDir, cacheDir := t.TempDir(), t.TempDir()
	store := runstore.Store{Root: t.TempDir()}
	hostArch := toolchain.HostArch()
	foreign := "arm64"
	if hostArch == "arm64" {
		foreign = "amd64"
	}
	missingGoroot := filepath.Join(t.TempDir(), "go1.22")
	cfg := &config.Config{
		Toolchains: []config.Toolchain{
			{Name: "local", Kind: config.KindLocal},
			{Name: "old", Kind: config.KindGoroot, GOROOT: missingGoroot},
		},
		Protobuf:     []string{"v1.36.10"},
		Cover:        []bool{false},
		Arch:         []string{config.ArchNative, foreign},
		Targets:      []config.Target{{Name: "repro", Kind: config.TargetRepro}},
		Runs:         1,
		Timeout:      config.Duration(time.Minute),
		BuildTimeout: config.Duration(5 * time.Minute),
	}
	var builds atomic.Int32
	var progress bytes.Buffer
	runMatrix := func(id string) (*record.Run, string) {
		t.Helper()
		e := &Runner{
			Config: cfg, WorkDir: workDir, CacheDir: cacheDir, Jobs: 2, Progress: &progress, Version: "v0.0.0-test",
			Build: func(ctx context.Context, s cellbuild.Spec) *cellbuild.Result {
				builds.Add(1)
				return cellbuild.Build(ctx, s)
			},
		}
		w, err := store.Begin(id)
		require.NoError(t, err)
		run, err := e.Run(context.Background(), id, w)
		require.NoError(t, err)
		dir, err := runlife.Commit(w, run)
		require.NoError(t, err)
		return run, dir
	}

	run, dir := runMatrix("first")
	require.Len(t, run.Cells, 4)
	assert.Equal(t, int32(2), builds.Swap(0), "only the local toolchain builds")

	native := run.Cells[0]
	require.Equal(t, record.Pass, native.Outcome, "%s\n%s", native.Reason, progress.String())
	assert.Equal(t, "local_v1.36.10_nocover_repro_"+hostArch, native.ID)
	assert.Regexp(t, `^go1\.\d+(\.\d+)?$`, native.GoVersion)
	assert.Equal(t, "v1.36.10", native.ProtobufLinked)
	assert.Empty(t, native.ProtobufNote)
	assert.Equal(t, hostArch, native.BinaryArch)
	assert.Equal(t, "linux", native.GOOS)
	assert.Equal(t, 1, native.Runs)
	assert.Greater(t, native.BuildSeconds, 0.0)
	runLog, err := os.ReadFile(filepath.Join(dir, native.RunResults[0].Log))
	require.NoError(t, err)
	assert.Contains(t, string(runLog), `"gorepro":"repro"`)
	assert.Contains(t, string(runLog), `"goarch":"`+hostArch+`"`)
	assert.Contains(t, string(runLog), "[gorepro: exit status 0 after ")
	buildLog, err := os.ReadFile(filepath.Join(dir, native.Logs.Build))
	require.NoError(t, err)
	assert.Contains(t, string(buildLog), "$ cd ")
	mainGo, err := os.ReadFile(filepath.Join(native.Reproduce.Dir, "main.go"))
	require.NoError(t, err)
	kept, err := os.ReadFile(filepath.Join(dir, native.Reproduce.Sources, "main.go.txt"))
	require.NoError(t, err)
	assert.Equal(t, string(mainGo), string(kept))
	assert.FileExists(t, filepath.Join(dir, native.Reproduce.Sources, "go.sum"))
	// The recorded run command works as written.
	assert.FileExists(t, native.Reproduce.Run[0])
	assert.True(t, strings.HasPrefix(native.Reproduce.Run[0], workDir), native.Reproduce.Run[0])
	assert.Contains(t, native.Reproduce.Script, "\ncd ")

	cross := run.Cells[1]
	assert.Equal(t, "local_v1.36.10_nocover_repro_"+foreign, cross.ID)
	assert.Equal(t, foreign, cross.BinaryArch, cross.Reason)
	assert.False(t, native.Emulated)
	if !fileExists("/proc/sys/fs/binfmt_misc/qemu-" + map[string]string{"arm64": "aarch64", "amd64": "x86_64"}[foreign]) {
		assert.Equal(t, record.Unavailable, cross.Outcome)
		assert.Contains(t, cross.Reason, "exec format error")
		assert.Contains(t, cross.Reason, "install qemu-user-static and register it with binfmt_misc")
		assert.False(t, cross.Emulated, "it never ran")
	} else {
		assert.Equal(t, record.Pass, cross.Outcome, cross.Reason)
		assert.True(t, cross.Emulated)
		assert.Equal(t, "qemu-user", cross.Emulator)
	}

	for _, c := range run.Cells[2:] {
		assert.Equal(t, "old", c.Toolchain)
		assert.Equal(t, record.Unavailable, c.Outcome)
		assert.Contains(t, c.Reason, missingGoroot+" does not exist")
	}

	run, dir = runMatrix("second")
	native = run.Cells[0]
	assert.True(t, native.Cached)
	assert.Equal(t, record.Pass, native.Outcome)
	assert.FileExists(t, filepath.Join(dir, native.RunResults[0].Log))
	assert.FileExists(t, filepath.Join(dir, native.Reproduce.Sources, "main.go.txt"))
	if run.Cells[1].Outcome == record.Unavailable {
		assert.Equal(t, int32(1), builds.Load(), "only the cell that could not run is built again")
	} else {
		assert.Zero(t, builds.Load())
	}
}

package gosource

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gorepro/gorepro/internal/filelock"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/modtree"
	"github.com/gorepro/gorepro/internal/proc"
)

// The ways a toolchain is built (Build.Mode).
const (
	ModeFull = "full"
	ModeFast = "fast"
)

// makeTimeout bounds one make.bash.
const makeTimeout = time.Hour

// Build is a toolchain built from a commit, ready to be used as a GOROOT.
type Build struct {
	// Commit is the commit asked for (a full hash); GOROOT the tree to
	// build with.
	Commit string `json:"commit"`
	GOROOT string `json:"goroot"`
	// Mode is ModeFull or ModeFast.
	Mode string `json:"mode"`
	// Built is the commit whose tree a full build was made from (another
	// commit with the same sources shares it), or the installed GOROOT
	// that serves as the full build. Base is, for a fast build, the
	// full build whose tools it uses: its commit or installed GOROOT.
	Built string `json:"built,omitempty"`
	Base  string `json:"base,omitempty"`
	// Installed is true when an installed Go serves as the full build.
	Installed bool `json:"installed,omitempty"`
	// Why says why a build is full though a fast one was allowed: the
	// first file of the contract that differs from every full build.
	Why string `json:"why,omitempty"`
	// Seconds is how long making it took.
	Seconds float64 `json:"seconds,omitempty"`
	// Reused is true when it was taken from the cache: nothing was built
	// now.
	Reused bool `json:"-"`
}

// Builder builds and caches toolchains under CacheDir/gosource.
type Builder struct {
	// CacheDir is gorepro's cache directory.
	CacheDir string
	// Bootstrap is GOROOT_BOOTSTRAP for make.bash; the GOROOT of the go
	// on PATH when empty.
	Bootstrap string
	// Installed are GOROOTs that count as full builds of the commits
	// whose sources they equal, and serve as bases of fast builds; the
	// bootstrap GOROOT when nil.
	Installed []string
	// Log, when set, receives make.bash's output as it runs; Progress one
	// line when a build starts (a make.bash takes minutes).
	Log, Progress io.Writer

	mu        sync.Mutex
	bootstrap string
	listings  map[string]Listing
}

// Ensure returns the toolchain of rev, building it unless the cache holds
// it. fast allows a fast build (see the package documentation); a full
// build of the same sources is used whenever there is one.
func (b *Builder) Ensure(ctx context.Context, repo *Repo, rev string, fast bool) (*Build, error) {
	commit, err := repo.Resolve(ctx, rev)
	if err != nil {
		return nil, err
	}
	listing, err := repo.Listing(ctx, commit)
	if err != nil {
		return nil, err
	}
	key := listing.Key()
	if bd, ok := loadBuild(b.fullDir(key)); ok {
		return bd.reused(commit), nil
	}
	installed, err := b.installedListings(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range installed {
		if l.Key() == key { // recorded as the full build of these sources
			return b.buildFull(ctx, repo, commit, listing)
		}
	}
	why := ""
	if fast {
		if bd, ok := loadBuild(b.fastDir(commit)); ok {
			return bd.reused(commit), nil
		}
		base, blocker, err := b.pickBase(ctx, listing)
		if err != nil {
			return nil, err
		}
		if base != nil {
			return b.buildFast(ctx, repo, commit, base)
		}
		why = blocker
	}
	bd, err := b.buildFull(ctx, repo, commit, listing)
	if err == nil && bd.Why == "" {
		bd.Why = why
	}
	return bd, err
}

func (b *Builder) root() string              { return filepath.Join(b.CacheDir, "gosource") }
func (b *Builder) fullDir(key string) string { return filepath.Join(b.root(), "full", key) }
func (b *Builder) fastDir(commit string) string {
	return filepath.Join(b.root(), "fast", commit)
}

// reused is a copy of the cached build bd as the build of commit.
func (bd *Build) reused(commit string) *Build {
	c := *bd
	c.Commit, c.Reused, c.Seconds = commit, true, bd.Seconds
	return &c
}

// loadBuild reads the build.json of a cache directory: ok only for a
// finished build.
func loadBuild(dir string) (*Build, bool) {
	data, err := os.ReadFile(filepath.Join(dir, "build.json"))
	if err != nil {
		return nil, false
	}
	var bd Build
	if json.Unmarshal(data, &bd) != nil || bd.GOROOT == "" {
		return nil, false
	}
	if _, err := os.Stat(filepath.Join(bd.GOROOT, "bin", "go")); err != nil {
		return nil, false
	}
	return &bd, true
}

// saveBuild writes build.json last, atomically: the directory counts from
// then on.
func saveBuild(dir string, bd *Build) error {
	data, err := json.MarshalIndent(bd, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, "build.json.tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, "build.json"))
}

// bootstrapGOROOT is Bootstrap, or the GOROOT of the go on PATH.
func (b *Builder) bootstrapGOROOT(ctx context.Context) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bootstrap != "" {
		return b.bootstrap, nil
	}
	if b.Bootstrap != "" {
		b.bootstrap = b.Bootstrap
		return b.bootstrap, nil
	}
	res, err := proc.Run(ctx, proc.Cmd{Argv: []string{"go", "env", "GOROOT"}, Env: proc.Environ(nil, "GOTOOLCHAIN=local", "GOROOT=", "GOFLAGS="), Timeout: time.Minute})
	if err != nil || res.ExitCode != 0 {
		return "", fmt.Errorf("finding a Go to bootstrap with (go env GOROOT failed; set \"bootstrap\" or --bootstrap): %v %s", err, proc.FirstLines(res.Output, 2))
	}
	b.bootstrap = strings.TrimSpace(string(res.Output))
	return b.bootstrap, nil
}

// installedListings are the listings of the installed GOROOTs, read once.
func (b *Builder) installedListings(ctx context.Context) (map[string]Listing, error) {
	dirs := b.Installed
	if dirs == nil {
		bs, err := b.bootstrapGOROOT(ctx)
		if err != nil {
			return nil, err
		}
		dirs = []string{bs}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.listings != nil {
		return b.listings, nil
	}
	b.listings = map[string]Listing{}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "bin", "go")); err != nil {
			continue
		}
		l, err := DirListing(d)
		if err != nil {
			return nil, err
		}
		b.listings[d] = l
	}
	return b.listings, nil
}

// buildFull makes the full build of commit (or finds that an installed
// Go is one), under the lock of its key.
func (b *Builder) buildFull(ctx context.Context, repo *Repo, commit string, listing Listing) (*Build, error) {
	key := listing.Key()
	dir := b.fullDir(key)
	unlock, err := filelock.Lock(ctx, dir+".lock")
	if err != nil {
		return nil, err
	}
	defer unlock()
	if bd, ok := loadBuild(dir); ok { // another gorepro built it while we waited
		return bd.reused(commit), nil
	}
	if out, err := os.ReadFile(filepath.Join(dir, "failed")); err == nil {
		return nil, &MakeError{Dir: filepath.Join(dir, "go"), Log: filepath.Join(dir, "make.log"), Tail: lastLines(out, 5), Output: out}
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("removing an unfinished build: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := saveListing(dir, listing); err != nil {
		return nil, err
	}
	installed, err := b.installedListings(ctx)
	if err != nil {
		return nil, err
	}
	for goroot, l := range installed {
		if l.Key() == key {
			bd := &Build{Commit: commit, GOROOT: goroot, Mode: ModeFull, Built: goroot, Installed: true}
			if err := saveBuild(dir, bd); err != nil {
				return nil, err
			}
			return bd.reused(commit), nil // nothing was built
		}
	}
	start := time.Now()
	goroot := filepath.Join(dir, "go")
	b.say("gorepro: building the Go toolchain of %s with make.bash (minutes; log: %s)\n", gitrepo.Short(commit), filepath.Join(dir, "make.log"))
	if err := b.export(ctx, repo, commit, goroot, ""); err != nil {
		return nil, err
	}
	if err := b.makeBash(ctx, goroot, filepath.Join(dir, "make.log")); err != nil {
		var mk *MakeError
		if errors.As(err, &mk) {
			// The same sources fail the same way: remembered, not redone.
			_ = os.WriteFile(filepath.Join(dir, "failed"), mk.Output, 0o644)
			mk.Built = true
		}
		return nil, err
	}
	bd := &Build{Commit: commit, GOROOT: goroot, Mode: ModeFull, Built: commit, Seconds: time.Since(start).Seconds()}
	return bd, saveBuild(dir, bd)
}

// export unpacks commit into goroot and gives it a VERSION file when it
// has none: version when set, else the one cmd/dist would derive.
func (b *Builder) export(ctx context.Context, repo *Repo, commit, goroot, version string) error {
	if err := repo.Export(ctx, commit, goroot); err != nil {
		return err
	}
	vfile := filepath.Join(goroot, "VERSION")
	if _, err := os.Stat(vfile); err == nil {
		return nil
	}
	if version == "" {
		v, err := repo.devVersion(ctx, commit, goroot)
		if err != nil {
			return err
		}
		version = v + "\n"
	}
	return os.WriteFile(vfile, []byte(version), 0o644)
}

// makeBash runs src/make.bash in goroot, its output in logPath.
func (b *Builder) makeBash(ctx context.Context, goroot, logPath string) error {
	bs, err := b.bootstrapGOROOT(ctx)
	if err != nil {
		return err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	var tee io.Writer = logFile
	if b.Log != nil {
		tee = io.MultiWriter(logFile, b.Log)
	}
	res, err := proc.Run(ctx, proc.Cmd{
		Argv: []string{"bash", "make.bash"},
		Dir:  filepath.Join(goroot, "src"),
		Env: proc.Environ(nil, "GOROOT_BOOTSTRAP="+bs, "GOTOOLCHAIN=local", "GOROOT=", "GOFLAGS=",
			"GOOS=", "GOARCH=", "GOEXPERIMENT=", "GOENV=off"),
		Timeout: makeTimeout,
		Tee:     tee,
		Track:   true,
	})
	switch {
	case err != nil:
		return fmt.Errorf("make.bash in %s: %w", goroot, err)
	case res.Canceled:
		return fmt.Errorf("make.bash in %s: %w", goroot, context.Canceled)
	case res.TimedOut:
		return fmt.Errorf("make.bash in %s timed out after %s (log: %s)", goroot, makeTimeout, logPath)
	case res.ExitCode != 0:
		return &MakeError{Dir: goroot, Log: logPath, Tail: lastLines(res.Output, 5), Output: res.Output}
	}
	return nil
}

// MakeError is a make.bash that failed: the commit's toolchain does not
// build. Output is what make.bash printed (its head and tail): a
// toolchain whose own runtime crashes while it builds itself shows the
// crash there.
type MakeError struct {
	Dir, Log, Tail string
	Output         []byte
	// Built is true when make.bash ran now, false when the failure was
	// remembered in the cache (remove the build's directory to retry).
	Built bool
}

func (e *MakeError) Error() string {
	return fmt.Sprintf("make.bash failed in %s (log: %s): %s", e.Dir, e.Log, e.Tail)
}

// lastLines joins the last n non-empty lines of out.
func lastLines(out []byte, n int) string {
	var lines []string
	for l := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	return strings.Join(lines[max(0, len(lines)-n):], "; ")
}

// saveListing stores a full build's listing, for later fast builds to
// compare with.
func saveListing(dir string, l Listing) error {
	data, err := json.Marshal(l)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "listing.json"), data, 0o644)
}

// base is a full build a fast build can use the tools of.
type base struct {
	goroot, name string
	changed      int
}

// pickBase finds the full build (cached or installed) whose sources differ
// from listing in the fewest files, none of them in the contract. With none,
// blocker says why.
func (b *Builder) pickBase(ctx context.Context, listing Listing) (*base, string, error) {
	var best *base
	blocker := "no toolchain has been built yet"
	consider := func(goroot, name string, l Listing) {
		changed := l.Diff(listing)
		if bl := FastBlocker(changed); bl != "" {
			blocker = bl + " differs from " + name
			return
		}
		if best == nil || len(changed) < best.changed {
			best = &base{goroot: goroot, name: name, changed: len(changed)}
		}
	}
	installed, err := b.installedListings(ctx)
	if err != nil {
		return nil, "", err
	}
	for goroot, l := range installed {
		consider(goroot, goroot, l)
	}
	entries, _ := os.ReadDir(filepath.Join(b.root(), "full"))
	for _, e := range entries {
		dir := filepath.Join(b.root(), "full", e.Name())
		bd, ok := loadBuild(dir)
		if !ok || bd.Installed {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, "listing.json"))
		var l Listing
		if err != nil || json.Unmarshal(data, &l) != nil {
			continue
		}
		consider(bd.GOROOT, gitrepo.Short(bd.Built), l)
	}
	return best, blocker, nil
}

// buildFast makes the fast build of commit on base's tools, under the
// lock of the commit.
func (b *Builder) buildFast(ctx context.Context, repo *Repo, commit string, bs *base) (*Build, error) {
	dir := b.fastDir(commit)
	unlock, err := filelock.Lock(ctx, dir+".lock")
	if err != nil {
		return nil, err
	}
	defer unlock()
	if bd, ok := loadBuild(dir); ok {
		return bd.reused(commit), nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("removing an unfinished build: %w", err)
	}
	start := time.Now()
	goroot := filepath.Join(dir, "go")
	b.say("gorepro: fast build of the Go toolchain of %s on the tools of %s\n", gitrepo.Short(commit), bs.name)
	version, err := os.ReadFile(filepath.Join(bs.goroot, "VERSION"))
	if err != nil {
		return nil, fmt.Errorf("base toolchain %s: %w", bs.name, err)
	}
	if err := b.export(ctx, repo, commit, goroot, string(version)); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(goroot, "pkg"), 0o755); err != nil {
		return nil, err
	}
	for _, sub := range []string{"bin", filepath.Join("pkg", "tool"), filepath.Join("pkg", "include")} {
		if err := modtree.Copy(filepath.Join(bs.goroot, sub), filepath.Join(goroot, sub), modtree.CopyOptions{Link: true, KeepHidden: true}); err != nil {
			return nil, fmt.Errorf("linking the tools of %s: %w", bs.name, err)
		}
	}
	bd := &Build{Commit: commit, GOROOT: goroot, Mode: ModeFast, Base: bs.name, Seconds: time.Since(start).Seconds()}
	return bd, saveBuild(dir, bd)
}

// say writes a progress line to Progress, if set.
func (b *Builder) say(format string, args ...any) {
	if b.Progress != nil {
		fmt.Fprintf(b.Progress, format, args...)
	}
}

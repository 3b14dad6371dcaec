package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/bisection"
	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/proberun"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
	"github.com/gorepro/gorepro/internal/runlife"
	"github.com/gorepro/gorepro/internal/verdict"
)

// BisectOptions are the parsed flags of `gorepro bisect`.
type BisectOptions struct {
	ConfigPath string
	Axis       string
	From, To   string
	Versions   []string
	Prerelease bool
	// FirstParent keeps --axis commit and go-commit to the first-parent
	// chain.
	FirstParent bool
	// GoSourceFlags are --axis go-commit's Go repository,
	// GOROOT_BOOTSTRAP and "full builds only".
	GoSourceFlags
	// Images are --axis image's repositories (--image); Insecure the
	// registries reached over plain HTTP (--insecure, as images has it).
	Images, Insecure []string
	// The held axes: one value each (default: the config's first).
	Toolchain, Target, Protobuf, Cover, Arch string
	Runs                                     int
	Timeout                                  time.Duration
	BadIf, BadThreshold                      string
	Confirm                                  int
	Out, CacheDir                            string
	NoCache, JSON, Quiet                     bool
	Engine, Pull                             string
}

// bisectLong is the help text of `gorepro bisect`.
const bisectLong = `Bisect one ordered axis of a cell to the adjacent pair of candidates where the
verdict flips: a regression (first bad) or a fix (first good). The other axes
(toolchain, target, protobuf, cover, arch) are held at one value each: the
flags', else the config's first; the bisected axis itself cannot be held.
Candidates come from --versions, else from the module proxy (go list -m
-versions) between --from and --to. On --axis toolchain they are the
configured toolchains in config order, and --versions, --from and --to take
toolchain names. On --axis commit they are the commits of the git history of
the target's module (a package target) from --from to --to (any commit-ish;
--to defaults to HEAD), oldest first; --first-parent keeps to the merges of the
main line. Each probe builds its commit in a git worktree under gorepro's work
directory: the user's tree and index are never touched, and the worktrees are
removed at the end, also after a Ctrl-C. Commits with the same tree share a
checkout and a cached cell. A target's "prepare" commands (go generate, ...)
run in a scratch copy of each checkout. The answer names the commit with its
subject and author.

On --axis go-commit the candidates are the commits of a Go repository
(--go-repo: a local clone, only read, or a URL mirrored into gorepro's cache)
from --from to --to (tags such as go1.25.3, or commits), and each probe builds
that commit's Go toolchain (make.bash, with GOROOT_BOOTSTRAP the GOROOT of the
go on PATH or --bootstrap) into gorepro's cache and builds and runs the cell
with it. A commit whose sources differ from a toolchain already built only in
library files outside the compiler/runtime contract (see internal/gosource) is
a fast build: that toolchain's tools with the commit's sources. The boundary is
always re-confirmed with full builds; if one disagrees with a fast build, the
search is redone with full builds only and the answer says so. --full builds
every probe fully. A commit whose toolchain does not build is skipped, unless
its own toolchain crashed building itself (make.bash runs the commit's
runtime): that crash is judged like a run's. The
answer names the commit (hash, subject, author, date, Reviewed-on link) and
counts the toolchains built, full and fast; each probe says how its
toolchain was made. Each probe's binary runs where the host toolchain
named by --toolchain runs its binaries (its runtime image, platform and
engine; on this host without a runtime image), by default where the
config's first toolchain does when it is a host toolchain with a
runtimeImage: on a Mac, linux binaries in the Podman machine.

On --axis image the candidates are the images of a registry repository
(--image REPOSITORY, read as gorepro images reads it: Go version from the image
config, one candidate per digest, named by its most specific tag) from --from
to --to (tags of it; default the first and the last), ordered as builds: by Go
version, then created time, then release number (the <version>-<release> of
go-toolset's tags). Images whose config names no Go version are left out. Each
probe's toolchain is its image pinned by digest (repo:tag@sha256:…), pulled
only when it is probed (under --pull missing, the default), so a search pulls
at most ceil(log2 n)+2 images; --toolchain may name a kind image toolchain
whose runtime image, platform and engine the probes keep; --insecure REGISTRY
reaches that registry over plain HTTP, as gorepro images does (listing, and
Podman's pulls with --tls-verify=false). The answer names the
first bad and last good image (tag, digest, Go version, created time), what
differs between their Go installations ("same Go version, different build:
src/runtime/tagptr_64bit.go differs", with diffs of small sources) and how
many images were pulled. --image given twice (the vendor's repository, then
upstream's, such as docker.io/library/golang) bisects the first; then the
second's newest image of each Go version at the boundary runs as a separating
cell, and the answer says whether the vendor's build or the Go version matters
(its image of the bad side's Go version is good: the vendor's build; bad,
with its good side's good: the Go version).

build-error and unavailable probes are skipped (like exit 125 of git bisect run).
The endpoints are probed first and must differ; the boundary's two sides are
re-confirmed (--confirm) before the answer is given, and a target whose probes
disagree is reported as flaky. Probes re-use the matrix's result cache, so no
cell is built twice; each probe says whether its cell was built, taken from
the cache, or not run at all (its toolchain could not be used). The run is
stored like a matrix run, with a bisect section in results.json and
results.md, and ends with which axes of the probed cells matter (as
gorepro matrix says it).

Exit status: 0 boundary found, 1 flaky or undecided, 2 usage or configuration
error (including endpoints that do not differ), 3 infrastructure error (module
proxy unreachable, results that cannot be stored); probes done so far are
kept.

Progress goes to stderr: each probe's cell line and verdict line. On a terminal
the cell being probed is also shown on a status line redrawn in place, and
outcomes are coloured unless NO_COLOR is set (TERM=dumb: neither). --quiet
prints only warnings and errors on stderr.`

// NewCmdBisect builds `gorepro bisect`.
func NewCmdBisect(deps Deps, runF func(*cobra.Command, *BisectOptions) error) *cobra.Command {
	opts := &BisectOptions{}
	cmd := &cobra.Command{
		Use:   "bisect --axis protobuf|module:PATH|go|toolchain|commit|go-commit|image",
		Short: "Find the version where a cell's outcome flips (first bad or first good)",
		Long:  bisectLong,
		Example: `  gorepro bisect --axis protobuf --from v1.20.0 --to v1.36.10 --target controller --bad-if timeout
  gorepro bisect --axis go --versions go1.25.0,go1.25.3,go1.25.5 --target repro --bad-if 'signature~taggedPointerPack'
  gorepro bisect --axis module:golang.org/x/net --from v0.30.0 --to v0.40.0 --target controller
  gorepro bisect --axis toolchain --target repro --from ubi9-go-toolset-1.24 --to golang-1.25-bookworm
  gorepro bisect --axis commit --target controller --from v1.4.0 --to main --first-parent
  gorepro bisect --axis go-commit --go-repo https://go.googlesource.com/go --from go1.25.3 --to go1.25.5 --target repro --arch amd64
  gorepro bisect --axis image --image registry.access.redhat.com/ubi9/go-toolset --from 1.24 --to 1.25 --target repro --arch amd64
  gorepro bisect --axis image --image registry.access.redhat.com/ubi9/go-toolset --image docker.io/library/golang --target repro --arch amd64`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd, opts)
			}
			return runBisect(cmd, deps, opts)
		},
	}
	addBisectFlags(cmd, opts)
	return cmd
}

// addBisectFlags defines the flags of `gorepro bisect` into opts.
func addBisectFlags(cmd *cobra.Command, opts *BisectOptions) {
	f := cmd.Flags()
	f.StringVarP(&opts.ConfigPath, "config", "c", "toolchains.json", "the matrix definition")
	f.StringVar(&opts.Axis, "axis", "", "the axis to bisect: protobuf, module:PATH, go, toolchain, commit, go-commit or image")
	f.StringVar(&opts.From, "from", "", "first candidate of the range")
	f.StringVar(&opts.To, "to", "", "last candidate of the range")
	f.StringSliceVar(&opts.Versions, "versions", nil, "the candidates, in order (instead of listing them from the module proxy)")
	f.BoolVar(&opts.Prerelease, "prerelease", false, "include pre-release versions")
	f.BoolVar(&opts.FirstParent, "first-parent", false, "--axis commit and go-commit: only the first-parent chain (merge commits of the main line)")
	opts.GoSourceFlags.add(f, "--axis go-commit")
	f.StringArrayVar(&opts.Images, "image", nil, "--axis image: the registry repository whose images to bisect, e.g. registry.access.redhat.com/ubi9/go-toolset; a second --image (upstream's) is compared with it")
	addInsecureFlag(f, &opts.Insecure)
	f.StringVar(&opts.Toolchain, "toolchain", "", "held toolchain (a configured name); on --axis image, a kind image toolchain the probes copy; on --axis go-commit, a host toolchain whose runtimeImage, platform and engine the probes use")
	f.StringVar(&opts.Target, "target", "", "held target (a configured name)")
	f.StringVar(&opts.Protobuf, "protobuf", "", "held protobuf version")
	f.StringVar(&opts.Cover, "cover", "", "held cover flag: off or on")
	f.StringVar(&opts.Arch, "arch", "", "held GOARCH (native = the host's)")
	f.IntVar(&opts.Runs, "runs", 0, "runs per probe (default: the config's runs)")
	f.DurationVar(&opts.Timeout, "timeout", 0, "timeout of one run (default: the config's)")
	f.StringVar(&opts.BadIf, "bad-if", "crash", "what is bad: crash, timeout, fail, nonpass, signature~REGEX, comma-separated")
	f.StringVar(&opts.BadThreshold, "bad-threshold", "", "k/N: a probe is bad when at least k of its N runs are (default: any run)")
	f.IntVar(&opts.Confirm, "confirm", 1, "re-confirmation probes of each side of the boundary (0 = none)")
	f.StringVarP(&opts.Out, "out", "o", "results", "results directory")
	f.StringVar(&opts.CacheDir, "cache-dir", "", "work and result cache directory (default $GOREPRO_CACHE or the user cache dir + /gorepro)")
	f.BoolVar(&opts.NoCache, "no-cache", false, "build every probe even if an identical cell is cached")
	f.BoolVar(&opts.JSON, "json", false, "print the bisection as JSON on stdout")
	f.StringVar(&opts.Engine, "engine", "", "container engine for image toolchains: podman or docker")
	f.StringVar(&opts.Pull, "pull", "", "image pull policy: never, missing or always")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress on stderr, only warnings and errors")
}

// GoSourceFlags are the flags of the commands that build Go's commits
// (bisect --axis go-commit, explain): the Go repository, GOROOT_BOOTSTRAP
// and "full builds only".
type GoSourceFlags struct {
	GoRepo, Bootstrap string
	Full              bool
}

// add defines the flags into f, each help line starting with when they
// apply.
func (g *GoSourceFlags) add(f *pflag.FlagSet, when string) {
	f.StringVar(&g.GoRepo, "go-repo", "", when+": the Go repository, a local clone (only read) or a URL")
	f.StringVar(&g.Bootstrap, "bootstrap", "", when+": GOROOT_BOOTSTRAP for make.bash (default: the GOROOT of the go on PATH)")
	f.BoolVar(&g.Full, "full", false, when+": build every probe's toolchain with make.bash (no fast builds)")
}

func runBisect(cmd *cobra.Command, deps Deps, opts *BisectOptions) error {
	ctx := cmd.Context()
	root, release, err := useCache(cmd.Context(), opts.CacheDir, deps)
	if err != nil {
		return err
	}
	defer release()
	bopts := bisectionOptions(opts)
	bopts.CacheDir = cellCacheDir(root)
	plan, err := bisection.NewPlan(ctx, bopts, bisection.Proxy{})
	if err != nil {
		return usageOf(err)
	}
	rec, run, err := proberun.Begin(runlife.Results{Root: opts.Out}, deps.Version, plan.Config.Path)
	if err != nil {
		return err
	}
	defer rec.Abort()
	rep := newReporter(deps, opts.Quiet, 1)
	defer rep.Close()
	runner := newMatrixRunner(deps, plan.Config, root, rep)
	runner.Engines.Insecure = opts.Insecure
	runner.Reporter = rep
	b := &bisection.Bisection{Plan: plan, NoCache: opts.NoCache, Prober: &proberun.Prober{Runner: runner, Rec: rec, Run: run}, Files: compare.FileDifference}
	if plan.Axis.Kind == bisection.AxisGo {
		b.LocalVersion = bisection.LocalGoVersion()
	}
	if plan.Repo != nil {
		checkouts := &bisection.Checkouts{WorkDir: runner.WorkDir}
		b.Worktrees = checkouts.Of(plan.Repo)
		defer warnAll(deps, func() []error { return checkouts.Close(ctx) })
	}
	searchOpts := bisect.Options{Progress: rep, Confirm: confirmCount(opts.Confirm)}
	if opts.Quiet {
		searchOpts.Progress = nil
	}
	res, searchErr := b.Search(ctx, searchOpts)
	_ = rep.Close() // erase the status line before anything goes to stdout
	finishBisect(ctx, run, b, res)
	dir, err := rec.Commit(run)
	if err != nil {
		return err
	}
	if !opts.Quiet {
		fmt.Fprintf(deps.Stderr, "gorepro: results in %s\n", dir)
	}
	if opts.JSON && run.Bisect != nil {
		err = writeJSON(deps.Stdout, run.Bisect)
	} else {
		err = report.WriteBisectText(deps.Stdout, run)
	}
	if err != nil {
		return err
	}
	return verdict.Bisection(ctx, res, searchErr, len(plan.Candidates))
}

// bisectionOptions are the engine's options of the flags.
func bisectionOptions(opts *BisectOptions) bisection.Options {
	return bisection.Options{
		Config: opts.ConfigPath, Axis: opts.Axis, From: opts.From, To: opts.To, Versions: opts.Versions,
		Prerelease: opts.Prerelease, FirstParent: opts.FirstParent, BadIf: opts.BadIf, BadThreshold: opts.BadThreshold,
		GoRepo: opts.GoRepo, Bootstrap: opts.Bootstrap, Full: opts.Full, Images: opts.Images, Insecure: opts.Insecure,
		Held: bisection.Held{Toolchain: opts.Toolchain, Target: opts.Target, Protobuf: opts.Protobuf, Cover: opts.Cover, Arch: opts.Arch},
		Runs: opts.Runs, Timeout: opts.Timeout, Engine: opts.Engine, Pull: opts.Pull,
	}
}

// warnAll prints, as warnings, the errors that f returns (worktrees that
// could not be removed).
func warnAll(deps Deps, f func() []error) {
	for _, err := range f() {
		fmt.Fprintf(deps.Stderr, "gorepro: WARNING: %v\n", err)
	}
}

// finishBisect completes the run of a bisection: its end, the bisect
// record and the analysis of the probed cells.
func finishBisect(ctx context.Context, run *record.Run, b *bisection.Bisection, res *bisect.Result) {
	proberun.Finish(ctx, run)
	run.Bisect = b.Record(res)
	b.DescribeImages(run.Bisect, run.Toolchains)
	run.Analysis = compare.Analyze(bisection.LatestCells(run.Cells), run.Toolchains)
}

// confirmCount maps --confirm to bisect.Options.Confirm (where 0 means the
// default and a negative number none).
func confirmCount(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

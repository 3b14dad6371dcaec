package cli

import (
	"cmp"
	"fmt"
	"go/version"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/bisection"
	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/explain"
	"github.com/gorepro/gorepro/internal/proberun"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
	"github.com/gorepro/gorepro/internal/runlife"
	"github.com/gorepro/gorepro/internal/runstore"
	"github.com/gorepro/gorepro/internal/toolchain"
	"github.com/gorepro/gorepro/internal/verdict"
)

// ExplainOptions are the parsed arguments and flags of `gorepro explain`.
type ExplainOptions struct {
	// Base and New are the runs to compare (a results.json file, a run
	// directory or a results root).
	Base, New  string
	ConfigPath string
	Format     string
	// GoVersions restricts the Go releases tried when a Go version
	// changed (default: every release between the two that the go
	// command can fetch).
	GoVersions    []string
	Out, CacheDir string
	Runs          int
	Timeout       time.Duration
	Engine, Pull  string
	Quiet         bool
	// AnyToolchain builds probes with the config's toolchain even when its
	// build is not the one NEW's cell recorded.
	AnyToolchain bool
	// GoSourceFlags are the Go repository in which a change of Go
	// release (or of a gosource toolchain's commit) is followed into Go's
	// commits, and how their toolchains are built; FirstParent keeps to
	// the first-parent chain of those commits.
	GoSourceFlags
	FirstParent bool
}

// explainLong is the help text of `gorepro explain`.
const explainLong = `Explain every cell whose verdict changed between two stored runs (new-crash,
fixed, new-timeout, new-fail, signature-changed, outcome-changed), for example
last night's and tonight's. For each, it compares what the two cells were built
from, as the runs recorded it (the target's source commit, the binary's build
list, the toolchain's Go version and build, gorepro's config and version), and
bisects the right axis by building probe cells:

  - source commit changed: the commits between the two (as gorepro bisect
    --axis commit); a culprit commit that only changes go.mod and go.sum is
    followed into the modules it changed;
  - build list changed: one module: its versions between the two; several:
    first the smallest set of module updates that turns the cell bad (delta
    debugging, each subset applied as an alternate go.mod on BASE's source;
    subsets that do not build are stepped around), then the versions of the
    one module found;
  - Go version changed: the Go releases between the two (--go-versions to
    choose them); a release no toolchain provides is skipped and named;
  - same Go version, different toolchain build (another GOROOT build, another
    image, a Go tree edited in place): reported with the two toolchains side
    by side and the GOROOT files they differ in, after NEW's cell is built
    again to confirm it;
  - Go commits: with --go-repo (a clone of Go, only read, or its URL such as
    https://go.googlesource.com/go), a change explained by a Go release is
    followed into the Go commits between the release before it and it (the
    repository's tags of those names), as gorepro bisect --axis go-commit
    searches them (each probe built with its commit's toolchain: fast builds
    where they may serve, the boundary confirmed with full builds; --full,
    --bootstrap and --first-parent as there); a change between two toolchains
    built from commits of one Go repository (kind gosource) is followed into
    the commits between them, in --go-repo or the repository they name. The
    answer is the commit (cause go-commit: hash, subject, author, date,
    Reviewed-on link, first bad or first good), with the probes and the Go
    toolchains built (full, fast); when the search cannot name one (a tag
    missing, the commits' own toolchains not showing the change's verdicts),
    the release or build stays the cause and a step says why;
  - several kinds at once: first a cross-check cell (NEW's source with BASE's
    Go version, or BASE's source with NEW's toolchain) says which kind
    matters, then that kind is bisected;
  - only gorepro's config or version changed: reported as such, nothing is
    bisected;
  - only the build environment changed (go env values of the toolchain, such
    as GOAMD64 from go env -w; variables builds and runs inherit, such as
    GODEBUG, recorded in each run's host.environment): named, not claimed as
    the cause, nothing is built.

Cells that share a cause are reported together. Changed cells that ran on
another architecture than this host's are skipped (run explain on a runner of
that architecture). Before building a changed cell's probes, its toolchain is
resolved here and its build checked against the one NEW's cell recorded: with
another build (another go first on PATH, a moved GOROOT, a re-tagged image) the
cell is left unexplained with both builds named, unless --any-toolchain. The target's git history must be there (in CI: fetch-depth:
0); the config (--config, default: the one NEW recorded) gives the target's
directory and the toolchains. The probes are stored as a run in --out, with
the explanation in results.json, results.md and explain.md.

Output goes to stdout in --format: text, markdown (a section fit for a bug
report), json or junit.

Exit status: 0 every change explained, 1 some could not be, 2 bad input (runs
or config that cannot be read), 3 infrastructure (results that cannot be
stored, the module proxy), 130 interrupted.`

// NewCmdExplain builds `gorepro explain BASE NEW`.
func NewCmdExplain(deps Deps, runF func(*cobra.Command, *ExplainOptions) error) *cobra.Command {
	opts := &ExplainOptions{}
	cmd := &cobra.Command{
		Use:   "explain BASE NEW",
		Short: "Find what changed a cell between two stored runs, and which change did it",
		Long:  explainLong,
		Example: `  gorepro explain nightly/baseline.json results
  gorepro explain last-night tonight --format markdown >> "$GITHUB_STEP_SUMMARY"
  gorepro explain last-night tonight --go-repo https://go.googlesource.com/go`,
		Args: usageArgs(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Base, opts.New = args[0], args[1]
			if runF != nil {
				return runF(cmd, opts)
			}
			return runExplain(cmd, deps, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.ConfigPath, "config", "c", "", "the matrix definition (default: the config NEW was run with)")
	f.StringVar(&opts.Format, "format", "text", "output format: "+strings.Join(report.ExplainFormats(), ", "))
	f.StringSliceVar(&opts.GoVersions, "go-versions", nil, "Go releases to try when a Go version changed (default: all between the two)")
	f.StringVarP(&opts.Out, "out", "o", "results", "results directory for the probes")
	f.StringVar(&opts.CacheDir, "cache-dir", "", "work and result cache directory (default $GOREPRO_CACHE or the user cache dir + /gorepro)")
	f.IntVar(&opts.Runs, "runs", 0, "runs per probe (default: the config's runs)")
	f.DurationVar(&opts.Timeout, "timeout", 0, "timeout of one run (default: the config's)")
	f.StringVar(&opts.Engine, "engine", "", "container engine for image toolchains: podman or docker")
	f.StringVar(&opts.Pull, "pull", "", "image pull policy: never, missing or always")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress on stderr, only warnings and errors")
	f.BoolVar(&opts.AnyToolchain, "any-toolchain", false, "build probes with the config's toolchains even when their build is not the one NEW recorded")
	opts.GoSourceFlags.add(f, "Go commits")
	f.BoolVar(&opts.FirstParent, "first-parent", false, "Go commits: only the first-parent chain (merge commits of the main line)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.ExplainFormats(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runExplain(cmd *cobra.Command, deps Deps, opts *ExplainOptions) error {
	ctx := cmd.Context()
	base, next, x, err := loadExplainRuns(opts)
	if err != nil {
		return err
	}
	cfg, err := config.Load(cmp.Or(opts.ConfigPath, next.Config, "toolchains.json"))
	if err != nil {
		return err
	}
	if err := cfg.Apply(config.Overrides{Runs: opts.Runs, Timeout: opts.Timeout, Engine: opts.Engine, Pull: opts.Pull}); err != nil {
		return err
	}
	root, release, err := useCache(cmd.Context(), opts.CacheDir, deps)
	if err != nil {
		return err
	}
	defer release()
	rec, run, err := proberun.Begin(runlife.Results{Root: opts.Out}, deps.Version, cfg.Path)
	if err != nil {
		return err
	}
	defer rec.Abort()
	rep := newReporter(deps, opts.Quiet, 1)
	defer rep.Close()
	runner := newMatrixRunner(deps, cfg, root, rep)
	runner.Reporter = rep
	checkouts := &bisection.Checkouts{WorkDir: runner.WorkDir}
	ex := &explain.Explainer{
		Config: cfg, Base: base, Next: next, Changes: compare.ExplainChanges(base, next), GoVersions: opts.GoVersions,
		Prober: &proberun.Prober{Runner: runner, Rec: rec, Run: run}, Versions: bisection.Proxy{}, Checkouts: checkouts, Files: compare.ExplainFiles,
		Search:   bisect.Options{Confirm: 1},
		HostArch: toolchain.HostArch(), LocalVersion: bisection.LocalGoVersion(),
		Builds:       proberun.ToolchainBuilds(runner),
		AnyToolchain: opts.AnyToolchain,
		GoRepo:       opts.GoRepo,
		GoCommits: bisection.Options{
			Bootstrap: opts.Bootstrap, Full: opts.Full, FirstParent: opts.FirstParent, CacheDir: cellCacheDir(root),
		},
	}
	if !opts.Quiet {
		ex.Search.Progress = rep
	}
	ex.Explain(ctx, x)
	warnAll(deps, func() []error { return checkouts.Close(ctx) })
	_ = rep.Close()
	proberun.Finish(ctx, run)
	// A probe built again (a confirmation, a cross-check two explanations
	// share) is one cell of the stored run, its latest build; each
	// explanation's evidence keeps the outcome it saw.
	run.Cells = bisection.LatestCells(run.Cells)
	run.Explain = x
	if err := storeExplain(deps, rec, run, opts.Quiet); err != nil {
		return err
	}
	if err := report.WriteExplain(deps.Stdout, x, opts.Format); err != nil {
		return err
	}
	return verdict.Explanation(ctx, x)
}

// loadExplainRuns checks the flags and loads the runs BASE and NEW, and
// starts their explanation.
func loadExplainRuns(opts *ExplainOptions) (base, next *record.Run, x *record.Explain, err error) {
	if !slices.Contains(report.ExplainFormats(), opts.Format) {
		return nil, nil, nil, &UsageError{Err: fmt.Errorf("--format: unknown format %q (valid: %s)", opts.Format, strings.Join(report.ExplainFormats(), ", "))}
	}
	for _, v := range opts.GoVersions {
		if !version.IsValid(v) {
			return nil, nil, nil, &UsageError{Err: fmt.Errorf("--go-versions: %q is not a Go version such as go1.25.5", v)}
		}
	}
	base, baseDir, err := runstore.Load(opts.Base)
	if err != nil {
		return nil, nil, nil, &UsageError{Err: fmt.Errorf("BASE: %w", err)}
	}
	next, nextDir, err := runstore.Load(opts.New)
	if err != nil {
		return nil, nil, nil, &UsageError{Err: fmt.Errorf("NEW: %w", err)}
	}
	x = &record.Explain{Base: record.RunRef{ID: base.ID, Path: baseDir}, New: record.RunRef{ID: next.ID, Path: nextDir}}
	return base, next, x, nil
}

// storeExplain stores the run of an explanation, with explain.md.
func storeExplain(deps Deps, rec *runlife.Recording, run *record.Run, quiet bool) error {
	if err := rec.WriteExplanation(run.Explain); err != nil {
		return err
	}
	dir, err := rec.Commit(run)
	if err != nil {
		return err
	}
	if !quiet {
		fmt.Fprintf(deps.Stderr, "gorepro: results in %s\n", dir)
	}
	return nil
}

package cli

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"go/version"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/mod/semver"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/bisectrecord"
	"github.com/gorepro/gorepro/internal/cellbuild"
	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/matrix"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
	"github.com/gorepro/gorepro/internal/runstore"
	"github.com/gorepro/gorepro/repro"
)

// BisectOptions are the parsed flags of `gorepro bisect`.
type BisectOptions struct {
	ConfigPath string
	Axis       string
	From, To   string
	Versions   []string
	Prerelease bool
	// FirstParent keeps --axis commit to the first-parent chain.
	FirstParent bool
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

// NewCmdBisect builds `gorepro bisect`.
func NewCmdBisect(deps Deps, runF func(*cobra.Command, *BisectOptions) error) *cobra.Command {
	opts := &BisectOptions{}
	cmd := &cobra.Command{
		Use:   "bisect --axis protobuf|module:PATH|go|toolchain|commit",
		Short: "Find the version where a cell's outcome flips (first bad or first good)",
		Long: `Bisect one ordered axis of a cell to the adjacent pair of candidates where the
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
prints only warnings and errors on stderr.`,
		Example: `  gorepro bisect --axis protobuf --from v1.20.0 --to v1.36.10 --target controller --bad-if timeout
  gorepro bisect --axis go --versions go1.25.0,go1.25.3,go1.25.5 --target repro --bad-if 'signature~taggedPointerPack'
  gorepro bisect --axis module:golang.org/x/net --from v0.30.0 --to v0.40.0 --target controller
  gorepro bisect --axis toolchain --target repro --from ubi9-go-toolset-1.24 --to golang-1.25-bookworm
  gorepro bisect --axis commit --target controller --from v1.4.0 --to main --first-parent`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd, opts)
			}
			return runBisect(cmd, deps, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.ConfigPath, "config", "c", "toolchains.json", "the matrix definition")
	f.StringVar(&opts.Axis, "axis", "", "the axis to bisect: protobuf, module:PATH, go, toolchain or commit")
	f.StringVar(&opts.From, "from", "", "first candidate of the range")
	f.StringVar(&opts.To, "to", "", "last candidate of the range")
	f.StringSliceVar(&opts.Versions, "versions", nil, "the candidates, in order (instead of listing them from the module proxy)")
	f.BoolVar(&opts.Prerelease, "prerelease", false, "include pre-release versions")
	f.BoolVar(&opts.FirstParent, "first-parent", false, "--axis commit: only the first-parent chain (merge commits of the main line)")
	f.StringVar(&opts.Toolchain, "toolchain", "", "held toolchain (a configured name)")
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
	return cmd
}

// axis is a parsed --axis.
type axis struct {
	name   string // as given
	kind   string // protobuf, module, go, toolchain, commit
	module string // the module path of protobuf and module axes
}

func parseAxis(s string) (axis, error) {
	switch {
	case s == "protobuf":
		return axis{name: s, kind: "protobuf", module: repro.ProtobufModule}, nil
	case s == "go", s == "toolchain", s == "commit":
		return axis{name: s, kind: s}, nil
	case strings.HasPrefix(s, "module:"):
		path := strings.TrimPrefix(s, "module:")
		if path == "" || strings.ContainsAny(path, " @") {
			return axis{}, &UsageError{Err: fmt.Errorf("--axis: %q is not a module path (write module:golang.org/x/net)", s)}
		}
		if path == repro.ProtobufModule {
			return axis{name: "protobuf", kind: "protobuf", module: path}, nil
		}
		return axis{name: s, kind: "module", module: path}, nil
	case s == "":
		return axis{}, &UsageError{Err: errors.New("--axis is required (valid: protobuf, module:PATH, go, toolchain, commit)")}
	}
	return axis{}, &UsageError{Err: fmt.Errorf("--axis: unknown axis %q (valid: protobuf, module:PATH, go, toolchain, commit)", s)}
}

// RangeError reports a bisection range that cannot be searched (endpoints
// that do not differ, nothing judged): exit status 2, like other bad input.
type RangeError struct{ Err error }

func (e *RangeError) Error() string { return e.Err.Error() }
func (e *RangeError) Unwrap() error { return e.Err }

// UndecidedError reports a bisection that found no trustworthy boundary (a
// flaky target): exit status 1.
type UndecidedError struct{ Conclusion string }

func (e *UndecidedError) Error() string { return "bisect: " + e.Conclusion }

// InfraError is a failure of what gorepro depends on (the module proxy, the
// disk), not of the user's input: exit status 3.
type InfraError struct{ Err error }

func (e *InfraError) Error() string { return e.Err.Error() }
func (e *InfraError) Unwrap() error { return e.Err }

func runBisect(cmd *cobra.Command, deps Deps, opts *BisectOptions) error {
	ctx := cmd.Context()
	plan, err := planBisect(ctx, opts)
	if err != nil {
		return err
	}
	root, err := cacheRoot(opts.CacheDir, deps)
	if err != nil {
		return err
	}
	w, run, err := beginProbeRun(deps, opts.Out, plan.cfg.Path)
	if err != nil {
		return err
	}
	defer func() { _ = w.Abort() }()
	rep := newReporter(deps, opts.Quiet, 1)
	defer rep.Close()
	b := &bisection{plan: plan, noCache: opts.NoCache, runner: newMatrixRunner(deps, plan.cfg, root, rep), w: w, cells: map[string]record.Cell{}, run: run}
	b.runner.Reporter = rep
	if plan.ax.kind == "go" {
		b.localVersion = localGoVersion()
	}
	if plan.repo != nil {
		b.worktrees = &gitrepo.Worktrees{Repo: plan.repo, Dir: worktreesDir(b.runner.WorkDir, plan.repo)}
		defer func() {
			if err := b.worktrees.Close(ctx); err != nil {
				fmt.Fprintf(deps.Stderr, "gorepro: WARNING: %v\n", err)
			}
		}()
	}
	searchOpts := bisect.Options{Progress: rep, Confirm: confirmCount(opts.Confirm)}
	if opts.Quiet {
		searchOpts.Progress = nil
	}
	res, searchErr := bisect.Search(ctx, plan.candidates, b.probe, searchOpts)
	_ = rep.Close() // erase the status line before anything goes to stdout
	run = b.finish(ctx, res)
	dir, err := w.Commit(run)
	if err != nil {
		return &StorageError{What: "results", Err: err}
	}
	if !opts.Quiet {
		fmt.Fprintf(deps.Stderr, "gorepro: results in %s\n", dir)
	}
	if err := writeBisectRun(deps, run, opts.JSON); err != nil {
		return err
	}
	return bisectVerdict(ctx, res, searchErr, len(plan.candidates))
}

// bisectPlan is a checked bisection: the axis, what is bad, the config
// with every other axis held at one value, and the candidates.
type bisectPlan struct {
	ax        axis
	pred      bisect.Predicate
	threshold bisect.Threshold
	// cfg holds one value of every axis; toolchains are all the
	// configured toolchains, among which the toolchain axis's candidates
	// are looked up.
	cfg        *config.Config
	toolchains []config.Toolchain
	candidates []string
	// repo and commits are set on the commit axis: the target's
	// repository and each candidate (a short hash) as a commit.
	repo    *gitrepo.Repo
	commits map[string]gitrepo.Commit
}

// planBisect checks the flags and the config and lists the candidates.
func planBisect(ctx context.Context, opts *BisectOptions) (*bisectPlan, error) {
	ax, err := parseAxis(opts.Axis)
	if err != nil {
		return nil, err
	}
	pred, err := bisect.ParseBadIf(opts.BadIf)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	cfg, err := config.Load(opts.ConfigPath)
	if err != nil {
		return nil, err
	}
	over, err := bisectOverrides(ax, opts)
	if err != nil {
		return nil, err
	}
	if err := cfg.Apply(over); err != nil {
		return nil, err
	}
	threshold, err := bisect.ParseThreshold(opts.BadThreshold, cfg.Runs)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	// Hold every axis at its first value.
	toolchains := cfg.Toolchains
	cfg.Toolchains, cfg.Targets, cfg.Protobuf = cfg.Toolchains[:1], cfg.Targets[:1], cfg.Protobuf[:1]
	cfg.Cover, cfg.Arch = cfg.Cover[:1], cfg.Arch[:1]
	target := cfg.Targets[0]
	if ax.kind == "module" && target.Kind != config.TargetPackage {
		return nil, &UsageError{Err: fmt.Errorf("--axis %s: target %q is kind %s; module versions can only be changed in a package target", ax.name, target.Name, target.Kind)}
	}
	if ax.kind == "protobuf" && target.Kind == config.TargetDockerfile {
		return nil, &UsageError{Err: fmt.Errorf("--axis protobuf: target %q is a Dockerfile target, whose modules the Dockerfile decides", target.Name)}
	}
	plan := &bisectPlan{ax: ax, pred: pred, threshold: threshold, cfg: cfg, toolchains: toolchains}
	if ax.kind == "commit" {
		if err := plan.listCommits(ctx, opts); err != nil {
			return nil, err
		}
		return plan, nil
	}
	if plan.candidates, err = listCandidates(ctx, ax, toolchains, opts); err != nil {
		return nil, err
	}
	return plan, nil
}

// listCommits makes the candidates of the commit axis: the commits of the
// target module's history from --from to --to, oldest first.
func (p *bisectPlan) listCommits(ctx context.Context, opts *BisectOptions) error {
	target := p.cfg.Targets[0]
	switch {
	case target.Kind != config.TargetPackage:
		return &UsageError{Err: fmt.Errorf("--axis commit: target %q is kind %s; only a package target has a history to bisect", target.Name, target.Kind)}
	case len(opts.Versions) > 0:
		return &UsageError{Err: errors.New("--versions does not apply to --axis commit: give the range with --from and --to (commit-ish)")}
	case opts.From == "":
		return &UsageError{Err: errors.New("--axis commit needs --from: the good (or bad) commit to start from, any commit-ish")}
	}
	repo, err := gitrepo.Open(ctx, target.Dir)
	if err != nil {
		return &UsageError{Err: fmt.Errorf("--axis commit: target %q: %w", target.Name, err)}
	}
	commits, err := repo.Range(ctx, opts.From, cmp.Or(opts.To, "HEAD"), opts.FirstParent)
	if err != nil {
		return &UsageError{Err: fmt.Errorf("--axis commit: %w", err)}
	}
	if len(commits) < 2 {
		return &UsageError{Err: fmt.Errorf("--axis commit: %s..%s holds no commit after %s: bisect needs at least two", opts.From, cmp.Or(opts.To, "HEAD"), opts.From)}
	}
	p.repo, p.commits = repo, map[string]gitrepo.Commit{}
	for _, c := range commits {
		v := gitrepo.Short(c.Hash)
		p.candidates = append(p.candidates, v)
		p.commits[v] = c
	}
	return nil
}

// nameCommits records the commits of the boundary's sides and names the
// flipping one, with its subject and author, in the conclusion.
func (p *bisectPlan) nameCommits(rec *record.Bisect) {
	rec.Commits = map[string]record.SourceState{}
	for side, v := range map[string]string{"before": rec.Boundary.Before, "after": rec.Boundary.After} {
		if c, ok := p.commits[v]; ok {
			rec.Commits[side] = c.State()
		}
	}
	kind := "first bad"
	if rec.Direction == bisect.Fix {
		kind = "first good"
	}
	if len(rec.Between) > 0 {
		rec.Conclusion += "; the flip is at " + p.describeCommit(rec.Boundary.After) + " or at a skipped commit before it"
		return
	}
	rec.Conclusion += "; " + kind + " commit: " + p.describeCommit(rec.Boundary.After)
}

// worktreesDir is where the commits of repo are checked out: one
// directory per repository under the work directory.
func worktreesDir(workDir string, repo *gitrepo.Repo) string {
	sum := sha256.Sum256([]byte(repo.Root))
	return filepath.Join(workDir, "worktrees", hex.EncodeToString(sum[:6]))
}

// describeCommit is a candidate commit as the answer names it: hash,
// subject, author and date.
func (p *bisectPlan) describeCommit(v string) string {
	c, ok := p.commits[v]
	if !ok {
		return v
	}
	return fmt.Sprintf("%s %q by %s, %s", v, c.Subject, c.Author, c.Time.Format("2006-01-02"))
}

// bisectOverrides turns the flags that hold axes into config overrides:
// one value each, and never the bisected axis.
func bisectOverrides(ax axis, opts *BisectOptions) (config.Overrides, error) {
	for flag, v := range map[string]string{"toolchain": opts.Toolchain, "target": opts.Target, "protobuf": opts.Protobuf, "cover": opts.Cover, "arch": opts.Arch} {
		if strings.Contains(v, ",") {
			return config.Overrides{}, &UsageError{Err: fmt.Errorf("--%s: bisect holds one value, got %q", flag, v)}
		}
	}
	for _, held := range []struct{ axis, flag, value string }{
		{"toolchain", "--toolchain", opts.Toolchain}, {"go", "--toolchain", opts.Toolchain}, {"protobuf", "--protobuf", opts.Protobuf},
	} {
		if ax.kind == held.axis && held.value != "" {
			return config.Overrides{}, &UsageError{Err: fmt.Errorf("%s: --axis %s bisects that axis, so it cannot also be held; choose its candidates with --from, --to or --versions", held.flag, ax.name)}
		}
	}
	return config.Overrides{
		Runs: opts.Runs, Timeout: opts.Timeout, Engine: opts.Engine, Pull: opts.Pull,
		Toolchains: nonEmpty(opts.Toolchain), Targets: nonEmpty(opts.Target), Protobuf: nonEmpty(opts.Protobuf),
		Cover: nonEmpty(opts.Cover), Arch: nonEmpty(opts.Arch),
	}, nil
}

// bisection is one running bisection: it builds and runs the cell of each
// probe through the matrix runner and records every cell in one run.
type bisection struct {
	plan    *bisectPlan
	noCache bool
	runner  *matrix.Runner
	w       *runstore.Draft
	run     *record.Run
	// cells holds the latest probe's cell of each candidate.
	cells map[string]record.Cell
	// localVersion is the version of the go on PATH, which provides its
	// own version on the go axis.
	localVersion string
	// worktrees checks out the commits of the commit axis.
	worktrees *gitrepo.Worktrees
}

// probe is the bisect.Prober: it builds and runs candidate v's cell (fresh
// for a re-confirmation) and judges it.
func (b *bisection) probe(ctx context.Context, v string, fresh bool) (bisect.Probe, error) {
	pc, err := probeConfig(b.plan.cfg, b.plan.toolchains, b.plan.ax, v, b.localVersion)
	if err == nil && b.plan.ax.kind == "commit" {
		pc.Targets[0].Dir, err = b.worktrees.Checkout(ctx, b.plan.commits[v].Hash)
	}
	if err != nil {
		return bisect.Probe{Version: v, Verdict: bisect.Skip, Outcome: string(record.Unavailable), Reason: err.Error(), NotRun: true}, nil
	}
	r, cell, err := runProbeCell(ctx, b.runner, b.run.ID, b.w, pc, b.noCache || fresh)
	if err != nil {
		return bisect.Probe{}, err
	}
	if c, ok := b.plan.commits[v]; ok {
		// Commits with one tree share a checkout, whose HEAD is the
		// first of them: the cell is the probed commit's.
		st := c.State()
		cell.Source = &st
	}
	addProbeCell(b.run, r, cell)
	b.cells[v] = cell
	return judgeProbe(cell, v, b.plan.pred, b.plan.threshold), nil
}

// beginProbeRun starts storing a run of probe cells (a bisection, an
// explanation) under out: the run directory being written, where a
// failure leaves nothing once the caller aborts it, and the run's record.
func beginProbeRun(deps Deps, out, configPath string) (*runstore.Draft, *record.Run, error) {
	runID := runstore.NewRunID(time.Now())
	w, err := runstore.Store{Root: out}.Begin(runID)
	if err != nil {
		return nil, nil, &StorageError{What: "results", Err: err}
	}
	run := &record.Run{SchemaVersion: record.SchemaVersion, ID: runID, GoreproVersion: deps.Version, Started: time.Now().UTC(), Config: configPath}
	return w, run, nil
}

// runProbeCell builds and runs the one cell of pc through runner, into
// the run runID being written by w; noCache builds it even when cached.
// It returns the runner's run, to take its host and toolchains from, and
// the cell.
func runProbeCell(ctx context.Context, runner *matrix.Runner, runID string, w *runstore.Draft, pc *config.Config, noCache bool) (*record.Run, record.Cell, error) {
	runner.Config = pc
	runner.NoCache = noCache
	r, err := runner.Run(ctx, runID, w)
	if err != nil {
		return nil, record.Cell{}, err
	}
	if r.Interrupted || len(r.Cells) != 1 {
		return nil, record.Cell{}, context.Canceled
	}
	return r, r.Cells[0], nil
}

// addProbeCell records a probe's cell in run, with the host and the
// toolchains of the runner's run from it was made in.
func addProbeCell(run, from *record.Run, cell record.Cell) {
	run.Host = from.Host
	for _, tc := range from.Toolchains {
		if !slices.ContainsFunc(run.Toolchains, func(t record.Toolchain) bool { return t.Name == tc.Name }) {
			run.Toolchains = append(run.Toolchains, tc)
		}
	}
	run.Cells = append(run.Cells, cell)
}

// judgeProbe judges a probe's cell as candidate v.
func judgeProbe(cell record.Cell, v string, pred bisect.Predicate, threshold bisect.Threshold) bisect.Probe {
	p := bisect.Judge(evidenceOf(cell), pred, threshold)
	p.Version, p.CellID = v, cell.ID
	// A cell with no cache key was neither built nor taken from the cache:
	// its toolchain could not be used.
	p.Built = !cell.Cached && cell.CacheKey != ""
	p.NotRun = !cell.Cached && cell.CacheKey == ""
	return p
}

// finish completes the run of the bisection: its end, the bisect record
// and the analysis of the probed cells.
func (b *bisection) finish(ctx context.Context, res *bisect.Result) *record.Run {
	run := b.run
	run.Finished = time.Now().UTC()
	run.Interrupted = ctx.Err() != nil
	run.Bisect = bisectRecord(b.plan.ax, b.plan.cfg, b.plan.pred.String(), res, b.cells)
	if run.Bisect != nil && res.Boundary != nil && b.plan.commits != nil {
		b.plan.nameCommits(run.Bisect)
	}
	run.Analysis = compare.Analyze(latestCells(run.Cells), run.Toolchains)
	return run
}

// writeBisectRun prints a bisection's run: the bisection (as JSON, or its
// probes and conclusion), then the known issues and the analysis.
func writeBisectRun(deps Deps, run *record.Run, asJSON bool) error {
	if run.Bisect == nil {
		return nil
	}
	if err := writeBisect(deps, run.Bisect, asJSON); err != nil || asJSON {
		return err
	}
	if err := report.WriteKnownIssues(deps.Stdout, run.Cells); err != nil {
		return err
	}
	_, err := io.WriteString(deps.Stdout, report.AnalysisLines(run.Analysis))
	return err
}

// evidenceOf is what bisect.Judge needs to know of a finished cell.
func evidenceOf(c record.Cell) bisect.Evidence {
	e := bisect.Evidence{CellID: c.ID, Outcome: string(c.Outcome), Signature: c.Signature, Reason: c.Reason, Cached: c.Cached}
	for _, r := range c.RunResults {
		e.Runs = append(e.Runs, bisect.RunEvidence{Outcome: string(r.Outcome), Signature: r.Signature})
	}
	return e
}

// latestCells keeps the last of the cells that share an ID (a boundary's
// re-confirmation probes its cell again), in the order of first
// appearance.
func latestCells(cells []record.Cell) []record.Cell {
	var out []record.Cell
	for _, c := range cells {
		if i := slices.IndexFunc(out, func(d record.Cell) bool { return d.ID == c.ID }); i >= 0 {
			out[i] = c
		} else {
			out = append(out, c)
		}
	}
	return out
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// confirmCount maps --confirm to bisect.Options.Confirm (where 0 means the
// default and a negative number none).
func confirmCount(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

// probeConfig is the one-cell config of a probe of version v; toolchains
// are the configured toolchains the toolchain axis picks from.
func probeConfig(cfg *config.Config, toolchains []config.Toolchain, ax axis, v, localVersion string) (*config.Config, error) {
	pc := *cfg
	switch ax.kind {
	case "protobuf":
		pc.Protobuf = []string{v}
	case "module":
		t := pc.Targets[0]
		t.Modules = map[string]string{}
		for k, mv := range cfg.Targets[0].Modules {
			t.Modules[k] = mv
		}
		t.Modules[ax.module] = v
		// Each probe's cell gets its own ID (and log directory).
		t.Name += "+" + v
		pc.Targets = []config.Target{t}
	case "toolchain":
		i := slices.IndexFunc(toolchains, func(tc config.Toolchain) bool { return tc.Name == v })
		if i < 0 {
			return nil, fmt.Errorf("no toolchain %q in %s", v, cfg.Path)
		}
		pc.Toolchains = []config.Toolchain{toolchains[i]}
	case "go":
		pc.Toolchains = []config.Toolchain{goToolchain(cfg, v, localVersion)}
	case "commit":
		// The probe sets Dir to the commit's checkout.
		t := pc.Targets[0]
		t.Name += "@" + v
		pc.Targets = []config.Target{t}
	}
	return &pc, nil
}

// goToolchain is the toolchain that provides Go version v: a configured
// gotoolchain of that version, the local go when it is localVersion, else a
// gotoolchain fetched by the go command.
func goToolchain(cfg *config.Config, v, localVersion string) config.Toolchain {
	for _, tc := range cfg.Toolchains {
		if tc.Kind == config.KindGotoolchain && tc.Version == v {
			return tc
		}
	}
	if localVersion == v {
		return config.Toolchain{Name: "local", Kind: config.KindLocal}
	}
	return config.Toolchain{Name: v, Kind: config.KindGotoolchain, Version: v}
}

// localGoVersion is the version of the go command on PATH.
func localGoVersion() string {
	res, err := proc.Run(context.Background(), proc.Cmd{Argv: []string{"go", "env", "GOVERSION"}, Env: proc.Environ(nil, "GOTOOLCHAIN=local"), Timeout: time.Minute})
	if err != nil || res.ExitCode != 0 {
		return ""
	}
	v, _, _ := strings.Cut(strings.TrimSpace(string(res.Output)), " ")
	return v
}

// listCandidates orders the candidates of an axis and cuts them to
// [--from, --to]. The toolchain axis's candidates are the names of
// toolchains, in config order.
func listCandidates(ctx context.Context, ax axis, toolchains []config.Toolchain, opts *BisectOptions) ([]string, error) {
	list := opts.Versions
	var err error
	switch ax.kind {
	case "protobuf", "module":
		if len(list) == 0 {
			if list, err = moduleVersions(ctx, ax.module); err != nil {
				return nil, err
			}
		}
		for _, v := range list {
			if !semver.IsValid(v) || semver.Canonical(v) != v {
				return nil, &UsageError{Err: fmt.Errorf("--versions: %q is not a canonical module version such as v1.36.10", v)}
			}
		}
		semver.Sort(list)
		if !opts.Prerelease {
			list = slices.DeleteFunc(list, func(v string) bool {
				return semver.Prerelease(v) != "" && v != opts.From && v != opts.To
			})
		}
	case "go":
		if len(list) == 0 {
			if list, err = goVersions(ctx); err != nil {
				return nil, err
			}
		}
		for _, v := range list {
			if !version.IsValid(v) {
				return nil, &UsageError{Err: fmt.Errorf("--versions: %q is not a Go version such as go1.25.5", v)}
			}
		}
		slices.SortFunc(list, version.Compare)
		if !opts.Prerelease {
			list = slices.DeleteFunc(list, func(v string) bool {
				return strings.ContainsAny(strings.TrimPrefix(v, "go"), "abcdefghijklmnopqrstuvwxyz") && v != opts.From && v != opts.To
			})
		}
	case "toolchain":
		var names []string
		for _, tc := range toolchains {
			names = append(names, tc.Name)
		}
		for _, v := range list {
			if !slices.Contains(names, v) {
				return nil, &UsageError{Err: fmt.Errorf("--versions: no toolchain %q in the config (configured: %s)", v, strings.Join(names, ", "))}
			}
		}
		if len(list) == 0 {
			list = names
		}
		for flag, v := range map[string]string{"--from": opts.From, "--to": opts.To} {
			if v != "" && !slices.Contains(list, v) {
				return nil, &UsageError{Err: fmt.Errorf("%s: no toolchain %q among the candidates (%s); on --axis toolchain it takes a toolchain name", flag, v, strings.Join(list, ", "))}
			}
		}
	}
	list = slices.Compact(list)
	lo, hi := 0, len(list)-1
	if opts.From != "" {
		if lo = slices.Index(list, opts.From); lo < 0 {
			return nil, &UsageError{Err: fmt.Errorf("--from: %s is not among the %d candidates of %s (%s)", opts.From, len(list), ax.name, ends(list))}
		}
	}
	if opts.To != "" {
		if hi = slices.Index(list, opts.To); hi < 0 {
			return nil, &UsageError{Err: fmt.Errorf("--to: %s is not among the %d candidates of %s (%s)", opts.To, len(list), ax.name, ends(list))}
		}
	}
	if hi-lo < 1 {
		return nil, &UsageError{Err: fmt.Errorf("bisect needs at least two candidates in order; %s has %d between --from and --to", ax.name, max(0, hi-lo+1))}
	}
	return list[lo : hi+1], nil
}

func ends(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return list[0] + " … " + list[len(list)-1]
}

// moduleVersions asks the module proxy for the versions of a module.
func moduleVersions(ctx context.Context, module string) ([]string, error) {
	tmp, err := os.MkdirTemp("", "gorepro-versions-")
	if err != nil {
		return nil, &InfraError{Err: err}
	}
	defer os.RemoveAll(tmp)
	res, err := proc.Run(ctx, proc.Cmd{
		Argv:    []string{"go", "list", "-m", "-versions", module},
		Dir:     tmp,
		Env:     proc.Environ(nil, "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod", "GO111MODULE=on", "GOWORK=off"),
		Timeout: 2 * time.Minute,
	})
	if err != nil {
		return nil, &InfraError{Err: fmt.Errorf("listing versions of %s: %w", module, err)}
	}
	if res.ExitCode != 0 || res.TimedOut {
		return nil, &InfraError{Err: fmt.Errorf("listing versions of %s from the module proxy failed (check GOPROXY and network access, or pass --versions): %s",
			module, strings.TrimSpace(string(res.Output)))}
	}
	fields := strings.Fields(string(res.Output))
	if len(fields) < 2 {
		return nil, &UsageError{Err: fmt.Errorf("the module proxy lists no versions of %s", module)}
	}
	return fields[1:], nil
}

// goVersions lists the Go releases the go command can fetch for this
// platform (golang.org/toolchain versions), without fetching any.
func goVersions(ctx context.Context) ([]string, error) {
	mods, err := moduleVersions(ctx, "golang.org/toolchain")
	if err != nil {
		return nil, err
	}
	suffix := "." + runtime.GOOS + "-" + runtime.GOARCH
	var out []string
	for _, m := range mods {
		if rest, ok := strings.CutPrefix(m, "v0.0.1-"); ok && strings.HasSuffix(rest, suffix) {
			out = append(out, strings.TrimSuffix(rest, suffix))
		}
	}
	return out, nil
}

// bisectRecord is the stored form of a bisection.
func bisectRecord(ax axis, cfg *config.Config, badIf string, res *bisect.Result, cells map[string]record.Cell) *record.Bisect {
	if res == nil {
		return nil
	}
	rec := record.Bisect{Axis: ax.name, BadIf: badIf, BisectSearch: bisectrecord.Search(*res)}
	cover := "off"
	if cfg.Cover[0] {
		cover = "on"
	}
	rec.Fixed = map[string]string{"target": cfg.Targets[0].Name, "cover": cover, "arch": cfg.Arch[0], "runs": fmt.Sprint(cfg.Runs)}
	if ax.kind != "toolchain" && ax.kind != "go" {
		rec.Fixed["toolchain"] = cfg.Toolchains[0].Name
	}
	if ax.kind != "protobuf" {
		rec.Fixed["protobuf"] = cfg.Protobuf[0]
	}
	if res.Boundary != nil {
		rec.Reproduce = map[string]string{}
		for side, v := range map[string]string{"before": res.Boundary.Before, "after": res.Boundary.After} {
			c, ok := cells[v]
			switch {
			case !ok:
			case ax.kind == "commit" && c.Reproduce.Script != "":
				// The commands start in a checkout of the module: at
				// that side's commit.
				rec.Reproduce[side] = fmt.Sprintf("# At commit %s of your repository:\ngit checkout -q %s\n%s", v, cellbuild.ShellQuote(v), c.Reproduce.Script)
			default:
				rec.Reproduce[side] = c.Reproduce.Script
			}
		}
	}
	return &rec
}

// writeBisect prints the bisection: its JSON, or a summary and the probes.
func writeBisect(deps Deps, b *record.Bisect, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(deps.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(b)
	}
	rows := make([][]string, len(b.Probes))
	for i, p := range b.Probes {
		built, _, _ := strings.Cut(p.BuiltLabel(), ",")
		if p.Confirmation {
			built += " (confirm)"
		}
		rows[i] = []string{p.Version, string(p.Verdict), string(p.Outcome), fmt.Sprintf("%d/%d", p.BadRuns, p.Runs), built, cmp.Or(p.Signature, p.Reason)}
	}
	if err := report.WritePlainTable(deps.Stdout, []string{"VERSION", "VERDICT", "OUTCOME", "BAD", "BUILT", "SIGNATURE"}, rows); err != nil {
		return err
	}
	_, err := fmt.Fprintf(deps.Stdout, "%s (%d cells built)\n", b.Conclusion, b.Builds)
	return err
}

// bisectVerdict maps the end of a search over candidates to the command's
// error.
func bisectVerdict(ctx context.Context, res *bisect.Result, err error, candidates int) error {
	var endpoints *bisect.EndpointsError
	var noVerdict *bisect.NoVerdictError
	switch {
	case ctx.Err() != nil:
		n := 0
		if res != nil {
			n = len(res.Probes)
		}
		probes := "probes"
		if n == 1 {
			probes = "probe"
		}
		return &InterruptedError{Detail: fmt.Sprintf("%d %s finished before the search over %d candidates could end", n, probes, candidates)}
	case errors.As(err, &endpoints), errors.As(err, &noVerdict):
		return &RangeError{Err: err}
	case err != nil:
		return &InfraError{Err: err}
	case res.Flaky || res.Boundary == nil:
		return &UndecidedError{Conclusion: res.Conclusion}
	}
	return nil
}

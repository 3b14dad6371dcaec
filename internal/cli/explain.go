package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"go/version"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/explain"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/matrix"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
	"github.com/gorepro/gorepro/internal/runlife"
	"github.com/gorepro/gorepro/internal/runstore"
	"github.com/gorepro/gorepro/internal/toolchain"
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
}

// NewCmdExplain builds `gorepro explain BASE NEW`.
func NewCmdExplain(deps Deps, runF func(*cobra.Command, *ExplainOptions) error) *cobra.Command {
	opts := &ExplainOptions{}
	cmd := &cobra.Command{
		Use:   "explain BASE NEW",
		Short: "Find what changed a cell between two stored runs, and which change did it",
		Long: `Explain every cell whose verdict changed between two stored runs (new-crash,
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
    image): reported with the two toolchains side by side, after NEW's cell
    is built again to confirm it;
  - several kinds at once: first a cross-check cell (NEW's source with BASE's
    Go version, or BASE's source with NEW's toolchain) says which kind
    matters, then that kind is bisected;
  - only gorepro's config or version changed: reported as such, nothing is
    bisected.

Cells that share a cause are reported together. Changed cells that ran on
another architecture than this host's are skipped (run explain on a runner of
that architecture). The target's git history must be there (in CI: fetch-depth:
0); the config (--config, default: the one NEW recorded) gives the target's
directory and the toolchains. The probes are stored as a run in --out, with
the explanation in results.json, results.md and explain.md.

Output goes to stdout in --format: text, markdown (a section fit for a bug
report), json or junit.

Exit status: 0 every change explained, 1 some could not be, 2 bad input (runs
or config that cannot be read), 3 infrastructure (results that cannot be
stored, the module proxy), 130 interrupted.`,
		Example: `  gorepro explain nightly/baseline.json results
  gorepro explain last-night tonight --format markdown >> "$GITHUB_STEP_SUMMARY"`,
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
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.ExplainFormats(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// UnexplainedError reports that some changed cells could not be
// explained: exit status 1.
type UnexplainedError struct{ Count int }

func (e *UnexplainedError) Error() string {
	return pluralCells(e.Count) + " changed without an explanation"
}

func runExplain(cmd *cobra.Command, deps Deps, opts *ExplainOptions) error {
	ctx := cmd.Context()
	if !slices.Contains(report.ExplainFormats(), opts.Format) {
		return &UsageError{Err: fmt.Errorf("--format: unknown format %q (valid: %s)", opts.Format, strings.Join(report.ExplainFormats(), ", "))}
	}
	for _, v := range opts.GoVersions {
		if !version.IsValid(v) {
			return &UsageError{Err: fmt.Errorf("--go-versions: %q is not a Go version such as go1.25.5", v)}
		}
	}
	base, baseDir, err := runstore.Load(opts.Base)
	if err != nil {
		return &UsageError{Err: fmt.Errorf("BASE: %w", err)}
	}
	next, nextDir, err := runstore.Load(opts.New)
	if err != nil {
		return &UsageError{Err: fmt.Errorf("NEW: %w", err)}
	}
	cfg, err := config.Load(cmp.Or(opts.ConfigPath, next.Config, "toolchains.json"))
	if err != nil {
		return err
	}
	if err := cfg.Apply(config.Overrides{Runs: opts.Runs, Timeout: opts.Timeout, Engine: opts.Engine, Pull: opts.Pull}); err != nil {
		return err
	}
	root, err := cacheRoot(opts.CacheDir, deps)
	if err != nil {
		return err
	}
	w, run, err := beginProbeRun(deps, opts.Out, cfg.Path)
	if err != nil {
		return err
	}
	defer func() { _ = w.Abort() }()
	rep := newReporter(deps, opts.Quiet, 1)
	defer rep.Close()
	ex := &explainer{
		cfg: cfg, base: base, next: next, goVersions: opts.GoVersions, stderr: deps.Stderr,
		runner:  newMatrixRunner(deps, cfg, root, rep),
		w:       w,
		run:     run,
		wts:     map[string]*gitrepo.Worktrees{},
		explain: &record.Explain{Base: record.RunRef{ID: base.ID, Path: baseDir}, New: record.RunRef{ID: next.ID, Path: nextDir}},
	}
	ex.runner.Reporter = rep
	ex.searchOpts = bisect.Options{Confirm: 1}
	if !opts.Quiet {
		ex.searchOpts.Progress = rep
	}
	ex.explainAll(ctx)
	ex.closeWorktrees(ctx)
	_ = rep.Close()
	run.Finished = time.Now().UTC()
	run.Interrupted = ctx.Err() != nil
	run.Explain = ex.explain
	var md strings.Builder
	if err := report.WriteExplain(&md, ex.explain, "markdown"); err == nil {
		if err := w.WriteFile("explain.md", []byte(md.String())); err != nil {
			_ = w.Abort()
			return &StorageError{What: "results", Err: err}
		}
	}
	dir, err := runlife.Commit(w, run)
	if err != nil {
		return &StorageError{What: "results", Err: err}
	}
	if !opts.Quiet {
		fmt.Fprintf(deps.Stderr, "gorepro: results in %s\n", dir)
	}
	if err := report.WriteExplain(deps.Stdout, ex.explain, opts.Format); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return &InterruptedError{Detail: fmt.Sprintf("%d of the changed cells explained", len(ex.explain.Explanations))}
	}
	unexplained := 0
	for _, x := range ex.explain.Explanations {
		if !x.Explained {
			unexplained += len(x.Cells)
		}
	}
	if unexplained > 0 {
		return &UnexplainedError{Count: unexplained}
	}
	return nil
}

// explainer explains the changes between two runs, building probe cells
// through one matrix runner into one run.
type explainer struct {
	cfg        *config.Config
	base, next *record.Run
	goVersions []string
	runner     *matrix.Runner
	w          *runstore.Draft
	run        *record.Run
	explain    *record.Explain
	// searchOpts are the options of every search (progress, confirmations).
	searchOpts bisect.Options
	stderr     io.Writer
	// wts are the worktrees of each target's repository, by root.
	wts          map[string]*gitrepo.Worktrees
	localVersion string
	hostArch     string
}

// explainedKinds are the changes explain looks for a cause of: the
// verdict changed.
var explainedKinds = []compare.ChangeKind{compare.NewCrash, compare.Fixed, compare.NewTimeout, compare.NewFail, compare.SignatureChanged, compare.OutcomeChanged}

// explainAll explains every changed cell of the comparison, then merges
// the explanations that share a cause.
func (ex *explainer) explainAll(ctx context.Context) {
	ex.hostArch = toolchain.HostArch()
	ex.localVersion = localGoVersion()
	baseCells, nextCells := cellsByID(ex.base), cellsByID(ex.next)
	for _, ch := range compare.Diff(ex.base, ex.next).Changes {
		if ctx.Err() != nil {
			return
		}
		b, n := baseCells[ch.CellID], nextCells[ch.CellID]
		if reason := ex.skipReason(ch, b, n); reason != "" {
			ex.explain.Skipped = append(ex.explain.Skipped, record.SkippedCell{CellID: ch.CellID, Change: string(ch.Kind), Reason: reason})
			continue
		}
		x := ex.explainCell(ctx, ch, b, n)
		ex.explain.Builds += x.Builds
		ex.add(x)
	}
}

// add records x, or adds its cells to an explanation with the same cause.
func (ex *explainer) add(x record.Explanation) {
	if x.Explained {
		for i, y := range ex.explain.Explanations {
			if y.Explained && y.Kind == x.Kind && y.Culprit == x.Culprit && y.Direction == x.Direction {
				ex.explain.Explanations[i].Cells = append(y.Cells, x.Cells...)
				ex.explain.Explanations[i].Builds += x.Builds
				ex.explain.Explanations[i].Evidence = append(y.Evidence, x.Evidence...)
				ex.explain.Explanations[i].Steps = append(y.Steps, x.Steps...)
				return
			}
		}
	}
	ex.explain.Explanations = append(ex.explain.Explanations, x)
}

// skipReason says why a change is not explained here, or "".
func (ex *explainer) skipReason(ch compare.Change, b, n record.Cell) string {
	switch {
	case !slices.Contains(explainedKinds, ch.Kind):
		return fmt.Sprintf("%s is not a change of verdict", ch.Kind)
	case b.Outcome == record.BuildError || n.Outcome == record.BuildError:
		return "a build error is not bisected: its build log says what failed"
	case n.HostArch != "" && n.HostArch != ex.hostArch:
		return fmt.Sprintf("it ran on an %s host and this one is %s: run explain on an %s runner", n.HostArch, ex.hostArch, n.HostArch)
	}
	return ""
}

func cellsByID(run *record.Run) map[string]record.Cell {
	m := map[string]record.Cell{}
	for _, c := range run.Cells {
		if _, ok := m[c.ID]; !ok {
			m[c.ID] = c
		}
	}
	return m
}

// cellCase is one changed cell being explained: the stored cells, what is
// bad, and the config that holds the cell's other axes.
type cellCase struct {
	b, n      record.Cell
	pred      bisect.Predicate
	threshold bisect.Threshold
	held      *config.Config
	x         *record.Explanation
}

// newish reports whether a probe shows NEW's verdict.
func (c *cellCase) newish(p bisect.Probe) bool {
	return p.Verdict == bisect.Bad == (c.x.Direction == bisect.Regression) && p.Verdict != bisect.Skip
}

// explainCell explains one changed cell.
func (ex *explainer) explainCell(ctx context.Context, ch compare.Change, b, n record.Cell) record.Explanation {
	x := record.Explanation{Cells: []string{ch.CellID}, Change: string(ch.Kind), Direction: bisect.Regression, Kind: record.CauseUnexplained}
	bad := n
	if n.Outcome == record.Pass {
		x.Direction, bad = bisect.Fix, b
	}
	x.Evidence = []record.Evidence{storedEvidence("before", "BASE "+ex.base.ID, b), storedEvidence("after", "NEW "+ex.next.ID, n)}
	badIf := string(bad.Outcome)
	if ch.Kind == compare.SignatureChanged {
		badIf = "signature~" + regexp.QuoteMeta(n.Signature)
	}
	pred, err := bisect.ParseBadIf(badIf)
	if err != nil {
		x.Reason = err.Error()
		return x
	}
	c := &cellCase{b: b, n: n, pred: pred, x: &x}
	d := explain.Inputs(ex.base, b, ex.next, n)
	x.Changed = d.Lines()
	kinds := d.Kinds()
	if len(kinds) == 0 {
		if len(d.Config) > 0 {
			x.Kind, x.Explained = record.CauseConfig, true
			x.Culprit = "gorepro's own config or version, nothing the cell is built from: " + strings.Join(d.Config, "; ")
			return x
		}
		x.Reason = "nothing gorepro records changed (source, build list, toolchain, config): the cell may be flaky (try --runs) or depend on the host"
		if len(d.Unknown) > 0 {
			x.Reason = "a run did not record " + strings.Join(d.Unknown, ", ") + " (made by an older gorepro?): run both nights with this gorepro"
		}
		return x
	}
	held, err := ex.heldConfig(n)
	if err != nil {
		x.Reason = err.Error()
		return x
	}
	c.held = held
	if c.threshold, err = bisect.ParseThreshold("", held.Runs); err != nil {
		x.Reason = err.Error()
		return x
	}
	source := slices.Contains(kinds, "commit") || slices.Contains(kinds, "modules")
	tool := slices.Contains(kinds, "go-version") || slices.Contains(kinds, "toolchain-build")
	if source && tool {
		toolMatters, ok := ex.crossCheck(ctx, c, d)
		if !ok {
			return x
		}
		tool = toolMatters
	}
	// A cell whose inputs changed exactly like those of a cell a commit
	// already explains: two probes at that boundary instead of a search.
	if !tool && d.Commit != nil {
		for _, prior := range ex.explain.Explanations {
			if prior.Explained && prior.Kind == record.CauseCommit && prior.Before != "" && prior.Direction == x.Direction &&
				slices.Equal(prior.Changed, x.Changed) && ex.verifyAtBoundary(ctx, c, prior) {
				return x
			}
		}
	}
	switch {
	case tool && d.GoVersion != nil:
		ex.explainGoVersion(ctx, c, d.GoVersion.From, d.GoVersion.To)
	case tool:
		ex.explainToolchainBuild(ctx, c, len(d.Config) > 0)
	case d.Commit != nil:
		ex.explainCommits(ctx, c, d)
	default:
		ex.explainModules(ctx, c, "", d.Modules)
	}
	return x
}

func storedEvidence(side, input string, c record.Cell) record.Evidence {
	return record.Evidence{Side: side, Input: input, CellID: c.ID, Outcome: c.Outcome, Signature: c.Signature, Stored: true}
}

// heldConfig is the config with one value per axis: the changed cell's
// toolchain, target, protobuf version, cover flag and arch.
func (ex *explainer) heldConfig(n record.Cell) (*config.Config, error) {
	cfg := *ex.cfg
	cover := "off"
	if n.Cover {
		cover = "on"
	}
	goarch := n.ID[strings.LastIndex(n.ID, "_")+1:]
	if err := cfg.Apply(config.Overrides{Toolchains: []string{n.Toolchain}, Targets: []string{n.Target}, Cover: []string{cover}, Arch: []string{goarch}}); err != nil {
		return nil, fmt.Errorf("the cell cannot be built again from %s: %w", ex.cfg.Path, err)
	}
	switch {
	case n.Protobuf != "":
		cfg.Protobuf = []string{n.Protobuf}
	case len(cfg.Protobuf) > 1:
		cfg.Protobuf = cfg.Protobuf[:1]
	}
	return &cfg, nil
}

// probe builds and runs one cell of pc (fresh: not from the cache), named
// with label, and judges it.
func (ex *explainer) probe(ctx context.Context, c *cellCase, pc *config.Config, label string, fresh bool) (record.Cell, bisect.Probe, error) {
	t := pc.Targets[0]
	t.Name += "~" + label
	pc.Targets = []config.Target{t}
	r, cell, err := runProbeCell(ctx, ex.runner, ex.run.ID, ex.w, pc, fresh)
	if err != nil {
		return record.Cell{}, bisect.Probe{}, err
	}
	addProbeCell(ex.run, r, cell)
	p := judgeProbe(cell, label, c.pred, c.threshold)
	if p.Built {
		c.x.Builds++
	}
	return cell, p, nil
}

// search bisects plan's candidates with the cell's predicate, recording
// the probes in the explain run, and adds the search as a step and its
// boundary's cells as evidence. It returns the result and the latest probe
// cell of each candidate probed.
func (ex *explainer) search(ctx context.Context, c *cellCase, plan *bisectPlan, what string) (bisect.Result, map[string]record.Cell, error) {
	plan.pred, plan.threshold = c.pred, c.threshold
	b := &bisection{plan: plan, runner: ex.runner, w: ex.w, run: ex.run, cells: map[string]record.Cell{}, localVersion: ex.localVersion}
	if plan.repo != nil {
		b.worktrees = ex.worktrees(plan.repo)
	}
	res, err := bisect.Search(ctx, plan.candidates, b.probe, ex.searchOpts)
	if res != nil {
		c.x.Builds += res.Builds
		step := record.ExplainStep{What: what, Conclusion: res.Conclusion, Builds: res.Builds}
		for _, p := range res.Probes {
			step.Probes = append(step.Probes, p.CellID)
		}
		c.x.Steps = append(c.x.Steps, step)
	}
	if err != nil || res == nil {
		return bisect.Result{}, b.cells, cmp.Or(err, errors.New("no result"))
	}
	if res.Boundary != nil && !res.Flaky {
		for _, side := range []struct{ name, v string }{{"before", res.Boundary.Before}, {"after", res.Boundary.After}} {
			if cell, ok := b.cells[side.v]; ok {
				c.x.Evidence = append(c.x.Evidence, record.Evidence{Side: side.name, Input: side.v, CellID: cell.ID, Outcome: cell.Outcome, Signature: cell.Signature})
			}
		}
	}
	return *res, b.cells, nil
}

// worktrees returns the worktrees of repo, made once.
func (ex *explainer) worktrees(repo *gitrepo.Repo) *gitrepo.Worktrees {
	if wt, ok := ex.wts[repo.Root]; ok {
		return wt
	}
	wt := &gitrepo.Worktrees{Repo: repo, Dir: worktreesDir(ex.runner.WorkDir, repo)}
	ex.wts[repo.Root] = wt
	return wt
}

// closeWorktrees removes every worktree made, also after a Ctrl-C.
func (ex *explainer) closeWorktrees(ctx context.Context) {
	for _, wt := range ex.wts {
		if err := wt.Close(ctx); err != nil {
			fmt.Fprintf(ex.stderr, "gorepro: WARNING: %v\n", err)
		}
	}
}

// unexplained marks the explanation as not explained, for reason.
func (c *cellCase) unexplained(format string, args ...any) {
	c.x.Explained = false
	c.x.Kind = record.CauseUnexplained
	c.x.Reason = fmt.Sprintf(format, args...)
}

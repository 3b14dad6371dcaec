package explain

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/bisection"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/record"
)

// ChangedCell is a cell whose outcome changed between the two runs, as the
// comparison of the runs (compare.Diff) says.
type ChangedCell struct {
	CellID string
	// Kind is the comparison's kind of change: "new-crash", "fixed", ...
	Kind string
	// VerdictChanged is true when the cell's verdict changed: only those
	// changes are explained. SignatureChanged is true when the crash
	// signature changed: what is bad is then NEW's signature, not its
	// outcome.
	VerdictChanged, SignatureChanged bool
}

// FileDifference says in which GOROOT files the bad build of a toolchain
// differs from the good one, and says it in one clause that calls the two
// badName and goodName; nil when a manifest is missing. compare.ExplainFiles
// is one (compare imports this package).
type FileDifference func(bad, good *record.Toolchain, badName, goodName string) (*record.FileDifference, string)

// Explainer explains the changed cells between two runs, by building probe
// cells through Prober: which input changed (Inputs), which kind of input
// matters (a cross-check cell), then a search over that input's versions
// (commits, module versions, Go releases) or the smallest set of module
// updates (MinimalSet).
type Explainer struct {
	// Config is the config the probe cells are built from: the target's
	// directory, the toolchains, runs and timeout.
	Config *config.Config
	// Base and Next are the runs compared; Changes are the changed cells
	// of their comparison, in its order.
	Base, Next *record.Run
	Changes    []ChangedCell
	// GoVersions restricts the Go releases tried when a Go version changed
	// (default: those Versions lists between the two).
	GoVersions []string
	Prober     bisection.Prober
	Versions   bisection.Versions
	Checkouts  *bisection.Checkouts
	// GoRepo (a local path or a URL) is the Go repository in which a
	// change explained by a Go release is followed into Go's commits
	// between the two releases (tags named as the releases, such as
	// go1.25.4 and go1.25.5); a change between two toolchains built from
	// commits of one Go repository (kind gosource) is followed into the
	// commits between them even without it (in GoRepo when it is set).
	// GoCommits are the options of those searches, as gorepro bisect
	// --axis go-commit has them: Bootstrap, Full, FirstParent, and
	// CacheDir where a URL's mirror is kept; its other fields are unused.
	GoRepo    string
	GoCommits bisection.Options
	// Files, when set, names the GOROOT files two toolchain builds differ in.
	Files FileDifference
	// Search are the options of every search (progress, confirmations).
	Search bisect.Options
	// LocalVersion is the version of the go on PATH; HostArch this host's
	// GOARCH, on which cells that ran elsewhere are not explained.
	LocalVersion, HostArch string
	// Builds, when set, resolves a toolchain of Config here and returns
	// the fingerprint of its build (record.Toolchain.Build). Before a
	// changed cell's probes are built with its toolchain, the build is
	// checked against the one NEW's cell recorded: a probe made with
	// another build is not NEW's cell, and the cell is left unexplained
	// with the difference named, unless AnyToolchain is set.
	Builds       func(ctx context.Context, tc config.Toolchain) (string, error)
	AnyToolchain bool

	explain *record.Explain
}

// Explain explains every changed cell into x, then merges the
// explanations that share a cause. It stops early when ctx ends.
func (ex *Explainer) Explain(ctx context.Context, x *record.Explain) {
	ex.explain = x
	baseCells, nextCells := cellsByID(ex.Base), cellsByID(ex.Next)
	for _, ch := range ex.Changes {
		if ctx.Err() != nil {
			return
		}
		b, n := baseCells[ch.CellID], nextCells[ch.CellID]
		if reason := ex.skipReason(ch, b, n); reason != "" {
			x.Skipped = append(x.Skipped, record.SkippedCell{CellID: ch.CellID, Change: ch.Kind, Reason: reason})
			continue
		}
		for _, y := range ex.explainChange(ctx, ch, b, n) {
			x.Builds += y.Builds
			ex.add(y)
		}
	}
}

// explainChange explains one changed cell. A crash whose signature
// changed (A in BASE, B in NEW) is two changes with maybe two causes: A
// gone and B new, each explained on its own.
func (ex *Explainer) explainChange(ctx context.Context, ch ChangedCell, b, n record.Cell) []record.Explanation {
	if !ch.SignatureChanged || b.Signature == "" || n.Signature == "" || b.Signature == n.Signature {
		return []record.Explanation{ex.explainCell(ctx, ch, b, n, "")}
	}
	return []record.Explanation{ex.explainCell(ctx, ch, b, n, b.Signature), ex.explainCell(ctx, ch, b, n, n.Signature)}
}

// add records x, or adds its cells to an explanation with the same cause.
func (ex *Explainer) add(x record.Explanation) {
	if x.Explained {
		for i, y := range ex.explain.Explanations {
			if y.Explained && y.Kind == x.Kind && y.Culprit == x.Culprit && y.Direction == x.Direction && y.Signature == x.Signature {
				if len(y.Cells) == 1 {
					nameCell(&ex.explain.Explanations[i])
					y = ex.explain.Explanations[i]
				}
				nameCell(&x)
				ex.explain.Explanations[i].Cells = append(y.Cells, x.Cells...)
				ex.explain.Explanations[i].Changed = append(y.Changed, x.Changed...)
				ex.explain.Explanations[i].Builds += x.Builds
				ex.explain.Explanations[i].Evidence = append(y.Evidence, x.Evidence...)
				ex.explain.Explanations[i].Steps = append(y.Steps, x.Steps...)
				return
			}
		}
	}
	ex.explain.Explanations = append(ex.explain.Explanations, x)
}

// nameCell names x's one cell in its changes and steps, before it is
// merged with another cell's explanation of the same cause: each cell's
// inputs and probes are then told apart ("controller: source commit …",
// "NEW's cell built again (controller)").
func nameCell(x *record.Explanation) {
	id := x.Cells[0]
	for i, line := range x.Changed {
		x.Changed[i] = id + ": " + line
	}
	for i := range x.Steps {
		x.Steps[i].What += " (" + id + ")"
	}
}

// skipReason says why a change is not explained here, or "".
func (ex *Explainer) skipReason(ch ChangedCell, b, n record.Cell) string {
	switch {
	case !ch.VerdictChanged:
		return fmt.Sprintf("%s is not a change of verdict", ch.Kind)
	case b.Outcome == record.BuildError || n.Outcome == record.BuildError:
		return "a build error is not bisected: its build log says what failed"
	case n.HostArch != "" && n.HostArch != ex.HostArch:
		return fmt.Sprintf("it ran on an %s host and this one is %s: run explain on an %s runner", n.HostArch, ex.HostArch, n.HostArch)
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
	b, n record.Cell
	// repoDir is the target's directory in the user's checkout, where
	// its repository is opened to check commits out; held's target is
	// NEW's commit checked out (see pinSource).
	repoDir   string
	pred      bisect.Predicate
	threshold bisect.Threshold
	held      *config.Config
	x         *record.Explanation
}

// verdictOf names whose verdict probe cell shows, for a step's
// conclusion: NEW's when newish, BASE's only when it has BASE's outcome
// and signature, else "not NEW's verdict": a pass after BASE's crash is
// neither side's verdict. When one crash signature of a changed cell is
// explained (signature A gone, or B new: explainChange), neither side's
// whole verdict is in question, and the probe is said to be with or
// without that signature, as the side it agrees with: a pass is "without
// B, as in BASE", never "NEW's verdict" of a NEW that crashed with B.
func (c *cellCase) verdictOf(cell record.Cell, newish bool) string {
	if sig := c.x.Signature; sig != "" {
		with, side := "without", "BASE"
		if newish == (c.x.Direction == record.DirectionRegression) {
			with = "with"
		}
		if newish {
			side = "NEW"
		}
		return fmt.Sprintf("%s %s, as in %s", with, sig, side)
	}
	switch {
	case newish:
		return "NEW's verdict"
	case cell.Outcome == c.b.Outcome && cell.Signature == c.b.Signature:
		return "BASE's verdict"
	}
	return "not NEW's verdict"
}

// newish reports whether a probe shows NEW's verdict.
func (c *cellCase) newish(p bisection.Probe) bool {
	return p.Verdict == bisect.Bad == (c.x.Direction == record.DirectionRegression) && p.Verdict != bisect.Skip
}

// unexplained marks the explanation as not explained, for reason.
func (c *cellCase) unexplained(format string, args ...any) {
	c.x.Explained = false
	c.x.Kind = record.CauseUnexplained
	c.x.Reason = fmt.Sprintf(format, args...)
}

// explainCell explains one changed cell; with signature set, only the
// appearance (NEW's signature) or the disappearance (BASE's) of that crash
// signature (see explainChange).
func (ex *Explainer) explainCell(ctx context.Context, ch ChangedCell, b, n record.Cell, signature string) record.Explanation {
	x := record.Explanation{Cells: []string{ch.CellID}, Change: ch.Kind, Direction: record.DirectionRegression, Kind: record.CauseUnexplained, Signature: signature}
	bad := n
	if n.Outcome == record.Pass || (signature != "" && signature == b.Signature) {
		x.Direction, bad = record.DirectionFix, b
	}
	x.Evidence = []record.Evidence{storedEvidence("before", "BASE "+ex.Base.ID, b), storedEvidence("after", "NEW "+ex.Next.ID, n)}
	badIf := string(bad.Outcome)
	switch {
	case signature != "":
		badIf = "signature~" + regexp.QuoteMeta(signature)
	case ch.SignatureChanged:
		badIf = "signature~" + regexp.QuoteMeta(n.Signature)
	}
	pred, err := bisection.ParseBadIf(badIf)
	if err != nil {
		x.Reason = err.Error()
		return x
	}
	c := &cellCase{b: b, n: n, pred: pred, x: &x}
	d := Inputs(ex.Base, b, ex.Next, n)
	x.Changed = d.Lines()
	if len(d.Kinds()) == 0 {
		nothingBuilt(&x, d)
		return x
	}
	if c.held, err = ex.heldConfig(n); err != nil {
		x.Reason = err.Error()
		return x
	}
	if c.threshold, err = bisection.ParseBadThreshold("", c.held.Runs); err != nil {
		x.Reason = err.Error()
		return x
	}
	if reason := ex.toolchainMismatch(ctx, c.held.Toolchains[0], n); reason != "" {
		x.Reason = reason
		return x
	}
	c.repoDir = c.held.Targets[0].Dir
	if reason := ex.pinSource(ctx, c.held, n); reason != "" {
		x.Reason = reason
		return x
	}
	ex.explainDelta(ctx, c, d)
	return x
}

// pinSource points the held config's target at the commit NEW's cell was
// built from, checked out in a worktree, so that no probe is built from
// whatever the user's checkout holds now. It says why that cannot be done
// (NEW's tree was dirty, its commit is not in the repository), or "".
// Targets with no recorded commit (generated ones) keep their directory.
func (ex *Explainer) pinSource(ctx context.Context, held *config.Config, n record.Cell) string {
	src, t := n.Source, &held.Targets[0]
	if src == nil || src.Commit == "" || t.Kind != config.TargetPackage {
		return ""
	}
	if src.Dirty {
		return fmt.Sprintf("NEW's cell was built from a dirty tree (uncommitted changes on %s): no commit holds what it was built from, so nothing was built; run the nightly job on a clean checkout", short(src.Commit))
	}
	dir, err := ex.Checkouts.Checkout(ctx, t.Dir, src.Commit)
	if err != nil {
		return fmt.Sprintf("NEW's commit %s cannot be checked out from %s (%v): a shallow clone or rewritten history? fetch the whole history (in CI: fetch-depth: 0); nothing was built", short(src.Commit), t.Dir, err)
	}
	t.Dir = dir
	return ""
}

// toolchainMismatch says why toolchain tc, as it resolves here, cannot
// build NEW's cell n again: it is another build than the one n recorded,
// or it cannot be resolved. It returns "" when it is n's build, when n
// recorded none or one of an older scheme (an older run), or when
// AnyToolchain is set.
func (ex *Explainer) toolchainMismatch(ctx context.Context, tc config.Toolchain, n record.Cell) string {
	if ex.Builds == nil || ex.AnyToolchain || n.ToolchainBuild == "" {
		return ""
	}
	build, err := ex.Builds(ctx, tc)
	switch {
	case err != nil:
		return fmt.Sprintf("toolchain %s cannot be resolved here to check that it is the build NEW's cell was made with: %v", tc.Name, err)
	case !record.BuildsComparable(build, n.ToolchainBuild):
		return "" // NEW recorded an older scheme's fingerprint: as if none
	case build != n.ToolchainBuild:
		where := cmp.Or(tc.GOROOT, tc.Image, tc.Version, tc.Kind)
		return fmt.Sprintf("toolchain %s (%s) is build %s here, but NEW's cell was built with build %s: a probe would not be NEW's cell, so nothing was built; "+
			"point toolchain %s in %s at NEW's build (or put that go first on PATH), or pass --any-toolchain to build with this one",
			tc.Name, where, build, n.ToolchainBuild, tc.Name, cmp.Or(ex.Config.Path, "the config"))
	}
	return ""
}

// nothingBuilt explains a change in which nothing a cell is built from
// changed: gorepro's config, or nothing recorded.
func nothingBuilt(x *record.Explanation, d Delta) {
	if len(d.Toolchain) > 0 && len(d.Config) == 0 {
		x.Reason = "the toolchain's entry changed (" + strings.Join(d.Toolchain, "; ") + ") but not its build: nothing the cell is built from changed; the cell may be flaky (try --runs) or depend on the host"
		return
	}
	if len(d.Config) > 0 {
		x.Kind, x.Explained = record.CauseConfig, true
		x.Culprit = "gorepro's own config or version, nothing the cell is built from: " + strings.Join(d.Config, "; ")
		return
	}
	x.Reason = "nothing gorepro records changed (source, build list, toolchain, config): the cell may be flaky (try --runs) or depend on the host"
	unknown := ""
	if len(d.Unknown) > 0 {
		unknown = "a run did not record " + strings.Join(d.Unknown, ", ") + " (made by an older gorepro?): run both nights with this gorepro"
		x.Reason = unknown
	}
	if len(d.Environment) > 0 {
		x.Reason = "nothing the cell is built from changed, only the environment its builds and runs inherited (" + strings.Join(d.Environment, "; ") +
			"): run NEW's matrix again with BASE's values to tell whether it did it (or the cell is flaky: try --runs)"
		if unknown != "" {
			x.Reason += "; " + unknown
		}
	}
}

// explainDelta picks the kind of input to bisect: when the source (or
// modules) and the toolchain both changed, a cross-check says which
// matters; a change already explained by a commit is checked at that
// boundary first.
func (ex *Explainer) explainDelta(ctx context.Context, c *cellCase, d Delta) {
	kinds := d.Kinds()
	source := slices.Contains(kinds, "commit") || slices.Contains(kinds, "modules")
	tool := slices.Contains(kinds, "go-version") || slices.Contains(kinds, "toolchain-build")
	if source && tool {
		toolMatters, ok := ex.crossCheck(ctx, c, d)
		if !ok {
			return
		}
		tool = toolMatters
	}
	// A cell whose inputs changed exactly like those of a cell a commit
	// already explains: two probes at that boundary instead of a search.
	if !tool && d.Commit != nil {
		for _, prior := range ex.explain.Explanations {
			if prior.Explained && prior.Kind == record.CauseCommit && prior.Before != "" && prior.Direction == c.x.Direction &&
				slices.Equal(prior.Changed, c.x.Changed) && ex.verifyAtBoundary(ctx, c, prior) {
				return
			}
		}
	}
	switch {
	case tool && d.GoVersion != nil && !ex.goSourcePair(c):
		ex.explainGoVersion(ctx, c, d.GoVersion.From, d.GoVersion.To)
	case tool:
		ex.explainToolchainBuild(ctx, c, len(d.Config) > 0)
	case d.Commit != nil:
		ex.explainCommits(ctx, c, d)
	default:
		ex.explainModules(ctx, c, "", d.Modules)
	}
}

func storedEvidence(side, input string, c record.Cell) record.Evidence {
	return record.Evidence{Side: side, Input: input, CellID: c.ID, Outcome: c.Outcome, Signature: c.Signature, Stored: true}
}

// heldConfig is the config with one value per axis: the changed cell's
// toolchain, target, protobuf version, cover flag and architecture (the
// binary's, as the cell recorded it).
func (ex *Explainer) heldConfig(n record.Cell) (*config.Config, error) {
	cfg := *ex.Config
	cover := "off"
	if n.Cover {
		cover = "on"
	}
	goarch := cmp.Or(n.BinaryArch, n.HostArch)
	if goarch == "" {
		return nil, fmt.Errorf("the cell cannot be built again: it recorded no architecture")
	}
	if err := cfg.Apply(config.Overrides{Toolchains: []string{n.Toolchain}, Targets: []string{n.Target}, Cover: []string{cover}, Arch: []string{goarch}}); err != nil {
		return nil, fmt.Errorf("the cell cannot be built again from %s: %w", ex.Config.Path, err)
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
func (ex *Explainer) probe(ctx context.Context, c *cellCase, pc *config.Config, label string, fresh bool) (record.Cell, bisection.Probe, error) {
	t := pc.Targets[0]
	t.Name += "~" + label
	pc.Targets = []config.Target{t}
	cell, err := ex.Prober.Probe(ctx, bisection.Request{Config: pc, Fresh: fresh})
	if err != nil {
		return record.Cell{}, bisection.Probe{}, err
	}
	p := bisection.Judge(cell, label, c.pred, c.threshold)
	if p.Built {
		c.x.Builds++
	}
	return cell, p, nil
}

// search bisects plan's candidates with the cell's predicate, and adds the
// search as a step and its boundary's cells as evidence. It returns the
// result and the latest probe cell of each candidate probed.
func (ex *Explainer) search(ctx context.Context, c *cellCase, plan *bisection.Plan, what string) (bisect.Result, map[string]record.Cell, error) {
	plan.Pred, plan.Threshold = c.pred, c.threshold
	b := &bisection.Bisection{Plan: plan, Prober: ex.Prober, LocalVersion: ex.LocalVersion}
	if plan.Repo != nil {
		b.Worktrees = ex.Checkouts.Of(plan.Repo)
	}
	res, err := b.Search(ctx, ex.Search)
	if res != nil {
		step := record.ExplainStep{What: what, Conclusion: res.Conclusion}
		for _, p := range b.Probes() {
			step.Probes = append(step.Probes, p.CellID)
			step.Builds += boolInt(p.Built)
		}
		if gb := b.GoBuilds(); gb != nil {
			step.Conclusion += bisection.GoBuildsText(gb)
		}
		c.x.Builds += step.Builds
		c.x.Steps = append(c.x.Steps, step)
	}
	if err != nil || res == nil {
		return bisect.Result{}, b.Cells(), cmp.Or(err, errors.New("no result"))
	}
	if res.Boundary != nil && !res.Flaky {
		// Each side's latest probe, as judged: a Go commit whose toolchain
		// crashed building itself is a crash with its signature, though
		// its cell is a build error.
		latest := map[string]bisection.Probe{}
		for _, p := range b.Probes() {
			latest[p.Version] = p
		}
		for _, side := range []struct{ name, v string }{{"before", res.Boundary.Before}, {"after", res.Boundary.After}} {
			if p, ok := latest[side.v]; ok && p.CellID != "" {
				c.x.Evidence = append(c.x.Evidence, record.Evidence{Side: side.name, Input: side.v, CellID: p.CellID, Outcome: record.Outcome(p.Outcome), Signature: p.Signature})
			}
		}
	}
	return *res, b.Cells(), nil
}

package explain

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/version"
	"maps"
	"path"
	"slices"
	"strings"

	"golang.org/x/mod/semver"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/bisection"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/record"
)

// cloneConfig copies a held config deeply enough for a probe to change
// its target and toolchain.
func cloneConfig(cfg *config.Config) *config.Config {
	pc := *cfg
	pc.Toolchains = slices.Clone(cfg.Toolchains)
	pc.Targets = slices.Clone(cfg.Targets)
	t := &pc.Targets[0]
	t.Modules = maps.Clone(t.Modules)
	return &pc
}

// crossCheck builds one cell that mixes the two runs' inputs, to tell
// whether the toolchain or the source and modules changed the verdict:
// NEW's source with BASE's Go version when the Go version changed, else
// BASE's source with NEW's toolchain. ok is false when the cell could not
// be built or judged (the explanation then says so).
func (ex *Explainer) crossCheck(ctx context.Context, c *cellCase, d Delta) (toolMatters, ok bool) {
	pc := cloneConfig(c.held)
	var what, label string
	newSourceBaseTool := d.GoVersion != nil
	if newSourceBaseTool {
		pc.Toolchains = []config.Toolchain{bisection.GoToolchain(c.held, d.GoVersion.From, ex.LocalVersion)}
		what, label = "cross-check: NEW's source and modules with BASE's Go version "+d.GoVersion.From, "base-go"
	} else {
		what, label = "cross-check: BASE's source and modules with NEW's toolchain", "base-source"
		if d.Commit != nil {
			if d.Commit.FromDirty {
				c.unexplained("%s: BASE's cell was built from a dirty tree (uncommitted changes on %s): no commit holds BASE's source, so it was not built", what, short(d.Commit.From))
				return false, false
			}
			dir, err := ex.Checkouts.Checkout(ctx, c.repoDir, d.Commit.From)
			if err != nil {
				c.unexplained("%s: %v", what, err)
				return false, false
			}
			pc.Targets[0].Dir = dir
		} else {
			for _, m := range d.Modules {
				if m.From != "" {
					pc.Targets[0].Modules = setModule(pc.Targets[0].Modules, m.Path, m.From)
				}
			}
		}
	}
	cell, p, err := ex.probe(ctx, c, pc, label, false)
	if err != nil || p.Verdict == bisect.Skip {
		c.unexplained("%s could not be judged: %s", what, cmp.Or(p.Reason, fmt.Sprint(err)))
		return false, false
	}
	newish := c.newish(p)
	toolMatters = newish != newSourceBaseTool
	matters := "the source or modules matter, not the toolchain"
	if toolMatters {
		matters = "the toolchain matters, not the source or modules"
	}
	shows := c.verdictOf(cell, newish)
	c.x.Steps = append(c.x.Steps, record.ExplainStep{What: what, Conclusion: fmt.Sprintf("%s (%s): %s", cell.Outcome, shows, matters), Probes: []string{cell.ID}, Builds: boolInt(p.Built)})
	c.x.Evidence = append(c.x.Evidence, record.Evidence{Side: "cross", Input: label, CellID: cell.ID, Outcome: cell.Outcome, Signature: cell.Signature})
	return toolMatters, true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func setModule(m map[string]string, path, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[path] = v
	return m
}

// explainToolchainBuild explains a change whose only cause left is the
// toolchain's build (same Go version): NEW's cell is built again to
// confirm its verdict, and the two toolchains are shown side by side.
func (ex *Explainer) explainToolchainBuild(ctx context.Context, c *cellCase, configChanged bool) {
	cell, p, err := ex.probe(ctx, c, cloneConfig(c.held), "confirm", true)
	if err != nil || p.Verdict == bisect.Skip {
		c.unexplained("NEW's cell could not be built again to confirm it: %s", cmp.Or(p.Reason, fmt.Sprint(err)))
		return
	}
	conclusion := string(cell.Outcome)
	if c.x.Signature != "" {
		conclusion += " (" + c.verdictOf(cell, c.newish(p)) + ")"
	}
	c.x.Steps = append(c.x.Steps, record.ExplainStep{What: "NEW's cell built again", Conclusion: conclusion, Probes: []string{cell.ID}, Builds: boolInt(p.Built)})
	c.x.Evidence = append(c.x.Evidence, record.Evidence{Side: "after", Input: "NEW again", CellID: cell.ID, Outcome: cell.Outcome, Signature: cell.Signature})
	c.x.SideBySide = toolchainsSideBySide(toolchainOf(ex.Base, c.b), toolchainOf(ex.Next, c.n), c.b, c.n)
	if !c.newish(p) {
		c.unexplained("NEW's cell built again shows %s, not NEW's verdict: the cell is flaky (try --runs)", cell.Outcome)
		return
	}
	if configChanged {
		c.unexplained("the toolchain's build changed (same Go version) and so did gorepro's config; BASE's config with NEW's toolchain would tell them apart")
		return
	}
	c.x.Kind, c.x.Explained = record.CauseToolchainBuild, true
	c.x.Culprit = fmt.Sprintf("same Go version, different build: toolchain %s (%s) was build %s in BASE and is build %s in NEW",
		c.n.Toolchain, c.n.GoVersion, c.b.ToolchainBuild, c.n.ToolchainBuild)
	if c.b.GoVersion != c.n.GoVersion { // two gosource commits (see explainDelta)
		c.x.Culprit = fmt.Sprintf("toolchain %s was Go commit %s (%s) in BASE and is Go commit %s (%s) in NEW",
			c.n.Toolchain, gitrepo.Short(c.b.GoSource.Commit), c.b.GoVersion, gitrepo.Short(c.n.GoSource.Commit), c.n.GoVersion)
	}
	if images := imageChanges(c.b.Container, c.n.Container); len(images) > 0 {
		c.x.Culprit += " (" + strings.Join(images, "; ") + ")"
	}
	baseTC, newTC := toolchainOf(ex.Base, c.b), toolchainOf(ex.Next, c.n)
	if ex.Files != nil {
		files, text := ex.Files(&newTC, &baseTC, "NEW", "BASE")
		if c.x.Files = files; files != nil {
			c.x.Culprit += "; " + text
		}
	}
	// Two toolchains built from commits of one Go repository: which
	// commit between them did it.
	if r, ok := ex.goSourceCommits(c); ok {
		ex.explainGoCommits(ctx, c, r)
	}
}

// explainGoVersion bisects the Go releases from one version to the other,
// with NEW's source.
func (ex *Explainer) explainGoVersion(ctx context.Context, c *cellCase, from, to string) {
	candidates := ex.goCandidates(ctx, from, to)
	plan := &bisection.Plan{Axis: bisection.Axis{Name: bisection.AxisGo, Kind: bisection.AxisGo}, Config: cloneConfig(c.held), Toolchains: ex.Config.Toolchains, Candidates: candidates}
	res, _, err := ex.search(ctx, c, plan, fmt.Sprintf("bisect Go releases %s..%s (%d)", from, to, len(candidates)))
	needed := ""
	if len(res.Skipped) > 0 {
		needed = "; no toolchain could be used for " + strings.Join(res.Skipped, ", ") + ": configure toolchains of those versions (or allow GOTOOLCHAIN downloads) to decide"
	}
	switch {
	case err != nil:
		c.unexplained("bisecting Go releases %s..%s: %v%s", from, to, err, needed)
	case res.Boundary == nil:
		c.unexplained("%s%s", res.Conclusion, needed)
	case len(res.Between) > 0:
		c.unexplained("%s%s", res.Conclusion, needed)
	default:
		c.x.Kind, c.x.Explained = record.CauseGoVersion, true
		c.x.Version = res.Boundary.After
		c.x.Culprit = fmt.Sprintf("Go release %s (%s; the release before it, %s, is not)", res.Boundary.After, directionWord(c), res.Boundary.Before)
		if ex.GoRepo != "" { // which commit between the two releases
			ex.explainGoCommits(ctx, c, ex.releaseCommits(res.Boundary.Before, res.Boundary.After, "the Go release"))
		}
	}
}

// directionWord is "first bad" or "first good".
func directionWord(c *cellCase) string {
	if c.x.Direction == record.DirectionFix {
		return "first good"
	}
	return "first bad"
}

// goCandidates are the Go releases from from to to (in that order, both
// included): --go-versions' between them, else every release the go
// command can fetch, else just the two.
func (ex *Explainer) goCandidates(ctx context.Context, from, to string) []string {
	list := ex.GoVersions
	if len(list) == 0 {
		if all, err := ex.Versions.Go(ctx); err == nil {
			list = all
		}
	}
	lo, hi := from, to
	if version.Compare(lo, hi) > 0 {
		lo, hi = hi, lo
	}
	out := []string{from, to}
	for _, v := range list {
		if version.Compare(v, lo) > 0 && version.Compare(v, hi) < 0 && !bisection.IsGoPrerelease(v) {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, version.Compare)
	out = slices.Compact(out)
	if out[0] != from {
		slices.Reverse(out)
	}
	return out
}

// onlyModFiles reports whether every changed file is the module's go.mod
// or go.sum.
func onlyModFiles(files []string, subdir string) bool {
	if len(files) == 0 {
		return false
	}
	for _, f := range files {
		if f != path.Join(subdir, "go.mod") && f != path.Join(subdir, "go.sum") {
			return false
		}
	}
	return true
}

// explainCommits bisects the target's commits between the two cells.
func (ex *Explainer) explainCommits(ctx context.Context, c *cellCase, d Delta) {
	from, to := d.Commit.From, d.Commit.To
	repo, err := gitrepo.Open(ctx, c.repoDir)
	if err != nil {
		c.unexplained("the source commit changed, but %v", err)
		return
	}
	if files, err := repo.ChangedFiles(ctx, from, to); err == nil && len(d.Modules) > 0 && onlyModFiles(files, repo.Subdir) {
		c.x.Steps = append(c.x.Steps, record.ExplainStep{What: "git diff " + gitrepo.Short(from) + " " + gitrepo.Short(to), Conclusion: "only go.mod and go.sum changed: the modules are what changed"})
		ex.explainModules(ctx, c, from, d.Modules)
		return
	}
	plan := &bisection.Plan{Axis: bisection.Axis{Name: bisection.AxisCommit, Kind: bisection.AxisCommit}, Config: cloneConfig(c.held), Toolchains: ex.Config.Toolchains}
	plan.Config.Targets[0].Dir = c.repoDir // each probe checks its commit out from the user's repository
	if err := plan.ListCommits(ctx, from, to); err != nil {
		c.unexplained("listing the commits %s..%s: %v", gitrepo.Short(from), gitrepo.Short(to), err)
		return
	}
	res, cells, err := ex.search(ctx, c, plan, fmt.Sprintf("bisect commits %s..%s (%d)", gitrepo.Short(from), gitrepo.Short(to), len(plan.Candidates)))
	dirty := ""
	if d.Commit.FromDirty || d.Commit.ToDirty {
		dirty = "; a run was built from a dirty tree, whose uncommitted changes no commit has"
	}
	switch {
	case err != nil:
		c.unexplained("bisecting commits %s..%s: %v%s", gitrepo.Short(from), gitrepo.Short(to), err, dirty)
		return
	case res.Boundary == nil || len(res.Between) > 0:
		c.unexplained("%s%s", res.Conclusion, dirty)
		return
	}
	culprit := plan.Commits[res.Boundary.After]
	c.x.Kind, c.x.Explained = record.CauseCommit, true
	st := culprit.State()
	c.x.Commit = &st
	c.x.Before = plan.Commits[res.Boundary.Before].Hash
	c.x.Culprit = "commit " + plan.DescribeCommit(res.Boundary.After)
	// A culprit that only bumps modules: which module did it.
	before := plan.Commits[res.Boundary.Before]
	if files, err := repo.ChangedFiles(ctx, before.Hash, culprit.Hash); err == nil && onlyModFiles(files, repo.Subdir) {
		if mods := ModuleChanges(cells[res.Boundary.Before].BuildList, cells[res.Boundary.After].BuildList); len(mods) > 0 {
			commitCulprit := c.x.Culprit
			ex.explainModules(ctx, c, before.Hash, mods)
			if c.x.Explained {
				c.x.Culprit += ", updated by " + commitCulprit
			}
		}
	}
}

// explainModules finds which of the module updates mods changed the
// verdict: on BASE's source (the checkout of baseCommit) with a subset of
// NEW's versions applied, or, without a base commit, on the target's
// current source with the other modules set back to BASE's versions.
// Delta debugging finds the smallest set; within a single module the
// versions between the two are bisected.
func (ex *Explainer) explainModules(ctx context.Context, c *cellCase, baseCommit string, mods []ModuleChange) {
	held := cloneConfig(c.held)
	onBase := baseCommit != ""
	if onBase {
		dir, err := ex.Checkouts.Checkout(ctx, c.repoDir, baseCommit)
		if err != nil {
			c.unexplained("checking out BASE's source: %v", err)
			return
		}
		held.Targets[0].Dir = dir
	}
	var applicable []ModuleChange
	var left []string
	for _, m := range mods {
		if (onBase && m.To == "") || (!onBase && m.From == "") || strings.Contains(m.From+m.To, "=>") {
			left = append(left, m.String())
			continue
		}
		applicable = append(applicable, m)
	}
	if len(applicable) == 0 {
		c.unexplained("no module update can be applied on its own (added, dropped or replaced modules: %s)", strings.Join(left, ", "))
		return
	}
	// subsetConfig applies the updates at indexes to the base.
	subsetConfig := func(indexes []int) *config.Config {
		pc := cloneConfig(held)
		for i, m := range applicable {
			switch {
			case onBase && slices.Contains(indexes, i):
				pc.Targets[0].Modules = setModule(pc.Targets[0].Modules, m.Path, m.To)
			case !onBase && !slices.Contains(indexes, i):
				pc.Targets[0].Modules = setModule(pc.Targets[0].Modules, m.Path, m.From)
			}
		}
		return pc
	}
	set := []int{0}
	if len(applicable) > 1 {
		var ok bool
		if set, ok = ex.minimalModules(ctx, c, applicable, subsetConfig); !ok {
			return
		}
	}
	if len(set) > 1 {
		var names []string
		for _, i := range set {
			names = append(names, applicable[i].String())
		}
		c.x.Kind, c.x.Explained = record.CauseModule, true
		c.x.Culprit = "these module updates together (none of them alone): " + strings.Join(names, ", ")
		return
	}
	m := applicable[set[0]]
	pc := subsetConfig(nil)
	delete(pc.Targets[0].Modules, m.Path)
	ex.bisectModule(ctx, c, pc, m)
}

// minimalModules runs the delta debugging over the module updates.
func (ex *Explainer) minimalModules(ctx context.Context, c *cellCase, applicable []ModuleChange, subsetConfig func([]int) *config.Config) ([]int, bool) {
	builds := c.x.Builds
	var probes []string
	all := make([]int, len(applicable))
	for i := range all {
		all[i] = i
	}
	judge := func(ctx context.Context, set []int) (bisect.Verdict, error) {
		_, p, err := ex.probe(ctx, c, subsetConfig(set), "mods-"+setLabel(applicable, set), false)
		if err != nil {
			return bisect.Skip, err
		}
		probes = append(probes, p.CellID)
		switch {
		case p.Verdict == bisect.Skip:
			return bisect.Skip, nil
		case c.newish(p):
			return bisect.Bad, nil
		}
		return bisect.Good, nil
	}
	v, err := judge(ctx, all)
	if err != nil || v != bisect.Bad {
		c.unexplained("applying all %d module updates does not show NEW's verdict (%v): the modules alone do not explain the change", len(applicable), cmp.Or(fmt.Sprint(err), "not reproduced"))
		return nil, false
	}
	set, err := MinimalSet(ctx, len(applicable), func(ctx context.Context, set []int) (bisect.Verdict, error) {
		if len(set) == len(applicable) {
			return bisect.Bad, nil
		}
		return judge(ctx, set)
	})
	if err != nil {
		c.unexplained("finding the module update that matters: %v", err)
		return nil, false
	}
	var names []string
	for _, i := range set {
		names = append(names, applicable[i].Path)
	}
	c.x.Steps = append(c.x.Steps, record.ExplainStep{
		What:       fmt.Sprintf("smallest set of the %d module updates (delta debugging)", len(applicable)),
		Conclusion: strings.Join(names, ", "), Probes: probes, Builds: c.x.Builds - builds,
	})
	return set, true
}

// setLabel is a short, file-safe name for a subset of module updates.
func setLabel(mods []ModuleChange, set []int) string {
	h := sha256.New()
	for _, i := range set {
		fmt.Fprintln(h, mods[i].Path)
	}
	return fmt.Sprintf("%d-%s", len(set), hex.EncodeToString(h.Sum(nil))[:8])
}

// bisectModule bisects the versions of module m from its BASE version to
// its NEW version, on pc.
func (ex *Explainer) bisectModule(ctx context.Context, c *cellCase, pc *config.Config, m ModuleChange) {
	candidates := []string{m.From, m.To}
	if all, err := ex.Versions.Module(ctx, m.Path); err == nil {
		lo, hi := m.From, m.To
		if semver.Compare(lo, hi) > 0 {
			lo, hi = hi, lo
		}
		for _, v := range all {
			if semver.Compare(v, lo) > 0 && semver.Compare(v, hi) < 0 && semver.Prerelease(v) == "" {
				candidates = append(candidates, v)
			}
		}
		semver.Sort(candidates)
		if candidates[0] != m.From {
			slices.Reverse(candidates)
		}
	}
	plan := &bisection.Plan{Axis: bisection.Axis{Name: "module:" + m.Path, Kind: bisection.AxisModule, Module: m.Path}, Config: pc, Toolchains: ex.Config.Toolchains, Candidates: candidates}
	res, _, err := ex.search(ctx, c, plan, fmt.Sprintf("bisect %s %s..%s (%d versions)", m.Path, m.From, m.To, len(candidates)))
	switch {
	case err != nil:
		c.unexplained("bisecting %s %s..%s: %v", m.Path, m.From, m.To, err)
	case res.Boundary == nil || len(res.Between) > 0:
		c.unexplained("%s", res.Conclusion)
	default:
		c.x.Kind, c.x.Explained = record.CauseModule, true
		c.x.Module, c.x.Version = m.Path, res.Boundary.After
		c.x.Culprit = fmt.Sprintf("module %s %s (%s; %s is not)", m.Path, res.Boundary.After, directionWord(c), res.Boundary.Before)
	}
}

// verifyAtBoundary checks whether a changed cell whose inputs changed
// exactly as those of a cell already explained by a commit has that cause
// too, with two probes instead of a search: this cell at the commit before
// the culprit must show BASE's verdict, and at the culprit NEW's. It fills
// in the explanation and returns true when both do.
func (ex *Explainer) verifyAtBoundary(ctx context.Context, c *cellCase, prior record.Explanation) bool {
	dir := c.repoDir
	var evidence []record.Evidence
	builds := 0
	for _, side := range []struct{ name, commit string }{{"before", prior.Before}, {"after", prior.Commit.Commit}} {
		checkout, err := ex.Checkouts.Checkout(ctx, dir, side.commit)
		if err != nil {
			return false
		}
		pc := cloneConfig(c.held)
		pc.Targets[0].Dir = checkout
		cell, p, err := ex.probe(ctx, c, pc, gitrepo.Short(side.commit), false)
		if err != nil || p.Verdict == bisect.Skip {
			return false
		}
		builds += boolInt(p.Built)
		if c.newish(p) != (side.name == "after") {
			return false
		}
		evidence = append(evidence, record.Evidence{Side: side.name, Input: gitrepo.Short(side.commit), CellID: cell.ID, Outcome: cell.Outcome, Signature: cell.Signature})
	}
	c.x.Kind, c.x.Explained = prior.Kind, true
	c.x.Culprit, c.x.Commit, c.x.Before = prior.Culprit, prior.Commit, prior.Before
	c.x.Evidence = append(c.x.Evidence, evidence...)
	c.x.Steps = append(c.x.Steps, record.ExplainStep{
		What:       fmt.Sprintf("check at the boundary found for %s (%s..%s)", strings.Join(prior.Cells, ", "), gitrepo.Short(prior.Before), gitrepo.Short(prior.Commit.Commit)),
		Conclusion: "the same flip: " + c.x.Direction, Probes: []string{evidence[0].CellID, evidence[1].CellID}, Builds: builds,
	})
	return true
}

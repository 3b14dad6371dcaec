package explain

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"go/version"
	"strings"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/bisection"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/gosource"
	"github.com/gorepro/gorepro/internal/record"
)

// goRange is a range of Go commits that a change already explained by a
// toolchain (a Go release, or a gosource toolchain's commit) is followed
// into: the repository (a path or a URL), the two revisions in the order
// of the change (BASE's, NEW's), how the explanation names them, and the
// GOROOT_BOOTSTRAP of their builds ("" for the default).
type goRange struct {
	repo, from, to         string
	fromName, toName, kept string
	bootstrap              string
}

// explainGoCommits bisects the Go commits of r with the cell's predicate,
// each probe built with that commit's toolchain (as gorepro bisect --axis
// go-commit does: fast builds where they may serve, the boundary confirmed
// with full builds). When the search names a commit, it becomes the
// cause (CauseGoCommit); when it cannot (a revision missing from the
// repository, the commits' own toolchains not showing the verdicts the
// change had, a flaky or undecided search), the explanation keeps the
// cause it had (r.kept) and says why in a step: a commit is only named
// with the probes that prove it.
func (ex *Explainer) explainGoCommits(ctx context.Context, c *cellCase, r goRange) {
	what := fmt.Sprintf("bisect Go commits %s..%s", r.fromName, r.toName)
	steps := len(c.x.Steps)
	notConcluded := func(format string, args ...any) {
		why := fmt.Sprintf(format, args...)
		conclusion := "not concluded, the cause stays " + r.kept + ": " + why
		if len(c.x.Steps) > steps { // the search ran: its step says so
			s := &c.x.Steps[len(c.x.Steps)-1]
			s.Conclusion = conclusion + " (" + s.Conclusion + ")"
		} else {
			c.x.Steps = append(c.x.Steps, record.ExplainStep{What: what, Conclusion: conclusion})
		}
		c.x.Reason = "the Go commits were not searched to a culprit: " + why
	}
	repo, err := gosource.OpenRepo(ctx, r.repo, ex.GoCommits.CacheDir)
	if err != nil {
		notConcluded("%v", err)
		return
	}
	plan, err := ex.goCommitPlan(ctx, c, repo, r)
	if err != nil {
		notConcluded("%v", err)
		return
	}
	what += fmt.Sprintf(" (%d)", len(plan.Candidates))
	res, _, err := ex.search(ctx, c, plan, what)
	var endpoints *bisect.EndpointsError
	switch {
	case errors.As(err, &endpoints):
		notConcluded("the toolchains built from the Go commits of %s and %s do not show the verdicts the change had (both %s)", r.fromName, r.toName, endpoints.Verdict)
		return
	case err != nil:
		notConcluded("%v", err)
		return
	case res.Boundary == nil || len(res.Between) > 0:
		notConcluded("%s", res.Conclusion)
		return
	}
	after, before := plan.Commits[res.Boundary.After], plan.Commits[res.Boundary.Before]
	word := "first bad"
	if res.Direction == bisect.Fix {
		word = "first good"
	}
	st := after.State()
	c.x.Kind, c.x.Explained, c.x.Reason = record.CauseGoCommit, true, ""
	c.x.Commit, c.x.Before = &st, before.Hash
	c.x.Culprit = fmt.Sprintf("Go commit %s (%s commit of %s..%s in %s; the commit before it, %s, is not)",
		plan.DescribeCommit(res.Boundary.After), word, r.fromName, r.toName, r.repo, res.Boundary.Before)
}

// goCommitPlan is the go-commit plan of r, oldest commit first: the
// change may go back in Go's history (a downgrade), so the range is tried
// the other way round when it is not one.
func (ex *Explainer) goCommitPlan(ctx context.Context, c *cellCase, repo *gosource.Repo, r goRange) (*bisection.Plan, error) {
	opts := ex.GoCommits
	opts.Bootstrap = cmp.Or(opts.Bootstrap, r.bootstrap)
	plan, err := bisection.NewGoCommitPlan(ctx, cloneConfig(c.held), ex.Config.Toolchains, repo, r.from, r.to, opts)
	if err == nil {
		return plan, nil
	}
	if back, berr := bisection.NewGoCommitPlan(ctx, cloneConfig(c.held), ex.Config.Toolchains, repo, r.to, r.from, opts); berr == nil {
		return back, nil
	}
	return nil, err
}

// releaseCommits is the range of Go commits between two Go releases,
// which a Go repository tags with the releases' names, oldest first.
func (ex *Explainer) releaseCommits(before, after, kept string) goRange {
	if version.Compare(before, after) > 0 {
		before, after = after, before
	}
	return goRange{repo: ex.GoRepo, from: before, to: after, fromName: before, toName: after, kept: kept}
}

// goSourceCommits is the range of Go commits between the toolchains of
// two cells that were both built from commits of one Go repository (kind
// gosource), or false when they were not. ex.GoRepo, when set, is where
// the commits are read.
func (ex *Explainer) goSourceCommits(c *cellCase) (goRange, bool) {
	bs, ns := c.b.GoSource, c.n.GoSource
	if bs == nil || ns == nil || bs.Commit == "" || ns.Commit == "" || bs.Commit == ns.Commit || bs.Repo != ns.Repo {
		return goRange{}, false
	}
	return goRange{
		repo: cmp.Or(ex.GoRepo, ns.Repo), from: bs.Commit, to: ns.Commit,
		fromName: revName(bs), toName: revName(ns), kept: "the toolchain's build",
		bootstrap: c.held.Toolchains[0].Bootstrap,
	}, true
}

// goSourcePair reports whether the changed cell's two toolchains were
// built from two commits of one Go repository: their change, also of Go
// version, is followed into the commits between them rather than into
// Go releases.
func (ex *Explainer) goSourcePair(c *cellCase) bool {
	_, ok := ex.goSourceCommits(c)
	return ok
}

// revName names a gosource toolchain's commit: its short hash, and the
// revision it was configured as when that is a name (a tag, a branch):
// "edcb5af9e846 (go1.26.8)".
func revName(gs *record.GoSource) string {
	name := gitrepo.Short(gs.Commit)
	if gs.Rev != "" && !strings.HasPrefix(gs.Commit, gs.Rev) {
		name += " (" + gs.Rev + ")"
	}
	return name
}

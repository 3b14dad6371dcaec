package bisection

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/bisectrecord"
	"github.com/gorepro/gorepro/internal/cellbuild"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/record"
)

// Record is the stored form of the bisection that ended with res: the
// axis, what was held, the boundary's reproduce commands and, on the
// commit axis, its commits named. It is nil when res is.
func (b *Bisection) Record(res *bisect.Result) *record.Bisect {
	if res == nil {
		return nil
	}
	ax, cfg := b.Plan.Axis, b.Plan.Config
	rec := record.Bisect{Axis: ax.Name, BadIf: b.Plan.Pred.String(), BisectSearch: bisectrecord.Search(*res, b.storedProbes(res))}
	// An image bisection's separating cells (the second repository's
	// images) are built like its probes, and counted with them.
	for _, sp := range b.separating {
		if sp.probe.Built {
			rec.Builds++
		}
	}
	cover := "off"
	if cfg.Cover[0] {
		cover = "on"
	}
	rec.Fixed = map[string]string{"target": cfg.Targets[0].Name, "cover": cover, "arch": cfg.Arch[0], "runs": fmt.Sprint(cfg.Runs)}
	switch {
	case ax.Kind == AxisImage:
		if b.Plan.Images.Template.Name != "" {
			rec.Fixed["toolchain"] = b.Plan.Images.Template.Name
		}
	case ax.Kind != AxisToolchain && ax.Kind != AxisGo && ax.Kind != AxisGoCommit:
		rec.Fixed["toolchain"] = cfg.Toolchains[0].Name
	}
	if ax.Kind != AxisProtobuf {
		rec.Fixed["protobuf"] = cfg.Protobuf[0]
	}
	if b.Plan.GoSource != nil {
		rec.GoBuilds = b.GoBuilds()
		defer func() { rec.Conclusion += GoBuildsText(rec.GoBuilds) }()
	}
	if res.Boundary == nil {
		return &rec
	}
	rec.Reproduce = map[string]string{}
	for side, v := range map[string]string{"before": res.Boundary.Before, "after": res.Boundary.After} {
		c, ok := b.cells[v]
		switch {
		case !ok:
		case ax.Kind == AxisGoCommit && c.Reproduce.Script != "":
			// The commands use the toolchain gorepro built of that commit.
			rec.Reproduce[side] = fmt.Sprintf("# With the toolchain of Go commit %s (%s), built by gorepro:\n%s", v, b.Plan.GoSource.Repo.Spec, c.Reproduce.Script)
		case ax.Kind == AxisCommit && c.Reproduce.Script != "":
			// The commands start in a checkout of the module: at that
			// side's commit.
			rec.Reproduce[side] = fmt.Sprintf("# At commit %s of your repository:\ngit checkout -q %s\n%s", v, cellbuild.ShellQuote(v), c.Reproduce.Script)
		default:
			rec.Reproduce[side] = c.Reproduce.Script
		}
	}
	if b.Plan.Commits != nil {
		b.Plan.nameCommits(&rec)
	}
	return &rec
}

// storedProbes are the stored form of res's probes: the search's
// judgement of each, with its cell as the bisection's own list of probes
// (in the same order) has it.
func (b *Bisection) storedProbes(res *bisect.Result) []record.BisectProbe {
	var stored []record.BisectProbe
	for i, p := range res.Probes {
		q := Probe{Probe: p}
		if i < len(b.probes) && b.probes[i].Version == p.Version {
			q.CellID, q.Built, q.NotRun, q.GoSource = b.probes[i].CellID, b.probes[i].Built, b.probes[i].NotRun, b.probes[i].GoSource
		}
		stored = append(stored, q.Record())
	}
	return stored
}

// Checkouts are the git worktrees in which probes check commits out, one
// set per repository under WorkDir/worktrees. Close removes them all.
type Checkouts struct {
	WorkDir string
	sets    map[string]*gitrepo.Worktrees
}

// Of returns the worktrees of repo, made once.
func (c *Checkouts) Of(repo *gitrepo.Repo) *gitrepo.Worktrees {
	if wt, ok := c.sets[repo.Root]; ok {
		return wt
	}
	sum := sha256.Sum256([]byte(repo.Root))
	wt := &gitrepo.Worktrees{Repo: repo, Dir: filepath.Join(c.WorkDir, "worktrees", hex.EncodeToString(sum[:6]))}
	if c.sets == nil {
		c.sets = map[string]*gitrepo.Worktrees{}
	}
	c.sets[repo.Root] = wt
	return wt
}

// Checkout checks commit of the repository holding dir out in a worktree
// and returns the module directory in it.
func (c *Checkouts) Checkout(ctx context.Context, dir, commit string) (string, error) {
	repo, err := gitrepo.Open(ctx, dir)
	if err != nil {
		return "", err
	}
	return c.Of(repo).Checkout(ctx, commit)
}

// Close removes every worktree made, also after a Ctrl-C, and returns what
// could not be removed.
func (c *Checkouts) Close(ctx context.Context) []error {
	var errs []error
	for _, wt := range c.sets {
		if err := wt.Close(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// GoBuildsText is how the conclusion of a go-commit bisection counts the
// toolchains it built: "; Go toolchains built: 1 full, 2 fast".
func GoBuildsText(gb *record.GoBuilds) string {
	return fmt.Sprintf("; Go toolchains built: %d full, %d fast", gb.Full, gb.Fast)
}

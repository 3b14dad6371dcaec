package bisection

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/gosource"
	"github.com/gorepro/gorepro/internal/record"
)

// GoSourcePlan is what the go-commit axis needs besides the candidates:
// the Go repository and how to build its commits' toolchains (see
// internal/gosource). Each probe's toolchain is kind gosource; a probe
// may be a fast build unless Full, a re-confirmation of the boundary
// always is a full one. RunIn is the host toolchain named by --toolchain,
// else the config's first toolchain when it is a host toolchain with a
// runtimeImage: each probe's binaries run where its do (its
// runtimeImage, platform and engine; on this host when it has no
// runtimeImage), so that on a Mac the Go of every commit builds linux
// binaries that run where the crash lives.
type GoSourcePlan struct {
	Repo      *gosource.Repo
	Bootstrap string
	Full      bool
	RunIn     *config.Toolchain

	mu      sync.Mutex
	reviews map[string]string
}

// toolchain is the gosource toolchain of commit c.
func (g *GoSourcePlan) toolchain(c gitrepo.Commit) config.Toolchain {
	tc := config.Toolchain{
		Name: "go-" + gitrepo.Short(c.Hash), Kind: config.KindGosource, Repo: g.Repo.Spec, Rev: c.Hash,
		Bootstrap: g.Bootstrap, Fast: !g.Full,
	}
	if g.RunIn != nil {
		tc.RuntimeImage, tc.Platform, tc.Engine = g.RunIn.RuntimeImage, g.RunIn.Platform, g.RunIn.Engine
	}
	return tc
}

// reviewedOn is the Reviewed-on: link of candidate v's message, "" when
// it has none.
func (g *GoSourcePlan) reviewedOn(v string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	if link, ok := g.reviews[v]; ok {
		return link
	}
	c, err := g.Repo.Describe(context.Background(), v)
	if g.reviews == nil {
		g.reviews = map[string]string{}
	}
	if err == nil {
		g.reviews[v] = c.ReviewedOn
	}
	return c.ReviewedOn
}

// listGoCommits lists the commits of the Go repository from --from to
// --to as the candidates.
func (p *Plan) listGoCommits(ctx context.Context, opts Options) error {
	switch {
	case opts.GoRepo == "":
		return &OptionError{Err: errors.New("--axis go-commit needs --go-repo: a clone of Go (a path, only read) or its URL, such as https://go.googlesource.com/go")}
	case len(opts.Versions) > 0:
		return &OptionError{Err: errors.New("--versions does not apply to --axis go-commit: give the range with --from and --to (tags such as go1.25.3, or commits)")}
	case opts.From == "":
		return &OptionError{Err: errors.New("--axis go-commit needs --from: the good (or bad) Go commit to start from, such as go1.25.3")}
	}
	runIn, err := goCommitRunIn(p.Config.Toolchains[0], p.Toolchains, opts.Held.Toolchain)
	if err != nil {
		return err
	}
	repo, err := gosource.OpenRepo(ctx, opts.GoRepo, opts.CacheDir)
	if err != nil {
		return optionError("--go-repo: %w", err)
	}
	if err := p.goCommits(ctx, repo, opts.From, cmp.Or(opts.To, "HEAD"), opts, runIn); err != nil {
		return optionError("--axis go-commit: %w", err)
	}
	return nil
}

// NewGoCommitPlan is the plan of a go-commit search over the commits of
// repo from from to to (tags such as go1.25.4, or commits), oldest first:
// cfg holds every other axis at one value (its first toolchain says where
// the binaries run, as on the go-commit axis), toolchains are all the
// configured ones, and opts gives Bootstrap, Full and FirstParent. The
// caller sets Pred and Threshold. gorepro explain follows a change of Go
// release, or of a gosource toolchain's commit, into Go's commits with it.
func NewGoCommitPlan(ctx context.Context, cfg *config.Config, toolchains []config.Toolchain, repo *gosource.Repo, from, to string, opts Options) (*Plan, error) {
	p := &Plan{Axis: Axis{Name: AxisGoCommit, Kind: AxisGoCommit}, Config: cfg, Toolchains: toolchains}
	runIn, err := goCommitRunIn(cfg.Toolchains[0], toolchains, "")
	if err != nil {
		return nil, err
	}
	if err := p.goCommits(ctx, repo, from, to, opts, runIn); err != nil {
		return nil, err
	}
	return p, nil
}

// goCommits makes the candidates the commits of repo from from to to,
// whose probes run where runIn runs its binaries (nil: on this host).
func (p *Plan) goCommits(ctx context.Context, repo *gosource.Repo, from, to string, opts Options, runIn *config.Toolchain) error {
	commits, err := repo.Range(ctx, from, to, opts.FirstParent)
	if err != nil {
		return err
	}
	if len(commits) < 2 {
		return fmt.Errorf("%s..%s holds no commit after %s: bisect needs at least two", from, to, from)
	}
	p.GoSource = &GoSourcePlan{Repo: repo, Bootstrap: opts.Bootstrap, Full: opts.Full, RunIn: runIn}
	p.Commits = map[string]gitrepo.Commit{}
	for _, c := range commits {
		v := gitrepo.Short(c.Hash)
		p.Candidates = append(p.Candidates, v)
		p.Commits[v] = c
	}
	return nil
}

// goCommitRunIn is the toolchain whose runtimeImage, platform and engine
// the go-commit axis's probes use: the host toolchain of toolchains (the
// configured ones) named by --toolchain (name), else first (the config's
// first toolchain) when it is a host toolchain with a runtimeImage, else
// none (they run on this host). A name that is not a configured host
// toolchain is an error that lists the host toolchains.
func goCommitRunIn(first config.Toolchain, toolchains []config.Toolchain, name string) (*config.Toolchain, error) {
	if name == "" {
		if first.Kind != config.KindImage && first.RuntimeImage != "" {
			return &first, nil
		}
		return nil, nil
	}
	var hosts []string
	for _, tc := range toolchains {
		if tc.Kind != config.KindImage {
			hosts = append(hosts, tc.Name)
		}
	}
	valid := "none: every configured toolchain is kind image"
	if len(hosts) > 0 {
		valid = strings.Join(hosts, ", ")
	}
	i := slices.IndexFunc(toolchains, func(tc config.Toolchain) bool { return tc.Name == name })
	switch {
	case i < 0:
		return nil, optionError("--toolchain: no toolchain %q in the config; on --axis go-commit it names the host toolchain whose runtimeImage, platform and engine the probes use (valid: %s)", name, valid)
	case toolchains[i].Kind == config.KindImage:
		return nil, optionError("--toolchain: %s is kind image; on --axis go-commit it names a host toolchain (local, goroot, gotoolchain, gosource) whose runtimeImage, platform and engine the probes use (valid: %s)", name, valid)
	}
	tc := toolchains[i]
	return &tc, nil
}

// searchGoCommits is Search on the go-commit axis: the boundary is always
// re-confirmed, with full builds; when a re-confirmation disagrees with a
// first probe that a fast build served, the fast path was wrong there and
// the whole search is done again with full builds only, and the
// conclusion says so.
func (b *Bisection) searchGoCommits(ctx context.Context, opts bisect.Options) (*bisect.Result, error) {
	if opts.Confirm < 0 {
		opts.Confirm = 1
	}
	res, err := bisect.Search(ctx, b.Plan.Candidates, b.probe, opts)
	if err != nil || res == nil || !res.Flaky || b.Plan.GoSource.Full || !b.fastDisagreed(res) {
		return res, err
	}
	b.Plan.GoSource.Full, b.redone = true, true
	b.cells, b.probes = nil, nil
	res, err = bisect.Search(ctx, b.Plan.Candidates, b.probe, opts)
	if res != nil {
		res.Conclusion = "the full builds of the boundary disagreed with the fast builds, so the search was redone with full builds only: " + res.Conclusion
	}
	return res, err
}

// fastDisagreed reports whether a candidate whose re-confirmation
// disagreed was first judged on a fast build.
func (b *Bisection) fastDisagreed(res *bisect.Result) bool {
	for _, p := range b.probes {
		if !p.Confirmation && p.GoSource != nil && p.GoSource.Mode == gosource.ModeFast && slices.Contains(res.FlakyVersions, p.Version) {
			return true
		}
	}
	return false
}

// judgeGoCommit judges a probe's cell as Judge does, except on the
// go-commit axis for a commit whose own toolchain crashed while make.bash
// built it (its go_bootstrap and compiler run the commit's runtime): that
// crash is the commit's crash, judged by its signature like a run's —
// golang/go#69255 was first reported as exactly that, "build fails when
// run via QEMU".
func (b *Bisection) judgeGoCommit(cell record.Cell, v string) Probe {
	bc := cell.BuildCrash
	if b.Plan.Axis.Kind != AxisGoCommit || cell.Outcome != record.BuildError || bc == nil || bc.Stage != record.StageToolchain {
		return Judge(cell, v, b.Plan.Pred, b.Plan.Threshold)
	}
	crashed := cell
	crashed.Outcome, crashed.Signature, crashed.RunResults = record.Crash, bc.Signature, nil
	for range max(b.Plan.Threshold.N, 1) { // as if every run had crashed
		crashed.RunResults = append(crashed.RunResults, record.RunResult{Outcome: record.Crash, Signature: bc.Signature})
	}
	p := Judge(crashed, v, b.Plan.Pred, b.Plan.Threshold)
	p.Note = "its toolchain crashed building itself"
	return p
}

// noteGoSource remembers how probe p's toolchain was made (for the
// record and the counts of toolchains built) and says it in its note.
func (b *Bisection) noteGoSource(p *Probe, cell record.Cell) {
	gs := cell.GoSource
	if gs == nil {
		return
	}
	p.GoSource = gs
	if b.made == nil {
		b.made = map[string]*record.GoSource{}
	}
	if key := gs.Commit + " " + gs.Mode; gs.Built && b.made[key] == nil {
		b.made[key] = gs
	}
}

// GoBuilds counts the toolchains made during a bisection on the
// go-commit axis (nil on the other axes).
func (b *Bisection) GoBuilds() *record.GoBuilds {
	if b.Plan.GoSource == nil {
		return nil
	}
	gb := &record.GoBuilds{Redone: b.redone}
	for _, gs := range b.made {
		if gs.Mode == gosource.ModeFast {
			gb.Fast++
		} else {
			gb.Full++
		}
	}
	return gb
}

// GoSourceLabel is how a probe's toolchain was made, as the answer lists
// it: "full, built", "fast on go1.26.8's tools, reused", "full
// (installed /usr/local/go)".
func GoSourceLabel(gs *record.GoSource) string {
	if gs == nil {
		return ""
	}
	how := "reused"
	if gs.Built {
		how = fmt.Sprintf("built in %.0fs", gs.Seconds)
	}
	switch {
	case gs.Failed && gs.Built:
		return "full, make.bash failed"
	case gs.Failed:
		return "full, make.bash failed (remembered)"
	case gs.Installed:
		return "full: an installed Go of the same sources"
	case gs.Mode == gosource.ModeFast:
		return "fast on the tools of " + gs.Base + ", " + how
	}
	return gs.Mode + ", " + how
}

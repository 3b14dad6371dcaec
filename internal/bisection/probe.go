package bisection

import (
	"context"
	"fmt"
	"slices"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/record"
)

// Request asks a Prober for one probe cell.
type Request struct {
	// Config holds one value of every axis: the one cell to build and run.
	Config *config.Config
	// Fresh builds and runs the cell even when an identical one is cached
	// (a re-confirmation, --no-cache).
	Fresh bool
	// Source, when set, is recorded as the cell's source: commits with one
	// tree share a checkout, whose HEAD is the first of them.
	Source *record.SourceState
}

// Prober builds and runs the cell of a request and records it in the run
// being written; the engine judges the cell it returns. An error stops the
// search (an interruption, a failure of gorepro); a cell that cannot be
// built is not an error but a cell with that outcome.
type Prober interface {
	Probe(ctx context.Context, req Request) (record.Cell, error)
}

// ProbeConfig is the one-cell config of a probe of candidate v;
// localVersion is the version of the go on PATH, which provides its own
// version on the go axis. On the commit axis the caller sets the target's
// Dir to the commit's checkout.
func (p *Plan) ProbeConfig(v, localVersion string) (*config.Config, error) {
	cfg := p.Config
	pc := *cfg
	switch p.Axis.Kind {
	case AxisProtobuf:
		pc.Protobuf = []string{v}
	case AxisModule:
		t := pc.Targets[0]
		t.Modules = map[string]string{}
		for k, mv := range cfg.Targets[0].Modules {
			t.Modules[k] = mv
		}
		t.Modules[p.Axis.Module] = v
		// Each probe's cell gets its own ID (and log directory).
		t.Name += "+" + v
		pc.Targets = []config.Target{t}
	case AxisToolchain:
		i := slices.IndexFunc(p.Toolchains, func(tc config.Toolchain) bool { return tc.Name == v })
		if i < 0 {
			return nil, fmt.Errorf("no toolchain %q in %s", v, cfg.Path)
		}
		pc.Toolchains = []config.Toolchain{p.Toolchains[i]}
	case AxisGo:
		pc.Toolchains = []config.Toolchain{GoToolchain(cfg, v, localVersion)}
	case AxisCommit:
		t := pc.Targets[0]
		t.Name += "@" + v
		pc.Targets = []config.Target{t}
	case AxisGoCommit:
		pc.Toolchains = []config.Toolchain{p.GoSource.toolchain(p.Commits[v])}
	case AxisImage:
		tc, err := p.Images.toolchain(v)
		if err != nil {
			return nil, err
		}
		pc.Toolchains = []config.Toolchain{tc}
	}
	return &pc, nil
}

// GoToolchain is the toolchain that provides Go version v: a configured
// gotoolchain of that version, the local go when it is localVersion, else
// a gotoolchain fetched by the go command.
func GoToolchain(cfg *config.Config, v, localVersion string) config.Toolchain {
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

// Bisection is one running bisection of a plan: it probes the candidates
// through Prober and keeps the latest cell of each.
type Bisection struct {
	Plan   *Plan
	Prober Prober
	// NoCache builds every probe even when an identical cell is cached.
	NoCache bool
	// LocalVersion is the version of the go on PATH, which provides its
	// own version on the go axis.
	LocalVersion string
	// Worktrees checks out the commits of the commit axis.
	Worktrees *gitrepo.Worktrees
	// Files says which GOROOT files differ between two builds
	// (compare.FileDifference, given by the command: package compare
	// depends on this one), for the answer of the image axis.
	Files func(bad, good *record.Toolchain) *record.FileDifference
	// cells holds the latest probe's cell of each candidate.
	cells map[string]record.Cell
	// probes are the probes in the order they ran, as bisect's result has
	// them, with their cells.
	probes []Probe
	// made are the toolchains the go-commit axis built (by commit and
	// mode), redone is set when its search was redone with full builds.
	made   map[string]*record.GoSource
	redone bool
	// separating are the probes of the reference repository's images on
	// the image axis, run after the search.
	separating []separatingProbe
}

// Search bisects the plan's candidates (see bisect.Search). The
// conclusion of a search that ended flaky says what may decide it.
func (b *Bisection) Search(ctx context.Context, opts bisect.Options) (*bisect.Result, error) {
	var res *bisect.Result
	var err error
	if b.Plan.Axis.Kind == AxisGoCommit {
		res, err = b.searchGoCommits(ctx, opts)
	} else {
		res, err = bisect.Search(ctx, b.Plan.Candidates, b.probe, opts)
	}
	if err == nil && res != nil && res.Flaky {
		res.Conclusion += flakyAdvice
	}
	if err == nil && b.Plan.Axis.Kind == AxisImage {
		err = b.separate(ctx, res, opts.Progress)
	}
	return res, err
}

// Cells are the latest probe cell of each candidate probed.
func (b *Bisection) Cells() map[string]record.Cell { return b.cells }

// Probes are the probes in the order they ran: those of the search's
// result, with their cells.
func (b *Bisection) Probes() []Probe { return b.probes }

// probe is the bisect.Prober: it builds and runs candidate v's cell (fresh
// for a re-confirmation) and judges it.
func (b *Bisection) probe(ctx context.Context, v string, fresh bool) (bisect.Probe, error) {
	pc, err := b.Plan.ProbeConfig(v, b.LocalVersion)
	if err == nil && b.Plan.Axis.Kind == AxisCommit {
		pc.Targets[0].Dir, err = b.Worktrees.Checkout(ctx, b.Plan.Commits[v].Hash)
	}
	if err == nil && b.Plan.Axis.Kind == AxisGoCommit && fresh {
		pc.Toolchains[0].Fast = false // the boundary is confirmed with full builds
	}
	if err != nil {
		p := Probe{Probe: bisect.Probe{Version: v, Verdict: bisect.Skip, Outcome: string(record.Unavailable), Reason: err.Error(), Note: notRunNote}, NotRun: true}
		p.Confirmation = fresh
		b.probes = append(b.probes, p)
		return p.Probe, nil
	}
	req := Request{Config: pc, Fresh: b.NoCache || fresh}
	if c, ok := b.Plan.Commits[v]; ok {
		st := c.State()
		req.Source = &st
	}
	cell, err := b.Prober.Probe(ctx, req)
	if err != nil {
		return bisect.Probe{}, err
	}
	if err := b.everyProbeFails(cell); err != nil {
		return bisect.Probe{}, err
	}
	if b.cells == nil {
		b.cells = map[string]record.Cell{}
	}
	b.cells[v] = cell
	p := b.judgeGoCommit(cell, v)
	p.Confirmation = fresh
	b.noteGoSource(&p, cell)
	b.probes = append(b.probes, p)
	return p.Probe, nil
}

// everyProbeFails returns an *InfraError when a cell of an image
// bisection is unavailable because of a failure that every other
// candidate would meet too: its registry's (unreachable, refusing the
// login, rate limiting, plain HTTP) or its engine's (down, missing, not
// allowed, out of disk). Skipping it and probing the next would pull from
// the same registry, through the same engine, for every candidate in
// turn — and count against a rate limit each time. A tag the registry
// does not have (image absent) is that candidate's own, and skipped.
func (b *Bisection) everyProbeFails(cell record.Cell) error {
	if b.Plan.Axis.Kind != AxisImage || cell.Outcome != record.Unavailable {
		return nil
	}
	var every string
	switch cell.EngineFailure {
	case container.ErrRegistry.String():
		every = "is pulled from that registry"
	case container.ErrEngineDown.String(), container.ErrEngineMissing.String(), container.ErrPermission.String(),
		container.ErrDiskFull.String(), container.ErrMountInvisible.String():
		every = "runs through that engine"
	default:
		return nil
	}
	return &InfraError{Err: fmt.Errorf("%s; stopped there: every candidate of %s %s, so no other could be judged either", cell.Reason, b.Plan.Images.Repository, every)}
}

// LatestCells keeps the last of the cells that share an ID (a boundary's
// re-confirmation probes its cell again), in the order of first
// appearance.
func LatestCells(cells []record.Cell) []record.Cell {
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

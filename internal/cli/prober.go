package cli

import (
	"context"
	"slices"
	"time"

	"github.com/gorepro/gorepro/internal/bisection"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/matrix"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runlife"
)

// cellProber is the bisection.Prober of bisect and explain: it builds and
// runs each probe's cell through one matrix runner, into the run being
// recorded by rec, and records the cell in run.
type cellProber struct {
	runner *matrix.Runner
	rec    *runlife.Recording
	run    *record.Run
}

// Probe builds and runs the cell of req and records it.
func (p *cellProber) Probe(ctx context.Context, req bisection.Request) (record.Cell, error) {
	r, cell, err := runProbeCell(ctx, p.runner, p.rec, req.Config, req.Fresh)
	if err != nil {
		return record.Cell{}, err
	}
	if req.Source != nil {
		cell.Source = req.Source
	}
	addProbeCell(p.run, r, cell)
	return cell, nil
}

// beginProbeRun starts recording a run of probe cells (a bisection, an
// explanation) under out (see runlife): the recording, which leaves
// nothing unless committed, and the run's record.
func beginProbeRun(deps Deps, out, configPath string) (*runlife.Recording, *record.Run, error) {
	rec, err := runlife.Results{Root: out}.Begin()
	if err != nil {
		return nil, nil, err
	}
	run := &record.Run{SchemaVersion: record.SchemaVersion, ID: rec.ID(), GoreproVersion: deps.Version, Started: time.Now().UTC(), Config: configPath}
	return rec, run, nil
}

// runProbeCell builds and runs the one cell of pc through runner, into
// the run being recorded by rec; noCache builds it even when cached. It
// returns the runner's run, to take its host and toolchains from, and the
// cell.
func runProbeCell(ctx context.Context, runner *matrix.Runner, rec *runlife.Recording, pc *config.Config, noCache bool) (*record.Run, record.Cell, error) {
	runner.Config = pc
	runner.NoCache = noCache
	r, err := runner.Run(ctx, rec.ID(), rec.Draft())
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

package cli

import (
	"context"
	"slices"
	"time"

	"github.com/gorepro/gorepro/internal/bisection"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/matrix"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runstore"
)

// cellProber is the bisection.Prober of bisect and explain: it builds and
// runs each probe's cell through one matrix runner, into the run being
// written by w, and records the cell in run.
type cellProber struct {
	runner *matrix.Runner
	w      *runstore.Draft
	run    *record.Run
}

// Probe builds and runs the cell of req and records it.
func (p *cellProber) Probe(ctx context.Context, req bisection.Request) (record.Cell, error) {
	r, cell, err := runProbeCell(ctx, p.runner, p.run.ID, p.w, req.Config, req.Fresh)
	if err != nil {
		return record.Cell{}, err
	}
	if req.Source != nil {
		cell.Source = req.Source
	}
	addProbeCell(p.run, r, cell)
	return cell, nil
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

// Package proberun records the runs of probe cells that `gorepro bisect`
// and `gorepro explain` make.
//
// Begin starts such a run under a results root: a runlife.Recording (which
// leaves nothing behind unless committed) and the run's record. Prober is
// the bisection.Prober of both commands: it builds and runs each probe's
// cell (a bisection.Request: a one-cell config, whether to build it even
// when cached, the source it was checked out from) through one matrix
// runner into the run being recorded, and adds the cell to the record with
// the host and the toolchains it ran on. Finish stamps the run's end; the
// command then adds its bisection or explanation and commits the run.
package proberun

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/gorepro/gorepro/internal/bisection"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/matrix"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runlife"
)

// Begin starts recording a run of probe cells under results (see
// runlife), recorded by gorepro version from the config at configPath:
// the recording, which leaves nothing unless committed, and the run's
// record.
func Begin(results runlife.Results, version, configPath string) (*runlife.Recording, *record.Run, error) {
	rec, err := results.Begin()
	if err != nil {
		return nil, nil, err
	}
	run := &record.Run{SchemaVersion: record.SchemaVersion, ID: rec.ID(), GoreproVersion: version, Started: time.Now().UTC(), Config: configPath}
	return rec, run, nil
}

// Finish stamps the end of run: when it finished, and whether ctx was
// cancelled before.
func Finish(ctx context.Context, run *record.Run) {
	run.Finished = time.Now().UTC()
	run.Interrupted = ctx.Err() != nil
}

// Prober builds and runs each probe's cell through Runner, into the run
// being recorded by Rec, and records the cell in Run.
type Prober struct {
	Runner *matrix.Runner
	Rec    *runlife.Recording
	Run    *record.Run
}

// Probe builds and runs the cell of req and records it. A run that was
// interrupted, or that made no single cell, is context.Canceled.
func (p *Prober) Probe(ctx context.Context, req bisection.Request) (record.Cell, error) {
	p.Runner.Config = req.Config
	p.Runner.NoCache = req.Fresh
	r, err := p.Runner.Run(ctx, p.Rec.ID(), p.Rec.Draft())
	if err != nil {
		return record.Cell{}, err
	}
	if r.Interrupted || len(r.Cells) != 1 {
		return record.Cell{}, context.Canceled
	}
	cell := r.Cells[0]
	if req.Source != nil {
		cell.Source = req.Source
	}
	addCell(p.Run, r, cell)
	return cell, nil
}

// addCell records a probe's cell in run, with the host and the toolchains
// of the runner's run it was made in.
func addCell(run, from *record.Run, cell record.Cell) {
	run.Host = from.Host
	for _, tc := range from.Toolchains {
		if !slices.ContainsFunc(run.Toolchains, func(t record.Toolchain) bool { return t.Name == tc.Name }) {
			run.Toolchains = append(run.Toolchains, tc)
		}
	}
	run.Cells = append(run.Cells, cell)
}

// ToolchainBuilds returns the explainer's check of a toolchain's build
// (explain.Explainer.Builds): tc resolved by runner as its runs resolve
// it, and the fingerprint of its build, or why it is not available.
func ToolchainBuilds(runner *matrix.Runner) func(ctx context.Context, tc config.Toolchain) (string, error) {
	return func(ctx context.Context, tc config.Toolchain) (string, error) {
		r := runner.ResolveToolchain(ctx, tc)
		if !r.Available {
			return "", errors.New(r.Reason)
		}
		return r.Build, nil
	}
}

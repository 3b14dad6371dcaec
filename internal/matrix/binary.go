package matrix

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/gorepro/gorepro/internal/cellbuild"
	"github.com/gorepro/gorepro/internal/classify"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/redact"
)

// runBinary runs the built binary Config.Runs times, wherever the cell's
// toolchain runs binaries, and classifies each run. The error is for a
// binary that cannot be started at all (for example an arm64 binary on an
// amd64 host without an emulator).
//
// early, when not nil, is the first run's container, started while the
// binary was built (Runner.prestart): the first run goes to it when it
// was started for exactly that run, and it is given up otherwise.
func (r *Runner) runBinary(ctx context.Context, p plan, hostArch string, cell *record.Cell, built *cellbuild.Result, binDir string, logs map[string][]byte, early *earlyRun) ([]record.RunResult, error) {
	defer early.abort(ctx)
	t := p.target
	base := r.baseRun(p, built.Binary, binDir)
	where, err := r.binaryRunnerFor(ctx, p, built.Image, cell.BinaryArch, hostArch)
	if err != nil {
		return nil, err
	}
	recordReproduce(&cell.Reproduce, where, base, p.cover)

	var logRe *regexp.Regexp
	if t.Pass.LogMatches != "" {
		logRe = regexp.MustCompile(t.Pass.LogMatches) // validated by config
	}
	var runs []record.RunResult
	leaked := 0
	for i := range r.Config.Runs {
		one, err := nthRun(base, p.cover, binDir, i+1)
		if err != nil {
			return nil, err
		}
		var res *proc.Result
		usedEarly := i == 0 && early.isFor(one)
		if usedEarly {
			res, err = early.c.Run(ctx)
		} else {
			res, err = where.run(ctx, one)
		}
		if err != nil {
			return nil, err
		}
		if res.Canceled {
			return runs, ctx.Err()
		}
		runs = append(runs, classifyRun(i+1, res, t, logRe))
		log := runLog(one.argv, res)
		if usedEarly {
			log = append(log, "[gorepro: in a fresh container started while the binary was built]\n"...)
		}
		logs[fmt.Sprintf("run-%d.log", i+1)] = log
		leaked += res.Leaked
	}
	if leaked > 0 {
		// A program that leaves daemons behind is worth knowing about.
		cell.Warnings = append(cell.Warnings, fmt.Sprintf("leaked processes: %d, killed (the program left them running after it ended)", leaked))
	}
	return runs, nil
}

// baseRun is how cell p's binary at binary runs, in binDir, before any
// per-run variable (nthRun).
func (r *Runner) baseRun(p plan, binary, binDir string) binaryRun {
	t := p.target
	base := binaryRun{
		argv:        append([]string{binary}, t.Args...),
		dir:         binDir,
		timeout:     t.RunTimeout(r.Config),
		graceSignal: syscall.SIGQUIT, // a hung Go program dumps its goroutines
		grace:       2 * time.Second,
	}
	if t.Pass.AliveFor > 0 {
		base.timeout, base.graceSignal = t.Pass.AliveFor.D(), 0
	}
	for _, k := range slices.Sorted(maps.Keys(t.Env)) {
		base.env = append(base.env, k+"="+t.Env[k])
	}
	return base
}

// nthRun is run n (from 1) of base: with cover, its own empty GOCOVERDIR
// under binDir.
func nthRun(base binaryRun, cover bool, binDir string, n int) (binaryRun, error) {
	if !cover {
		return base, nil
	}
	covDir, err := coverDir(binDir, n)
	if err != nil {
		return binaryRun{}, err
	}
	base.env = append(slices.Clone(base.env), "GOCOVERDIR="+covDir)
	return base, nil
}

// recordReproduce adds to rep how to run the binary by hand, after its
// build: the command, with the target's variables redacted and, with
// -cover, a GOCOVERDIR (the first run's in Run and RunEnv).
func recordReproduce(rep *record.Reproduce, where binaryRunner, base binaryRun, cover bool) {
	r := base
	r.env = nil
	for _, kv := range base.env {
		r.env = append(r.env, redact.Env(kv))
	}
	argv, env, script := where.reproduce(r, cover)
	rep.Run, rep.RunEnv = argv, env
	if rep.Script != "" {
		rep.Script += "\n"
	}
	rep.Script += script
}

// judgeRuns records in cell its runs and their verdict: the outcome of
// the runs together (flaky when they differ, with the count of each), and
// the reason, tail and hint of the first run with that outcome.
func judgeRuns(cell *record.Cell, runs []record.RunResult) {
	cell.RunResults = runs
	cell.Runs = len(runs)
	for _, rr := range runs {
		cell.RunSeconds += rr.Seconds
		if rr.Outcome == record.Crash {
			cell.Crashes++
		}
	}
	cell.RunSeconds = round(cell.RunSeconds)
	cell.Outcome, cell.Flaky, cell.OutcomeCounts, cell.Signature, cell.Frames = classify.Aggregate(runs)
	if !cell.Flaky {
		cell.OutcomeCounts = nil
	}
	for _, rr := range runs {
		if rr.Outcome == cell.Outcome {
			cell.Reason, cell.Tail, cell.Hint = rr.Reason, rr.Tail, rr.Hint
			break
		}
	}
}

// coverDir makes run n's empty GOCOVERDIR under binDir, writable by
// whatever user a runtime image runs as.
func coverDir(binDir string, n int) (string, error) {
	dir := filepath.Join(binDir, fmt.Sprintf("cover-%d", n))
	if err := resetDir(dir); err != nil {
		return "", err
	}
	return dir, os.Chmod(dir, 0o777)
}

// classifyRun judges run n of target t from how it ended.
func classifyRun(n int, res *proc.Result, t config.Target, logRe *regexp.Regexp) record.RunResult {
	v := classify.Classify(classify.Input{
		Output:        res.Output,
		ExitCode:      res.ExitCode,
		Signal:        res.Signal,
		TimedOut:      res.TimedOut,
		PassExitCodes: t.Pass.ExitCodes,
		LogMatches:    logRe,
		AliveFor:      t.Pass.AliveFor > 0,
	})
	rr := record.RunResult{
		Index:     n,
		Outcome:   v.Outcome,
		ExitCode:  res.ExitCode,
		Seconds:   round(res.Duration.Seconds()),
		Signature: v.Signature,
		Frames:    v.Frames,
		Reason:    v.Reason,
		Hint:      v.Hint,
		Truncated: res.Truncated,
	}
	for _, line := range v.Tail {
		rr.Tail = append(rr.Tail, redact.Text(line))
	}
	if res.Signaled() {
		rr.Signal = classify.SignalName(res.Signal)
	}
	return rr
}

// runLog is a run's log file: the command, then everything it printed, then
// how it ended.
func runLog(argv []string, res *proc.Result) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "$ %s\n", strings.Join(argv, " "))
	b.Write(res.Output)
	if len(res.Output) > 0 && res.Output[len(res.Output)-1] != '\n' {
		b.WriteByte('\n')
	}
	switch {
	case res.TimedOut:
		fmt.Fprintf(&b, "[gorepro: stopped at the deadline after %.1fs]\n", res.Duration.Seconds())
	case res.Signaled():
		fmt.Fprintf(&b, "[gorepro: killed by %s after %.1fs]\n", classify.SignalName(res.Signal), res.Duration.Seconds())
	default:
		fmt.Fprintf(&b, "[gorepro: exit status %d after %.1fs]\n", res.ExitCode, res.Duration.Seconds())
	}
	return []byte(b.String())
}

func round(s float64) float64 {
	return float64(int64(s*1000+0.5)) / 1000
}

// resetDir makes dir an empty directory.
func resetDir(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.MkdirAll(dir, 0o755)
}

package faults

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runstore"
)

// scenarios lists the fault scenarios in the order they run.
func scenarios() []scenario {
	return []scenario{
		{"daemon in a new session", leakScenario("daemon")},
		{"double fork", leakScenario("doublefork")},
		{"program ignores SIGTERM/SIGINT/SIGQUIT", stubbornScenario},
		{"SIGINT (Ctrl-C)", signalScenario(syscall.SIGINT, 130)},
		{"SIGTERM (CI cancel)", signalScenario(syscall.SIGTERM, 143)},
		{"second Ctrl-C", secondSignalScenario},
		{"SIGKILL mid-cell, the next run cleans up", sigkillScenario},
		{"full --out disk", storageScenario("size=64k", true)},
		{"read-only --out", storageScenario("ro,size=1m", false)},
		{"full cache disk", fullCacheScenario},
		{"corrupt cache entry", corruptCacheScenario},
		{"shared cache, 4 processes x 2 rounds --rebuild", sharedCacheScenario},
		{"crafted run directory", craftedRunScenario},
		{"container engine dies mid-run", engineScenario},
		{"daemon started in a container", containerDaemonScenario},
		{"SIGKILL with a builder container", builderKillScenario},
	}
}

// runJSON runs gorepro matrix with args and --json, and returns its exit
// status, the run and stderr.
func (f *fixture) runJSON(t *testing.T, args ...string) (int, *record.Run, string) {
	t.Helper()
	cmd := f.gorepro(append([]string{"matrix", "--json", "-q", "-j", "2"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	code := exitCode(err)
	var run record.Run
	if json.Unmarshal(out, &run) != nil {
		return code, nil, stderr.String()
	}
	return code, &run, stderr.String()
}

// exitCode is a finished command's exit status (-1 when it did not run).
func exitCode(err error) int {
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exitErr):
		return exitErr.ExitCode()
	}
	return -1
}

// cellSummary is "outcome signature" of the cell of target, with its
// warnings.
func cellSummary(run *record.Run, target string) (string, []string) {
	if run == nil {
		return "no run", nil
	}
	for _, c := range run.Cells {
		if c.Target == target {
			return strings.TrimSpace(string(c.Outcome) + " " + c.Signature), c.Warnings
		}
	}
	return "no cell", nil
}

// leakScenario runs a program that leaves a process behind (never from
// the cache: GOREPRO_FAULTS_RUNS repeats it with one cache).
func leakScenario(target string) func(t *testing.T, f *fixture) row {
	return func(t *testing.T, f *fixture) row {
		cfg := f.config(t, target+".json", []string{target})
		code, run, stderr := f.runJSON(t, "--config", cfg, "--out", "out-"+target, "--no-cache")
		outcome, warnings := cellSummary(run, target)
		left := processesUnder(f.dir)
		observed := fmt.Sprintf("exit %d, %s, warnings %q, %d processes left", code, outcome, warnings, len(left))
		ok := code == 0 && outcome == "pass" && len(warnings) == 1 && strings.HasPrefix(warnings[0], "leaked processes: 1, killed") && len(left) == 0
		if !ok {
			observed += "; " + stderr
		}
		return row{expected: "exit 0, pass, leaked processes: 1, killed, 0 left", observed: observed, ok: ok}
	}
}

// stubbornScenario: a program that ignores the polite signals is still
// killed at its deadline.
func stubbornScenario(t *testing.T, f *fixture) row {
	cfg := f.config(t, "stubborn.json", []string{"stubborn"})
	start := time.Now()
	code, run, _ := f.runJSON(t, "--config", cfg, "--out", "out-stubborn", "--no-cache")
	took := time.Since(start).Round(time.Second)
	outcome, _ := cellSummary(run, "stubborn")
	left := processesUnder(f.dir)
	return row{expected: "exit 0, timeout at its 3s deadline, 0 left",
		observed: fmt.Sprintf("exit %d, %s after %s, %d left", code, outcome, took, len(left)),
		ok:       code == 0 && strings.HasPrefix(outcome, "timeout") && took < time.Minute && len(left) == 0}
}

// startMatrix starts gorepro matrix over quick and stubborn (-j 1, so quick
// finishes first) and returns when quick has finished and stubborn runs.
func (f *fixture) startMatrix(t *testing.T, out string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cfg := f.config(t, "signal.json", []string{"quick", "stubborn"})
	cmd := f.gorepro("matrix", "--config", cfg, "--out", out, "-j", "1", "--no-cache")
	lines := startUntilFirstCell(t, cmd)
	for deadline := time.Now().Add(2 * time.Minute); !f.running("stubborn"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatal("stubborn did not start")
		}
	}
	return cmd, lines
}

// startUntilFirstCell starts a gorepro matrix of two cells and returns
// its stderr lines once the first cell has finished.
func startUntilFirstCell(t *testing.T, cmd *exec.Cmd) *bufio.Scanner {
	t.Helper()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	for lines.Scan() && !strings.HasPrefix(lines.Text(), "[1/2]") {
	}
	return lines
}

// running reports whether a program of the fixture called name runs.
func (f *fixture) running(name string) bool {
	for _, p := range processesUnder(f.dir) {
		if strings.HasSuffix(p, ":"+name) {
			return true
		}
	}
	return false
}

// storedState says what a results root holds: the committed runs, the
// finished cells of the latest, and partial directories.
func storedState(root string) string {
	entries, _ := os.ReadDir(root)
	runs, partial := 0, 0
	for _, e := range entries {
		switch {
		case strings.HasPrefix(e.Name(), ".incomplete-") && e.IsDir():
			partial++
		case strings.HasPrefix(e.Name(), "."):
		case e.IsDir():
			runs++
		}
	}
	finished := 0
	if run, _, err := runstore.Load(root); err == nil {
		for _, c := range run.Cells {
			if !c.Interrupted {
				finished++
			}
		}
	}
	return fmt.Sprintf("%d runs, %d finished cells, %d partial", runs, finished, partial)
}

// signalScenario sends sig while the second cell runs.
func signalScenario(sig syscall.Signal, want int) func(t *testing.T, f *fixture) row {
	return func(t *testing.T, f *fixture) row {
		// A results root of its own: GOREPRO_FAULTS_RUNS repeats the scenario.
		out, err := os.MkdirTemp(f.dir, fmt.Sprintf("out-signal-%d-", sig))
		if err != nil {
			t.Fatal(err)
		}
		cmd, lines := f.startMatrix(t, out)
		_ = cmd.Process.Signal(sig)
		for lines.Scan() {
		}
		code := exitCode(cmd.Wait())
		state := storedState(out)
		left := processesUnder(f.dir)
		return row{expected: fmt.Sprintf("exit %d, 1 runs, 1 finished cells, 0 partial, 0 left", want),
			observed: fmt.Sprintf("exit %d, %s, %d left", code, state, len(left)),
			ok:       code == want && state == "1 runs, 1 finished cells, 0 partial" && len(left) == 0}
	}
}

// secondSignalScenario: a second Ctrl-C stops at once.
func secondSignalScenario(t *testing.T, f *fixture) row {
	out := filepath.Join(f.dir, "out-second")
	cmd, lines := f.startMatrix(t, out)
	start := time.Now()
	_ = cmd.Process.Signal(syscall.SIGINT)
	_ = cmd.Process.Signal(syscall.SIGINT)
	for lines.Scan() {
	}
	code := exitCode(cmd.Wait())
	took := time.Since(start)
	left := processesUnder(f.dir)
	return row{expected: "exit 130 within 5s, 0 left",
		observed: fmt.Sprintf("exit %d after %s, %d left", code, took.Round(100*time.Millisecond), len(left)),
		ok:       code == 130 && took < 5*time.Second && len(left) == 0}
}

// sigkillScenario: gorepro killed by SIGKILL in the middle of a cell
// (what a CI system does when its grace period after SIGTERM runs out):
// it cannot clean up, so its partial run directory and its cell's program
// stay behind; the next gorepro removes and kills them.
func sigkillScenario(t *testing.T, f *fixture) row {
	out := filepath.Join(f.dir, "out-sigkill")
	cmd, lines := f.startMatrix(t, out)
	_ = cmd.Process.Signal(syscall.SIGKILL)
	go func() {
		for lines.Scan() {
		}
	}()
	code := exitCode(cmd.Wait())
	leftBefore := len(processesUnder(f.dir))
	stateBefore := storedState(out)
	cfg := f.config(t, "quick.json", []string{"quick"})
	next, _, stderr := f.runJSON(t, "--config", cfg, "--out", out)
	state := storedState(out)
	left := processesUnder(f.dir)
	observed := fmt.Sprintf("killed (exit %d) leaving %s and %d processes; next run exit %d, %s, %d left", code, stateBefore, leftBefore, next, state, len(left))
	ok := leftBefore > 0 && strings.HasSuffix(stateBefore, "1 partial") && next == 0 && strings.HasSuffix(state, "0 partial") && len(left) == 0
	if !ok {
		observed += "; " + stderr
	}
	return row{expected: "left 1 partial and its program; next run exit 0, 0 partial, 0 left", observed: observed, ok: ok}
}

// mount mounts a tmpfs with opts at dir; ok is false (with why) when this
// machine cannot (not root, no mount).
func mount(t *testing.T, dir, opts string) (ok bool, why string) {
	t.Helper()
	if os.Geteuid() != 0 {
		return false, "needs root to mount a small file system"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, err.Error()
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir).CombinedOutput(); err != nil {
		return false, fmt.Sprintf("mount: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return true, ""
}

// fill fills the file system at dir.
func fill(dir string) {
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		return
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			return
		}
	}
}

// storageScenario: results that cannot be written. A previous run in the
// same root and its latest link survive; the cells stay cached.
func storageScenario(opts string, full bool) func(t *testing.T, f *fixture) row {
	return func(t *testing.T, f *fixture) row {
		mnt := filepath.Join(f.dir, "mnt-"+strings.NewReplacer(",", "-", "=", "-").Replace(opts))
		ok, why := mount(t, mnt, strings.Replace(opts, "ro,", "", 1))
		if !ok {
			return row{expected: "exit 3", observed: why, skipped: true}
		}
		cfg := f.config(t, "quick.json", []string{"quick"})
		out := filepath.Join(mnt, "results")
		if first, _, stderr := f.runJSON(t, "--config", cfg, "--out", out); first != 0 {
			return row{expected: "exit 3", observed: "the first run failed: " + stderr}
		}
		before := storedState(out)
		latest, _ := os.Readlink(filepath.Join(out, "latest"))
		if full {
			fill(mnt)
		} else if err := exec.Command("mount", "-o", "remount,ro", mnt).Run(); err != nil {
			return row{expected: "exit 3", observed: "remount ro: " + err.Error(), skipped: true}
		}
		code, _, stderr := f.runJSON(t, "--config", cfg, "--out", out, "--no-cache")
		after := storedState(out)
		latestAfter, _ := os.Readlink(filepath.Join(out, "latest"))
		cached, run, _ := f.runJSON(t, "--config", cfg, "--out", filepath.Join(f.dir, "out-after-storage"))
		wasCached := run != nil && len(run.Cells) == 1 && run.Cells[0].Cached
		names := strings.Contains(stderr, out)
		observed := fmt.Sprintf("exit %d, path named %t, %s (before: %s), latest kept %t, cells cached %t (exit %d)", code, names, after, before, latest == latestAfter, wasCached, cached)
		return row{expected: "exit 3, path named, no partial, previous run and latest kept, cells cached",
			observed: observed, ok: code == 3 && names && after == before && latest == latestAfter && wasCached}
	}
}

// fullCacheScenario: a cache that cannot take the cells is a warning.
func fullCacheScenario(t *testing.T, f *fixture) row {
	mnt := filepath.Join(f.dir, "mnt-cache")
	ok, why := mount(t, mnt, "size=64k")
	if !ok {
		return row{expected: "exit 0 with a warning", observed: why, skipped: true}
	}
	fill(mnt)
	cfg := f.config(t, "quick.json", []string{"quick"})
	cmd := f.gorepro("matrix", "--config", cfg, "--out", filepath.Join(f.dir, "out-fullcache"), "--cache-dir", mnt, "-q")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	code := exitCode(cmd.Run())
	warned := strings.Contains(stderr.String(), "warning")
	return row{expected: "exit 0 (or 3 when even the work dir cannot be made), a warning", observed: fmt.Sprintf("exit %d, warning %t: %s", code, warned, firstLine(stderr.String())),
		ok: (code == 0 && warned) || (code == 3 && strings.Contains(stderr.String(), mnt))}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// corruptCacheScenario: a truncated cache entry is a miss with a warning,
// and is replaced.
func corruptCacheScenario(t *testing.T, f *fixture) row {
	cfg := f.config(t, "crasher.json", []string{"crasher"})
	f.runJSON(t, "--config", cfg, "--out", filepath.Join(f.dir, "out-corrupt"))
	entries, _ := filepath.Glob(filepath.Join(f.cache, "cells", "*", "*", "cell.json"))
	for _, e := range entries {
		data, _ := os.ReadFile(e)
		if bytes.Contains(data, []byte(`"target": "crasher"`)) {
			_ = os.WriteFile(e, data[:len(data)/2], 0o644)
		}
	}
	_, run, stderr := f.runJSON(t, "--config", cfg, "--out", filepath.Join(f.dir, "out-corrupt"))
	outcome, _ := cellSummary(run, "crasher")
	warned := strings.Contains(stderr, "is corrupt")
	_, again, _ := f.runJSON(t, "--config", cfg, "--out", filepath.Join(f.dir, "out-corrupt"))
	replaced := again != nil && len(again.Cells) == 1 && again.Cells[0].Cached
	return row{expected: "rebuilt with a warning, crash, replaced (next run cached)",
		observed: fmt.Sprintf("warning %t, %s, replaced %t", warned, outcome, replaced),
		ok:       warned && strings.HasPrefix(outcome, "crash panic: assignment to entry in nil map") && replaced}
}

// sharedCacheScenario: processes sharing one cache never see each other's
// half-written binaries or entries.
func sharedCacheScenario(t *testing.T, f *fixture) row {
	a := f.config(t, "shared-a.json", []string{"quick", "crasher"})
	b := f.config(t, "shared-b.json", []string{"crasher"})
	want := map[string]string{"quick": "pass", "crasher": "crash panic: assignment to entry in nil map in main.main"}
	var mu sync.Mutex
	var wrong []string
	runs := 0
	var wg sync.WaitGroup
	for p := range 4 {
		cfg := []string{a, b}[p%2]
		wg.Go(func() {
			for round := range 2 {
				code, run, stderr := f.runJSON(t, "--config", cfg, "--rebuild", "--fail-on", "none", "--out", fmt.Sprintf("out-shared-%d", p))
				mu.Lock()
				runs++
				if code != 0 || run == nil {
					wrong = append(wrong, fmt.Sprintf("p%d r%d exit %d %s", p, round, code, firstLine(stderr)))
				} else {
					for _, c := range run.Cells {
						if got := strings.TrimSpace(string(c.Outcome) + " " + c.Signature); got != want[c.Target] {
							wrong = append(wrong, fmt.Sprintf("p%d r%d %s: %s (%s)", p, round, c.Target, got, c.Reason))
						}
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return row{expected: "8 runs, every cell right", observed: fmt.Sprintf("%d runs, %d wrong %s", runs, len(wrong), strings.Join(wrong, "; ")), ok: runs == 8 && len(wrong) == 0}
}

// craftedRunScenario: a run directory from a fork's artifact whose logs
// point out of it, and a cell id that climbs out of --out.
func craftedRunScenario(t *testing.T, f *fixture) row {
	secret := filepath.Join(f.dir, "secret.txt")
	writeFiles(t, f.dir, map[string]string{"secret.txt": "panic: TOP-SECRET\n"})
	dir := filepath.Join(f.dir, "crafted", "20260101T000000Z-dead")
	writeFiles(t, dir, map[string]string{"cells/c/keep.txt": "x"})
	_ = os.Symlink(secret, filepath.Join(dir, "cells", "c", "run-1.log"))
	run := fmt.Sprintf(`{"schemaVersion": 2, "id": "20260101T000000Z-dead", "cells": [{"id": "c", "toolchain": "t", "target": "x", "outcome": "crash", "signature": "panic: x",
  "logs": {"build": "../../secret.txt", "runs": ["cells/c/run-1.log", %q]}, "runResults": [{"index": 1, "outcome": "crash", "log": "cells/c/run-1.log"}, {"index": 2, "outcome": "crash", "log": %q}]}]}`, secret, secret)
	writeFiles(t, dir, map[string]string{"results.json": run})
	quoted := false
	for _, format := range []string{"markdown", "html", "text", "junit"} {
		out, _ := f.gorepro("report", dir, "--format", format).Output()
		quoted = quoted || bytes.Contains(out, []byte("TOP-SECRET"))
	}
	escape := strings.Replace(run, `"id": "c"`, `"id": "../../escaped"`, 1)
	writeFiles(t, filepath.Join(f.dir, "crafted2", "r"), map[string]string{"results.json": escape})
	code := exitCode(f.gorepro("merge", filepath.Join(f.dir, "crafted2", "r"), "--out", filepath.Join(f.dir, "merged-crafted")).Run())
	_, escapedErr := os.Stat(filepath.Join(f.dir, "escaped"))
	return row{expected: "nothing quoted from outside; merge exit 2, nothing written outside --out",
		observed: fmt.Sprintf("quoted %t; merge exit %d, written outside %t", quoted, code, escapedErr == nil),
		ok:       !quoted && code == 2 && escapedErr != nil}
}

// testImages says why the local test images cannot be used, or "".
func testImages() string {
	real, err := exec.LookPath("podman")
	if err == nil {
		err = exec.Command(real, "image", "exists", "localhost/gorepro-test/go:1.26.8").Run()
	}
	if err != nil {
		return "no podman or no test image (scripts/build-test-images.sh): " + err.Error()
	}
	return ""
}

// containerDaemonScenario: a program in a container that starts a daemon
// (in a new session) and exits: the container goes, and its daemon with it.
func containerDaemonScenario(t *testing.T, f *fixture) row {
	expected := "exit 0, pass, no container and no process left"
	if why := testImages(); why != "" {
		return row{expected: expected, observed: why, skipped: os.Getenv("GOREPRO_REQUIRE_ENGINE") != "1"}
	}
	image := `{"name": "img", "kind": "image", "engine": "podman", "image": "localhost/gorepro-test/go:1.26.8", "runtimeImage": "localhost/gorepro-test/runtime:latest"}`
	cfg := f.config(t, "container-daemon.json", []string{"daemon"}, image)
	code, run, stderr := f.runJSON(t, "--config", cfg, "--out", filepath.Join(f.dir, "out-container-daemon"), "--toolchain", "img")
	outcome, _ := cellSummary(run, "daemon")
	containers := f.containers()
	left := processesUnder(f.dir)
	observed := fmt.Sprintf("exit %d, %s, %d containers and %d processes left", code, outcome, len(containers), len(left))
	ok := code == 0 && outcome == "pass" && len(containers) == 0 && len(left) == 0
	if !ok {
		observed += "; " + firstLine(stderr)
	}
	return row{expected: expected, observed: observed, ok: ok}
}

// engineScenario: podman stops answering in the middle of a run (a
// wrapper on PATH that fails every call from the first one that runs a
// cell's binary: the builds before went to the builder container).
func engineScenario(t *testing.T, f *fixture) row {
	real, err := exec.LookPath("podman")
	if err == nil {
		err = exec.Command(real, "image", "exists", "localhost/gorepro-test/go:1.26.8").Run()
	}
	if err != nil {
		if os.Getenv("GOREPRO_REQUIRE_ENGINE") == "1" {
			return row{expected: "image cells unavailable, others go on", observed: "no podman or test image: " + err.Error()}
		}
		return row{expected: "image cells unavailable, others go on", observed: "no podman or no test image (scripts/build-test-images.sh)", skipped: true}
	}
	bin := filepath.Join(f.dir, "wrapper")
	counter := filepath.Join(f.dir, "podman-calls")
	down := filepath.Join(f.dir, "podman-down")
	writeFiles(t, bin, map[string]string{"podman": fmt.Sprintf(`#!/bin/sh
n=$(cat %[1]q 2>/dev/null || echo 0)
n=$((n+1))
echo "$n" > %[1]q
case "$*" in *gorepro.role=run*) [ -n "$FAIL_FROM_RUN" ] && : > %[3]q ;; esac
if [ -e %[3]q ]; then
  echo "Error: unable to connect to Podman socket: dial unix /run/podman/podman.sock: connect: no such file or directory" >&2
  exit 125
fi
exec %[2]q "$@"
`, counter, real, down)})
	_ = os.Chmod(filepath.Join(bin, "podman"), 0o755)
	image := `{"name": "img", "kind": "image", "engine": "podman", "image": "localhost/gorepro-test/go:1.26.8", "runtimeImage": "localhost/gorepro-test/runtime:latest"}`
	cfg := f.config(t, "engine.json", []string{"quick", "crasher"}, image)
	run := func(failFromRun string) (int, *record.Run, string) {
		_ = os.Remove(counter)
		_ = os.Remove(down)
		cmd := f.gorepro("matrix", "--config", cfg, "--out", filepath.Join(f.dir, "out-engine"), "--no-cache", "--json", "-q", "-j", "1", "--fail-on", "none")
		cmd.Env = append(cmd.Env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "FAIL_FROM_RUN="+failFromRun)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		var r record.Run
		if json.Unmarshal(out, &r) != nil {
			return exitCode(err), nil, stderr.String()
		}
		return exitCode(err), &r, stderr.String()
	}
	_, good, stderr := run("")
	data, _ := os.ReadFile(counter)
	var calls int
	fmt.Sscan(string(bytes.TrimSpace(data)), &calls)
	if good == nil || calls < 4 {
		return row{expected: "a good run first", observed: fmt.Sprintf("%d podman calls; %s", calls, firstLine(stderr))}
	}
	code, broken, stderr := run("1")
	data, _ = os.ReadFile(counter)
	var failedCalls int
	fmt.Sscan(string(bytes.TrimSpace(data)), &failedCalls)
	var local, unavailable, imageCells int
	if broken != nil {
		for _, c := range broken.Cells {
			switch {
			case c.Toolchain == "local" && c.Outcome != record.Unavailable:
				local++
			case c.Toolchain == "img":
				imageCells++
				if c.Outcome == record.Unavailable {
					unavailable++
				}
			}
		}
	}
	observed := fmt.Sprintf("exit %d; local cells that ran %d/2; image cells unavailable %d/%d (podman failing from the first run of a binary; %d calls, %d in a good run)", code, local, unavailable, imageCells, failedCalls, calls)
	ok := broken != nil && local == 2 && unavailable >= 1 && (code == 0 || code == 1)
	if !ok {
		observed += "; " + firstLine(stderr)
	}
	return row{expected: "local cells run, the image cells after the failure unavailable, exit 0/1", observed: observed, ok: ok}
}

// builderKillScenario: gorepro is killed (SIGKILL: no cleanup of its own)
// while its builder container lives; the builder ends by itself (its
// builderd reads end of file on the standard input gorepro held), and
// the next run finds nothing of it.
func builderKillScenario(t *testing.T, f *fixture) row {
	expected := "a builder was running; it ended by itself; next run exit 0, no container left"
	if why := testImages(); why != "" {
		return row{expected: expected, observed: why, skipped: os.Getenv("GOREPRO_REQUIRE_ENGINE") != "1"}
	}
	image := `{"name": "img", "kind": "image", "engine": "podman", "image": "localhost/gorepro-test/go:1.26.8", "runtimeImage": "localhost/gorepro-test/runtime:latest"}`
	cfg := f.config(t, "builder-kill.json", []string{"quick", "stubborn"}, image)
	out := filepath.Join(f.dir, "out-builder-kill")
	cmd := f.gorepro("matrix", "--config", cfg, "--out", out, "--toolchain", "img", "-j", "1", "--no-cache")
	// The first cell was built in the builder, which lives until the run
	// ends: the second cell builds or runs now.
	lines := startUntilFirstCell(t, cmd)
	builders := f.builders()
	_ = cmd.Process.Signal(syscall.SIGKILL)
	go func() {
		for lines.Scan() {
		}
	}()
	code := exitCode(cmd.Wait())
	// podman wait returns when the container has exited (at once when it
	// is already gone).
	ended := 0
	for _, id := range builders {
		res, err := exec.Command("podman", "wait", id).CombinedOutput()
		if err == nil || strings.Contains(strings.ToLower(string(res)), "no such container") {
			ended++
		}
	}
	next, _, nextErr := f.runJSON(t, "--config", f.config(t, "builder-next.json", []string{"quick"}, image), "--out", out, "--toolchain", "img")
	left := f.containers()
	observed := fmt.Sprintf("killed (exit %d) with %d builder(s); %d ended by themselves; next run exit %d, %d containers left", code, len(builders), ended, next, len(left))
	ok := code == -1 && len(builders) == 1 && ended == 1 && next == 0 && len(left) == 0
	if !ok {
		observed += "; " + firstLine(nextErr)
	}
	return row{expected: expected, observed: observed, ok: ok}
}

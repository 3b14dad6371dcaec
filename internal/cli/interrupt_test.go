package cli_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runstore"
)

// TestInterruptKeepsFinishedCellsAndResumes sends a real SIGINT to a real
// gorepro while its second cell is being built or run: the finished cell is
// kept, the other is marked interrupted, the exit status is 130, nothing of
// the cell's processes is left behind, and the next run resumes from the
// cache.
func TestInterruptKeepsFinishedCellsAndResumes(t *testing.T) {
	f := newInterruptFixture(t, `{"name": "local", "kind": "local"}`)
	f.interruptSecondCell(t, "local", nil)
	assert.Empty(t, processesRunning(t, f.cache), "no process of the interrupted cell survives")
	f.resume(t)
}

// interruptFixture is a built gorepro and a two-cell matrix in a temporary
// directory: one toolchain × a quick target that passes and a slow one that
// hangs until its 4 s timeout.
type interruptFixture struct {
	dir, bin, cache string
	// matrixArgs are the arguments of every matrix run after "matrix".
	matrixArgs []string
}

// newInterruptFixture builds gorepro and writes the app and a
// toolchains.json whose only toolchain is toolchainJSON; extraArgs are added
// to every matrix run.
func newInterruptFixture(t *testing.T, toolchainJSON string, extraArgs ...string) *interruptFixture {
	t.Helper()
	dir := t.TempDir()
	f := &interruptFixture{
		dir:        dir,
		bin:        filepath.Join(dir, "gorepro"),
		cache:      filepath.Join(dir, "cache"),
		matrixArgs: append([]string{"-j", "1", "--config", "toolchains.json"}, extraArgs...),
	}
	build := exec.Command("go", "build", "-o", f.bin, "../../cmd/gorepro")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	writeFiles(t, filepath.Join(dir, "app"), map[string]string{
		"go.mod":            "module example.com/app\n\ngo 1.23\n",
		"cmd/quick/main.go": "package main\n\nfunc main() { println(\"ok\") }\n",
		"cmd/slow/main.go":  "package main\n\nimport \"time\"\n\nfunc main() { time.Sleep(time.Hour) }\n",
	})
	writeFiles(t, dir, map[string]string{"toolchains.json": `{
  "toolchains": [` + toolchainJSON + `],
  "protobuf": ["v1.36.10"],
  "targets": [
    {"name": "quick", "kind": "package", "dir": "app", "package": "./cmd/quick"},
    {"name": "slow", "kind": "package", "dir": "app", "package": "./cmd/slow", "timeout": "4s"}
  ]
}`})
	return f
}

// matrix returns an unstarted matrix run of the fixture.
func (f *interruptFixture) matrix(args ...string) *exec.Cmd {
	cmd := exec.Command(f.bin, append(append([]string{"matrix"}, f.matrixArgs...), args...)...)
	cmd.Dir = f.dir
	cmd.Env = append(os.Environ(), "GOREPRO_CACHE="+f.cache)
	return cmd
}

// interruptSecondCell starts a matrix run, waits until its first cell (of
// toolchain toolchainName) has finished, calls beforeSignal (if any) with
// gorepro's pid, and sends SIGINT. It checks what every interrupted run must
// show: exit status 130, the interruption line, and a results store with the
// quick cell passed and the slow one unavailable and interrupted. It
// returns gorepro's pid.
func (f *interruptFixture) interruptSecondCell(t *testing.T, toolchainName string, beforeSignal func(pid int)) int {
	t.Helper()
	cmd := f.matrix()
	lines, seen := startUntil(t, cmd, "[1/2]")
	require.Contains(t, strings.Join(seen, "\n"), "[1/2] "+toolchainName, "the first cell finished")
	pid := cmd.Process.Pid
	if beforeSignal != nil {
		beforeSignal(pid)
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	for lines.Scan() {
		seen = append(seen, lines.Text())
	}
	err := cmd.Wait()
	t.Logf("gorepro's progress, interrupted:\n%s", strings.Join(seen, "\n"))
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, strings.Join(seen, "\n"))
	assert.Equal(t, 130, exitErr.ExitCode())
	assert.Contains(t, strings.Join(seen, "\n"), "interrupted: 1 of 2 cells finished")

	run, _, err := runstore.Load(filepath.Join(f.dir, "results"))
	require.NoError(t, err)
	assert.True(t, run.Interrupted)
	require.Len(t, run.Cells, 2)
	assert.Equal(t, "quick", run.Cells[0].Target)
	assert.Equal(t, record.Pass, run.Cells[0].Outcome)
	assert.False(t, run.Cells[0].Interrupted)
	assert.Equal(t, "slow", run.Cells[1].Target)
	assert.Equal(t, record.Unavailable, run.Cells[1].Outcome)
	assert.True(t, run.Cells[1].Interrupted)
	return pid
}

// resume runs the matrix again and checks that it resumes: the finished
// cell comes from the cache, the interrupted one runs (and times out, which
// is not a crash: exit 0). It returns the rerun's pid.
func (f *interruptFixture) resume(t *testing.T) int {
	t.Helper()
	cmd := f.matrix("--json")
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	out, err := cmd.Output()
	require.NoError(t, err, errOut.String())
	var rerun record.Run
	require.NoError(t, json.Unmarshal(out, &rerun))
	require.Len(t, rerun.Cells, 2)
	assert.True(t, rerun.Cells[0].Cached)
	assert.Equal(t, record.Pass, rerun.Cells[0].Outcome)
	assert.False(t, rerun.Cells[1].Cached)
	assert.Equal(t, record.Timeout, rerun.Cells[1].Outcome)
	return cmd.Process.Pid
}

// startUntil starts cmd and reads its stderr until a line starting with
// prefix (or the end); it returns the scanner, to read the rest, and the
// lines read so far.
func startUntil(t *testing.T, cmd *exec.Cmd, prefix string) (*bufio.Scanner, []string) {
	t.Helper()
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	// A test that stops early must not leave gorepro writing into its
	// temporary directory (registered after it, so run before its removal)
	// or its containers running: stop it as a user would, twice.
	t.Cleanup(func() {
		if cmd.ProcessState != nil {
			return
		}
		_ = cmd.Process.Signal(syscall.SIGINT)
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	var seen []string
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		seen = append(seen, lines.Text())
		if strings.HasPrefix(lines.Text(), prefix) {
			break
		}
	}
	return lines, seen
}

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
}

// processesRunning lists the executables of live processes (zombies left
// out) that lie under dir, once those still exiting have had a few seconds
// to become zombies or go.
func processesRunning(t *testing.T, dir string) []string {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if found := liveUnder(dir); len(found) == 0 || time.Now().After(deadline) {
			return found
		}
	}
}

// liveUnder lists the executables of live processes (zombies left out)
// that lie under dir.
func liveUnder(dir string) []string {
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err != nil || !strings.HasPrefix(exe, dir) {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // gone
		}
		if i := bytes.LastIndexByte(stat, ')'); i > 0 && i+2 < len(stat) && (stat[i+2] == 'Z' || stat[i+2] == 'X') {
			continue // dead, waiting to be reaped
		}
		found = append(found, exe)
	}
	return found
}

// waitUntilRunning waits until a program built under dir runs, for
// a signal to reach a cell while its program runs.
func waitUntilRunning(t *testing.T, dir string) {
	t.Helper()
	require.Eventually(t, func() bool { return len(liveUnder(dir)) > 0 }, 2*time.Minute, 20*time.Millisecond,
		"no program under %s started", dir)
}

// TestInterruptBisect sends SIGINT to a real bisection over two toolchains
// while its second probe runs: exit status 130 and a message that counts
// probes, never "n of n cells finished" (a bisection does not know how many
// probes it would have needed).
func TestInterruptBisect(t *testing.T) {
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	require.NoError(t, err)
	f := newInterruptFixture(t, `{"name": "local", "kind": "local"}, {"name": "goroot", "kind": "goroot", "goroot": "`+strings.TrimSpace(string(goroot))+`"}`)
	cmd := exec.Command(f.bin, "bisect", "--config", "toolchains.json", "--axis", "toolchain", "--target", "slow", "--bad-if", "timeout")
	cmd.Dir = f.dir
	cmd.Env = append(os.Environ(), "GOREPRO_CACHE="+f.cache)
	lines, seen := startUntil(t, cmd, "bisect: probe local:")
	require.Contains(t, strings.Join(seen, "\n"), "bisect: probe local: bad (timeout", "the first probe finished")
	waitUntilRunning(t, f.cache) // the second probe's program (the first's was killed at its timeout)
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	for lines.Scan() {
		seen = append(seen, lines.Text())
	}
	err = cmd.Wait()
	all := strings.Join(seen, "\n")
	t.Logf("gorepro's progress, interrupted:\n%s", all)
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, all)
	assert.Equal(t, 130, exitErr.ExitCode())
	assert.Contains(t, all, "interrupted: 1 probe finished before the search over 2 candidates could end; run again to resume from the cache")
	assert.NotContains(t, all, "cells finished")

	run, _, err := runstore.Load(filepath.Join(f.dir, "results"))
	require.NoError(t, err)
	assert.True(t, run.Interrupted)
	require.NotNil(t, run.Bisect)
	require.Len(t, run.Bisect.Probes, 1)
	assert.Equal(t, "local", run.Bisect.Probes[0].Version)
}

// TestInterruptCommitBisect sends SIGINT to a real bisection of a git
// history while its second probe runs (a commit whose program hangs): exit
// status 130, and the worktrees gorepro checked the commits out in are
// gone, from the disk and from git's list, with the user's tree untouched.
func TestInterruptCommitBisect(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs git")
	}
	f := newInterruptFixture(t, `{"name": "local", "kind": "local"}`)
	app := filepath.Join(f.dir, "app")
	git := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-C", app}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Dev", "GIT_AUTHOR_EMAIL=dev@example.com", "GIT_COMMITTER_NAME=Dev", "GIT_COMMITTER_EMAIL=dev@example.com", "GIT_CONFIG_NOSYSTEM=1", "HOME="+f.dir)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %s: %s", args, out)
		return string(out)
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-qm", "quick passes")
	// The next commit makes quick hang until its timeout.
	writeFiles(t, app, map[string]string{"cmd/quick/main.go": "package main\n\nimport \"time\"\n\nfunc main() { time.Sleep(time.Hour) }\n"})
	git("commit", "-qam", "quick hangs")
	cmd := exec.Command(f.bin, "bisect", "--config", "toolchains.json", "--axis", "commit", "--target", "quick", "--from", "HEAD~1", "--timeout", "20s")
	cmd.Dir = f.dir
	cmd.Env = append(os.Environ(), "GOREPRO_CACHE="+f.cache)
	lines, seen := startUntil(t, cmd, "bisect: probe ")
	require.Contains(t, strings.Join(seen, "\n"), ": good (pass", "the first probe finished")
	waitUntilRunning(t, f.cache) // the second probe's program (the first's has exited)
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	for lines.Scan() {
		seen = append(seen, lines.Text())
	}
	err := cmd.Wait()
	all := strings.Join(seen, "\n")
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, all)
	assert.Equal(t, 130, exitErr.ExitCode(), all)

	assert.Equal(t, 1, strings.Count(git("worktree", "list"), "\n"), "only the user's own worktree is left")
	assert.Empty(t, git("status", "--porcelain"), "the user's tree is untouched")
	checkouts, err := filepath.Glob(filepath.Join(f.cache, "work", "worktrees", "*", "*"))
	require.NoError(t, err)
	assert.Empty(t, checkouts, "no checkout is left in the work directory")
	assert.Empty(t, processesRunning(t, f.cache), "no process of the interrupted probe survives")
}

// TestSIGTERMExits143 sends SIGTERM, what a CI system sends on cancel, to a
// real matrix while its second cell runs: the finished cell is kept, the
// run is stored as interrupted, and the exit status is 143, as shells
// report it, not 130.
func TestSIGTERMExits143(t *testing.T) {
	f := newInterruptFixture(t, `{"name": "local", "kind": "local"}`)
	cmd := f.matrix()
	lines, seen := startUntil(t, cmd, "[1/2]")
	require.Contains(t, strings.Join(seen, "\n"), "[1/2] local", "the first cell finished")
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	for lines.Scan() {
		seen = append(seen, lines.Text())
	}
	err := cmd.Wait()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, strings.Join(seen, "\n"))
	assert.Equal(t, 143, exitErr.ExitCode(), strings.Join(seen, "\n"))
	run, _, err := runstore.Load(filepath.Join(f.dir, "results"))
	require.NoError(t, err)
	assert.True(t, run.Interrupted)
	assert.Equal(t, record.Pass, run.Cells[0].Outcome)
	assert.Empty(t, processesRunning(t, f.cache), "no process of the stopped cell survives")
}

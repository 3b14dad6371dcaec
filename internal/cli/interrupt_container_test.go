package cli_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/results"
)

// TestInterruptInContainersLeavesNothingAndResumes is
// TestInterruptKeepsFinishedCellsAndResumes with an image toolchain under
// Podman: a real SIGINT while the second cell is built or hangs in its
// container keeps the finished cell, marks the other interrupted, exits 130,
// and leaves no container labelled gorepro=1 and no process behind; the next
// run resumes from the cache.
func TestInterruptInContainersLeavesNothingAndResumes(t *testing.T) {
	if err := engineReady(); err != nil {
		if os.Getenv("GOREPRO_REQUIRE_ENGINE") == "1" {
			t.Fatalf("GOREPRO_REQUIRE_ENGINE=1 but %v", err)
		}
		t.Skipf("container test skipped: %v", err)
	}

	dir := t.TempDir()
	bin := filepath.Join(dir, "gorepro")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/gorepro")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	app := filepath.Join(dir, "app")
	writeFiles(t, app, map[string]string{
		"go.mod":            "module example.com/app\n\ngo 1.23\n",
		"cmd/quick/main.go": "package main\n\nfunc main() { println(\"ok\") }\n",
		"cmd/slow/main.go":  "package main\n\nimport \"time\"\n\nfunc main() { time.Sleep(time.Hour) }\n",
	})
	writeFiles(t, dir, map[string]string{"toolchains.json": `{
  "pull": "never",
  "toolchains": [{"name": "img", "kind": "image", "image": "localhost/gorepro-test/go:local",
                  "runtimeImage": "localhost/gorepro-test/runtime:latest"}],
  "protobuf": ["v1.36.10"],
  "targets": [
    {"name": "quick", "kind": "package", "dir": "app", "package": "./cmd/quick"},
    {"name": "slow", "kind": "package", "dir": "app", "package": "./cmd/slow", "timeout": "4s"}
  ]
}`})
	cache := filepath.Join(dir, "cache")
	matrix := func() *exec.Cmd {
		cmd := exec.Command(bin, "matrix", "-j", "1", "--config", "toolchains.json", "--pull", "never")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOREPRO_CACHE="+cache)
		return cmd
	}

	cmd := matrix()
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var seen []string
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		seen = append(seen, lines.Text())
		if strings.HasPrefix(lines.Text(), "[1/2]") {
			break
		}
	}
	require.Contains(t, strings.Join(seen, "\n"), "[1/2] img", "the first cell finished")
	// Interrupt while the second cell's program hangs in its container,
	// which the engine would keep running after gorepro is gone.
	pid := cmd.Process.Pid
	waitFor(t, 30*time.Second, func() bool { return len(containersOf(t, pid, "gorepro.role=run")) > 0 })
	require.NotEmpty(t, containersOf(t, pid, "gorepro.role=run"), "the slow cell's program runs in a container")
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	for lines.Scan() {
		seen = append(seen, lines.Text())
	}
	err = cmd.Wait()
	t.Logf("gorepro's progress, interrupted:\n%s", strings.Join(seen, "\n"))
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, strings.Join(seen, "\n"))
	assert.Equal(t, 130, exitErr.ExitCode())
	assert.Contains(t, strings.Join(seen, "\n"), "interrupted: 1 of 2 cells finished")

	run, _, err := results.Load(filepath.Join(dir, "results"))
	require.NoError(t, err)
	assert.True(t, run.Interrupted)
	require.Len(t, run.Cells, 2)
	assert.Equal(t, results.Pass, run.Cells[0].Outcome)
	assert.False(t, run.Cells[0].Interrupted)
	assert.Equal(t, "quick", run.Cells[0].Target)
	assert.Equal(t, results.Unavailable, run.Cells[1].Outcome)
	assert.True(t, run.Cells[1].Interrupted)
	assert.Equal(t, "slow", run.Cells[1].Target)

	// Nothing is left behind: no container (removal by the engine may take
	// a moment after gorepro exits), no process.
	waitFor(t, 10*time.Second, func() bool { return len(containersOf(t, pid)) == 0 })
	assert.Empty(t, containersOf(t, pid), "no container labelled gorepro=1 of the interrupted run remains")
	assert.Empty(t, processesRunning(t, cache), "no process of the interrupted cell survives")
	assert.Empty(t, processesMentioning(t, dir), "no engine client or program of the run survives")

	// The next run resumes: the finished cell comes from the cache, the
	// interrupted one runs in its container (and times out, which is not a
	// crash: exit 0).
	cmd = matrix()
	cmd.Args = append(cmd.Args, "--json")
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	out2, err := cmd.Output()
	require.NoError(t, err, errOut.String())
	var rerun results.Run
	require.NoError(t, json.Unmarshal(out2, &rerun))
	require.Len(t, rerun.Cells, 2)
	assert.True(t, rerun.Cells[0].Cached)
	assert.Equal(t, results.Pass, rerun.Cells[0].Outcome)
	assert.False(t, rerun.Cells[1].Cached)
	assert.Equal(t, results.Timeout, rerun.Cells[1].Outcome)
	assert.Empty(t, containersOf(t, cmd.Process.Pid), "the timed-out container was removed")
}

// containersOf lists the names of the containers, running or not, labelled
// gorepro=1 by the gorepro process pid (other packages' tests may run
// containers at the same time) and with the other labels given.
func containersOf(t *testing.T, pid int, labels ...string) []string {
	t.Helper()
	args := []string{"ps", "-a", "--filter", "label=gorepro=1", "--filter", "label=gorepro.pid=" + strconv.Itoa(pid)}
	for _, l := range labels {
		args = append(args, "--filter", "label="+l)
	}
	out, err := exec.Command("podman", append(args, "--format", "{{.Names}}")...).Output()
	require.NoError(t, err)
	return strings.Fields(string(out))
}

// processesMentioning lists the command lines of live processes whose
// arguments mention dir (engine clients mount the cell's directories).
func processesMentioning(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	for _, e := range entries {
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, []byte(dir)) {
			continue
		}
		found = append(found, strings.ReplaceAll(string(cmdline), "\x00", " "))
	}
	return found
}

// waitFor polls cond until it holds or d has passed.
func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if cond() {
			return
		}
	}
}

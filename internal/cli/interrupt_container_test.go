package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/testneed"
)

// TestInterruptInContainersLeavesNothingAndResumes is
// TestInterruptKeepsFinishedCellsAndResumes with an image toolchain under
// Podman: a real SIGINT while the second cell is built or hangs in its
// container keeps the finished cell, marks the other interrupted, exits 130,
// and leaves no container labelled gorepro=1 and no process behind; the next
// run resumes from the cache.
func TestInterruptInContainersLeavesNothingAndResumes(t *testing.T) {
	if err := engineReady(); err != nil {
		testneed.Engine(t, "container test skipped: "+err.Error())
	}

	f := newInterruptFixture(t, `{"name": "img", "kind": "image", "image": "localhost/gorepro-test/go:local",
                  "runtimeImage": "localhost/gorepro-test/runtime:latest"}`, "--pull", "never")
	// Interrupt while the second cell's program hangs in its container,
	// which the engine would keep running after gorepro is gone.
	pid := f.interruptSecondCell(t, "img", func(pid int) {
		// Running, not only there: the quick cell's exited container may
		// still be listed until its removal in the background.
		waitFor(t, 30*time.Second, func() bool { return len(runningContainersOf(t, pid, "gorepro.role=run")) > 0 })
		require.NotEmpty(t, runningContainersOf(t, pid, "gorepro.role=run"), "the slow cell's program runs in a container")
	})

	// Nothing is left behind: no container (removal by the engine may take
	// a moment after gorepro exits), no process.
	waitFor(t, 10*time.Second, func() bool { return len(containersOf(t, pid)) == 0 })
	assert.Empty(t, containersOf(t, pid), "no container labelled gorepro=1 of the interrupted run remains")
	assert.Empty(t, processesRunning(t, f.cache), "no process of the interrupted cell survives")
	assert.Empty(t, processesMentioning(t, f.dir), "no engine client or program of the run survives")

	// The next run resumes, the interrupted cell in its container.
	rerunPID := f.resume(t)
	assert.Empty(t, containersOf(t, rerunPID), "the timed-out container was removed")
}

// containersOf lists the names of the containers, running or not, labelled
// gorepro=1 by the gorepro process pid (other packages' tests may run
// containers at the same time) and with the other labels given.
func containersOf(t *testing.T, pid int, labels ...string) []string {
	t.Helper()
	return listContainers(t, []string{"ps", "-a"}, pid, labels)
}

// listContainers runs podman with args and filters for gorepro's
// containers of pid carrying labels, and returns their names.
func listContainers(t *testing.T, args []string, pid int, labels []string) []string {
	t.Helper()
	args = append(slices.Clone(args), "--filter", "label=gorepro=1", "--filter", "label=gorepro.pid="+strconv.Itoa(pid))
	for _, l := range labels {
		args = append(args, "--filter", "label="+l)
	}
	out, err := exec.Command("podman", append(args, "--format", "{{.Names}}")...).Output()
	require.NoError(t, err)
	return strings.Fields(string(out))
}

// runningContainersOf is containersOf without the containers that have
// exited.
func runningContainersOf(t *testing.T, pid int, labels ...string) []string {
	t.Helper()
	return listContainers(t, []string{"ps", "-a", "--filter", "status=running"}, pid, labels)
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

// TestSecondInterruptRemovesContainers: a second signal, which stops gorepro
// at once without waiting for its cells, removes the containers it started
// before it exits (the engine would keep a hanging program's container
// running for ever). The two signals differ (SIGINT, then SIGTERM), since the
// Go runtime may merge two identical signals that arrive together.
func TestSecondInterruptRemovesContainers(t *testing.T) {
	if err := engineReady(); err != nil {
		testneed.Engine(t, "container test skipped: "+err.Error())
	}
	f := newInterruptFixture(t, `{"name": "img", "kind": "image", "image": "localhost/gorepro-test/go:local",
                  "runtimeImage": "localhost/gorepro-test/runtime:latest"}`, "--pull", "never")
	cmd := f.matrix()
	lines, seen := startUntil(t, cmd, "[1/2]")
	pid := cmd.Process.Pid
	// Running, not only there: the quick cell's exited container may still
	// be listed until its removal in the background.
	waitFor(t, 30*time.Second, func() bool { return len(runningContainersOf(t, pid, "gorepro.role=run")) > 0 })
	require.NotEmpty(t, runningContainersOf(t, pid, "gorepro.role=run"), "the slow cell's program runs in a container")

	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	for lines.Scan() {
		seen = append(seen, lines.Text())
	}
	err := cmd.Wait()
	all := strings.Join(seen, "\n")
	t.Logf("gorepro's progress, stopped twice:\n%s", all)
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, all)
	assert.Contains(t, []int{130, 143}, exitErr.ExitCode())
	assert.Regexp(t, `gorepro: (interrupt|terminated) again: stopped at once \(\d+ processes killed, \d+ containers removed\)`, all)
	// Gone when gorepro has exited: no waiting for the engine.
	assert.Empty(t, containersOf(t, pid), "no container labelled gorepro=1 of the stopped run remains")
	// An engine client attached to a removed container (a builder's, a
	// run's) returns on its own once the engine tells it, which takes a
	// moment under load.
	waitFor(t, 10*time.Second, func() bool { return len(processesMentioning(t, f.dir)) == 0 })
	assert.Empty(t, processesMentioning(t, f.dir), "no engine client or program of the run survives")
}

package cli_test

import (
	"bufio"
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

	"github.com/gorepro/gorepro/results"
)

// TestInterruptKeepsFinishedCellsAndResumes sends a real SIGINT to a real
// gorepro while its second cell is being built or run: the finished cell is
// kept, the other is marked interrupted, the exit status is 130, nothing of
// the cell's processes is left behind, and the next run resumes from the
// cache.
func TestInterruptKeepsFinishedCellsAndResumes(t *testing.T) {
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
  "toolchains": [{"name": "local", "kind": "local"}],
  "protobuf": ["v1.36.10"],
  "targets": [
    {"name": "quick", "kind": "package", "dir": "app", "package": "./cmd/quick"},
    {"name": "slow", "kind": "package", "dir": "app", "package": "./cmd/slow", "timeout": "4s"}
  ]
}`})
	matrix := func() *exec.Cmd {
		cmd := exec.Command(bin, "matrix", "-j", "1", "--config", "toolchains.json")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOREPRO_CACHE="+filepath.Join(dir, "cache"))
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
	require.Contains(t, strings.Join(seen, "\n"), "[1/2] local", "the first cell finished")
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	for lines.Scan() {
		seen = append(seen, lines.Text())
	}
	err = cmd.Wait()
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
	assert.Equal(t, results.Unavailable, run.Cells[1].Outcome)
	assert.True(t, run.Cells[1].Interrupted)
	assert.Empty(t, processesRunning(t, filepath.Join(dir, "cache")), "no process of the interrupted cell survives")

	// The next run resumes: the finished cell comes from the cache, the
	// interrupted one runs (and times out, which is not a crash: exit 0).
	cmd = matrix()
	cmd.Args = append(cmd.Args, "--json")
	out2, err := cmd.Output()
	require.NoError(t, err)
	var rerun results.Run
	require.NoError(t, json.Unmarshal(out2, &rerun))
	require.Len(t, rerun.Cells, 2)
	assert.True(t, rerun.Cells[0].Cached)
	assert.Equal(t, results.Pass, rerun.Cells[0].Outcome)
	assert.False(t, rerun.Cells[1].Cached)
	assert.Equal(t, results.Timeout, rerun.Cells[1].Outcome)
}

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
}

// processesRunning lists the command lines of live processes whose
// executable lies under dir.
func processesRunning(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	deadline := time.Now().Add(2 * time.Second)
	for _, e := range entries {
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err != nil || !strings.HasPrefix(exe, dir) {
			continue
		}
		// A process being reaped may still be listed for a moment.
		for time.Now().Before(deadline) {
			if _, err := os.Stat(filepath.Join("/proc", e.Name())); err != nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if _, err := os.Stat(filepath.Join("/proc", e.Name())); err == nil {
			found = append(found, exe)
		}
	}
	return found
}

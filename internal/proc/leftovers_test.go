package proc

import (
	"context"
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
)

// TestTrackKillsWhatEscapesTheGroup: a command that leaves a daemon in a new
// session, a double-forked child, or a child that ignores signals exits 0;
// with Track, whatever it left is killed when it ends and counted, and
// nothing of it is still running.
func TestTrackKillsWhatEscapesTheGroup(t *testing.T) {
	for _, tool := range []string{"sh", "setsid", "sleep"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s", tool)
		}
	}
	require.NoError(t, BecomeSubreaper())
	tests := []struct {
		name, script string
		leaked       int
	}{
		// Each command waits a moment, so that its child has left the
		// group before the group is killed.
		{"daemon in a new session", `setsid sleep 301 </dev/null >/dev/null 2>&1 & echo "$!"; sleep 0.2`, 1},
		{"double fork", `setsid sh -c 'sleep 302 </dev/null >/dev/null 2>&1 & echo "$!"'; sleep 0.2; exit 0`, 1},
		{"ignores signals", `(trap '' TERM INT HUP QUIT; exec setsid sleep 303 </dev/null >/dev/null 2>&1) & echo "$!"; sleep 0.2`, 1},
		{"nothing left", `echo none`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), Cmd{Argv: []string{"sh", "-c", tt.script}, Timeout: 30 * time.Second, Track: true})
			require.NoError(t, err)
			assert.Equal(t, 0, res.ExitCode, "%s", res.Output)
			assert.Equal(t, tt.leaked, res.Leaked)
			if pid, err := strconv.Atoi(strings.TrimSpace(string(res.Output))); err == nil {
				assert.False(t, alive(pid), "process %d is still running", pid)
			}
		})
	}

	// Without Track the daemon escapes: what Track is for.
	res, err := Run(context.Background(), Cmd{Argv: []string{"sh", "-c", `setsid sleep 304 </dev/null >/dev/null 2>&1 & echo "$!"; sleep 0.2`}, Timeout: 30 * time.Second})
	require.NoError(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(res.Output)))
	require.NoError(t, err)
	assert.True(t, alive(pid), "an untracked daemon outlives its command")
	_ = syscall.Kill(pid, syscall.SIGKILL)
	reap(pid)
}

// TestTrackLeavesNoSurvivors: programs that leave processes behind in the
// ways that race with the scan for marked processes — exiting while their
// daemons are still in execve, a chain of double forks each born while its
// parent dies, a process that keeps forking — leave nothing running once Run
// has returned. Run under CPU load (make stress) this is the regression test
// of a daemon that outlived its cell.
func TestTrackLeavesNoSurvivors(t *testing.T) {
	require.NoError(t, BecomeSubreaper())
	bin := buildTestdata(t, "leaker")
	tests := []struct {
		name string
		args []string
	}{
		{"daemons still starting when the program exits", []string{"daemon", "8"}},
		{"chain of double forks", []string{"chain", "8"}},
		{"keeps forking", []string{"spawner"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), Cmd{Argv: append([]string{bin}, tt.args...), Timeout: time.Minute, Track: true})
			require.NoError(t, err)
			require.Equal(t, 0, res.ExitCode, "%s", res.Output)
			assert.Positive(t, res.Leaked)
			left := running(bin)
			for _, pid := range left {
				_ = syscall.Kill(pid, syscall.SIGKILL) // a failure leaves nothing behind
			}
			assert.Empty(t, left, "processes of %s still running after Run returned (%d killed)", bin, res.Leaked)
		})
	}
}

// running lists the live processes (zombies and processes past releasing
// their memory left out) that run the executable bin.
func running(bin string) []int {
	var found []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err != nil || exe != bin {
			continue
		}
		if pid, err := strconv.Atoi(e.Name()); err == nil && !zombie(pid) {
			found = append(found, pid)
		}
	}
	return found
}

// TestKillOrphans: marked processes whose gorepro no longer runs are
// killed by the next gorepro; those of a live gorepro are not.
func TestKillOrphans(t *testing.T) {
	if _, err := exec.LookPath("sleep"); err != nil {
		t.Skip("needs sleep")
	}
	start := func(marker string) *exec.Cmd {
		cmd := exec.Command("sleep", "305")
		cmd.Env = append(os.Environ(), MarkerVar+"="+marker)
		require.NoError(t, cmd.Start())
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		return cmd
	}
	// A pid that no process has: the gorepro that started it is gone.
	dead := start("999999999." + pidNamespace() + ".deadbeef")
	live := start(strconv.Itoa(os.Getppid()) + "." + pidNamespace() + ".cafe")
	// A gorepro in another PID namespace: its pid means nothing here.
	other := start("999999998.4026531999.beef")
	// Another gorepro starting meanwhile (tests of other packages run at
	// the same time) may kill it first: what matters is that it is gone.
	KillOrphans()
	assert.Eventually(t, func() bool { return !alive(dead.Process.Pid) }, 10*time.Second, 20*time.Millisecond,
		"the orphan was killed") // a zombie counts as gone
	assert.True(t, alive(live.Process.Pid), "a live gorepro's process is left alone")
	assert.True(t, alive(other.Process.Pid), "another PID namespace's gorepro's process is left alone")
}

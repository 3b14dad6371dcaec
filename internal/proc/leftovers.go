package proc

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// MarkerVar is the environment variable that marks every process a
// tracked Cmd starts, and every process those start (the environment is
// inherited): "<gorepro's pid>.<its PID namespace>.<random>". A daemon that leaves the
// process group (setsid, a double fork) still carries it, so that
// KillMarked finds it after the command ends. A process that clears its
// environment escapes the marker; the subreaper (BecomeSubreaper) still
// makes it gorepro's child, and Leftovers count it.
const MarkerVar = "GOREPRO_PROC"

// newMarker returns a fresh marker for one command: "<pid>.<pid
// namespace>.<random>". The namespace keeps a gorepro from taking the
// processes of a gorepro in another PID namespace (a CI container) for
// orphans: the pid in their marker means nothing in its own.
func newMarker() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return ownPrefix() + hex.EncodeToString(b[:])
}

// ownPrefix starts the markers of this gorepro: "<pid>.<pid namespace>.".
func ownPrefix() string {
	return fmt.Sprintf("%d.%s.", os.Getpid(), pidNamespace())
}

// pidNamespace identifies this process's PID namespace (the inode of
// /proc/self/ns/pid), or "0" where it cannot be read.
func pidNamespace() string {
	link, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		return "0"
	}
	return strings.Trim(strings.TrimPrefix(link, "pid:"), "[]")
}

// markedProcesses lists the pids of live processes (zombies left out)
// whose environment holds MarkerVar with a value that match accepts.
// Processes whose environment cannot be read (another user's) are skipped.
func markedProcesses(match func(marker string) bool) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	self := os.Getpid()
	prefix := []byte(MarkerVar + "=")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue
		}
		for kv := range bytes.SplitSeq(env, []byte{0}) {
			if v, ok := bytes.CutPrefix(kv, prefix); ok && match(string(v)) && !zombie(pid) {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}

// zombie reports whether pid has exited and waits to be reaped.
func zombie(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true // gone
	}
	// pid (comm) S ...: the state follows the last ')'.
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] == 'Z' || stat[i+2] == 'X'
}

// KillMarked kills every process that carries marker, as often as needed
// for a forking one (up to a second), reaps those that became gorepro's
// children, and returns how many it killed.
func KillMarked(marker string) int {
	killed := map[int]bool{}
	deadline := time.Now().Add(time.Second)
	for {
		pids := markedProcesses(func(m string) bool { return m == marker })
		if len(pids) == 0 || time.Now().After(deadline) {
			break
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			killed[pid] = true
		}
		time.Sleep(20 * time.Millisecond)
	}
	for pid := range killed {
		reap(pid)
	}
	return len(killed)
}

// reap waits for pid when it is gorepro's child (a subreaper inherits
// orphans), so that it does not stay a zombie; it never waits for anyone
// else's child, nor blocks.
func reap(pid int) {
	for range 50 {
		var ws syscall.WaitStatus
		got, err := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
		if err != nil || got == pid {
			return // not our child, or reaped
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// KillOrphans kills the marked processes of gorepro processes that no
// longer run (a gorepro killed with SIGKILL could not clean up), and
// returns how many it killed.
func KillOrphans() int {
	n := 0
	ns := pidNamespace()
	for _, pid := range markedProcesses(func(m string) bool {
		parts := strings.SplitN(m, ".", 3)
		if len(parts) != 3 || parts[1] != ns {
			return false // another PID namespace's gorepro, or not a marker
		}
		p, err := strconv.Atoi(parts[0])
		return err == nil && p != os.Getpid() && !alive(p)
	}) {
		if syscall.Kill(pid, syscall.SIGKILL) == nil {
			n++
			reap(pid)
		}
	}
	return n
}

// alive reports whether a process with pid exists (and is not a zombie).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return (err == nil || err == syscall.EPERM) && !zombie(pid)
}

// KillOwn kills every marked process of this gorepro (all its tracked
// commands' processes and their descendants), for a stop at once, and
// returns how many it killed.
func KillOwn() int {
	own := ownPrefix()
	n := 0
	for _, pid := range markedProcesses(func(m string) bool { return strings.HasPrefix(m, own) }) {
		if syscall.Kill(pid, syscall.SIGKILL) == nil {
			n++
		}
	}
	return n
}

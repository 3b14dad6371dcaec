package proc

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
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
// environment escapes the marker, and so does one whose environment
// gorepro may not read (it ran a set-user-ID program, or gorepro is not
// root and it changed user); the subreaper (BecomeSubreaper) still makes
// it gorepro's child.
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

// killLimit bounds how long KillMarked, KillOrphans and KillOwn go on
// scanning and killing: only a process that cannot die (stuck in
// uninterruptible sleep in the kernel) or stays in execve holds them that
// long; on a loaded machine a killed process may take seconds to exit.
const killLimit = 30 * time.Second

// procInfo is what a scan needs from /proc/<pid>/stat.
type procInfo struct {
	state byte // R, S, D, Z (zombie), X (dead), …
	// kthread: a kernel thread, which has no memory and no environment.
	kthread bool
	// start is when the process started, in clock ticks since boot.
	start uint64
	// envStart is where its environment lies in its memory: 0 while execve
	// has switched to the new memory but not yet copied the environment
	// there, and once an exiting process has released its memory.
	envStart uint64
}

// pfKthread is PF_KTHREAD in the flags field of /proc/<pid>/stat.
const pfKthread = 0x00200000

// readProcInfo reads /proc/<pid>/stat; ok is false when the process is gone.
func readProcInfo(pid int) (info procInfo, ok bool) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procInfo{}, false
	}
	// "pid (comm) state ppid …": comm may hold spaces and parentheses, the
	// fields follow the last ')'. fields[0] is field 3 of proc(5).
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return procInfo{}, false
	}
	fields := strings.Fields(string(stat[i+1:]))
	if len(fields) < 20 {
		return procInfo{}, false
	}
	field := func(n int) uint64 {
		if n-3 >= len(fields) {
			return 0
		}
		v, _ := strconv.ParseUint(fields[n-3], 10, 64)
		return v
	}
	return procInfo{
		state:    fields[0][0],
		kthread:  field(9)&pfKthread != 0,
		start:    field(22),
		envStart: field(50), // 0 too when we may not read its memory
	}, true
}

// startTime is when pid started, in the clock ticks of /proc/<pid>/stat
// (0 when it cannot be read).
func startTime(pid int) uint64 {
	info, _ := readProcInfo(pid)
	return info.start
}

// scan is what one scan of /proc found.
type scan struct {
	// killed are the live processes whose marker matched; they were sent
	// SIGKILL as soon as they were found.
	killed []int
	// unsettled are live processes whose environment cannot be told yet,
	// which may carry the marker: in execve between the switch to the new
	// memory and the copy of the environment into it, reading
	// /proc/<pid>/environ gives nothing (or ESRCH), and so it does while a
	// process exits.
	unsettled []int
}

// scanner scans /proc for marked processes, again and again within one
// KillMarked, KillOrphans or KillOwn.
type scanner struct {
	self int
	// match says whether a marker is one to kill.
	match func(marker string) bool
	// since leaves out the processes started before it (clock ticks since
	// boot): they cannot carry the marker of a command started later.
	since uint64
	// empty holds the processes earlier scans saw with a set-up but empty
	// environment: one is unsettled the first time it is seen so (execve
	// sets the environment's bounds before it copies the environment),
	// then left alone (its environment was cleared: env -i).
	empty map[int]bool
}

// scan lists /proc and examines every process, and lists it again and
// examines the processes born meanwhile, until a listing finds none: a
// process that forks and exits between the listing of /proc and the
// reading of its environment leaves a child that no listing made before
// the fork holds. SIGKILL goes to each marked process as soon as it is
// found; a process with SIGKILL pending cannot fork any more (the kernel
// fails the fork), so a child it made before is one of those born
// meanwhile. A scan that kills nothing and finds nothing unsettled thus
// proves that no live process carries a matching marker, unless the
// deadline cut it short.
func (s *scanner) scan(deadline time.Time) scan {
	var sc scan
	seen := map[int]bool{}
	for time.Now().Before(deadline) {
		entries, err := os.ReadDir("/proc")
		if err != nil {
			return sc
		}
		born := 0
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || pid == s.self || seen[pid] {
				continue
			}
			seen[pid] = true
			born++
			switch s.examine(pid) {
			case marked:
				if syscall.Kill(pid, syscall.SIGKILL) == nil {
					sc.killed = append(sc.killed, pid)
				}
			case unsettled:
				sc.unsettled = append(sc.unsettled, pid)
			}
		}
		if born == 0 {
			break
		}
	}
	return sc
}

// state is what examine makes of a process.
type state int

const (
	unmarked  state = iota // no matching marker, gone, a zombie, or not ours to read
	marked                 // alive with a matching marker
	unsettled              // alive, its environment cannot be read yet
)

// examine reads pid's environment.
func (s *scanner) examine(pid int) state {
	info, ok := readProcInfo(pid)
	if !ok || info.state == 'Z' || info.state == 'X' || info.kthread || info.start < s.since {
		return unmarked
	}
	env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return unmarked // gone, or not ours to read (another user's, undumpable)
	case err == nil && len(env) > 0:
		prefix := []byte(MarkerVar + "=")
		for kv := range bytes.SplitSeq(env, []byte{0}) {
			if v, ok := bytes.CutPrefix(kv, prefix); ok && s.match(string(v)) && !zombie(pid) {
				return marked
			}
		}
		return unmarked
	}
	// Nothing to read, or ESRCH from a live process: in execve or exiting,
	// unless it has died meanwhile or its environment is empty.
	info, ok = readProcInfo(pid)
	if !ok || info.state == 'Z' || info.state == 'X' {
		return unmarked
	}
	if err == nil && info.envStart != 0 {
		if s.empty[pid] {
			return unmarked
		}
		s.empty[pid] = true
	}
	return unsettled
}

// zombie reports whether pid has exited and waits to be reaped, or is gone.
func zombie(pid int) bool {
	info, ok := readProcInfo(pid)
	return !ok || info.state == 'Z' || info.state == 'X'
}

// killMatching kills the processes started at or after since whose marker
// match accepts, scan after scan (with a growing pause), until a scan
// kills none and finds none unsettled, or limit passes; it reaps those
// that are gorepro's children and returns how many it killed. A killed
// process is found marked, then unsettled while it exits, until it is a
// zombie: the last scan also proves that every killed process is dead.
func killMatching(match func(marker string) bool, since uint64, limit time.Duration) int {
	s := &scanner{self: os.Getpid(), match: match, since: since, empty: map[int]bool{}}
	killed := map[int]bool{}
	deadline := time.Now().Add(limit)
	pause := time.Millisecond
	for time.Now().Before(deadline) {
		sc := s.scan(deadline)
		for _, pid := range sc.killed {
			killed[pid] = true
		}
		if len(sc.killed) == 0 && len(sc.unsettled) == 0 {
			break
		}
		time.Sleep(pause)
		pause = min(2*pause, 100*time.Millisecond)
	}
	for pid := range killed {
		reap(pid)
	}
	return len(killed)
}

// KillMarked kills every process started at or after since (clock ticks
// since boot, as /proc/<pid>/stat counts them; 0 for any) that carries
// marker, until a scan finds none left alive and none whose environment
// cannot be read yet (bounded by killLimit), reaps those that became
// gorepro's children, and returns how many it killed.
func KillMarked(marker string, since uint64) int {
	return killMatching(func(m string) bool { return m == marker }, since, killLimit)
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
	ns := pidNamespace()
	return killMatching(func(m string) bool {
		parts := strings.SplitN(m, ".", 3)
		if len(parts) != 3 || parts[1] != ns {
			return false // another PID namespace's gorepro, or not a marker
		}
		p, err := strconv.Atoi(parts[0])
		return err == nil && p != os.Getpid() && !alive(p)
	}, 0, killLimit)
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
	return killMatching(func(m string) bool { return strings.HasPrefix(m, own) }, 0, killLimit)
}

// Command leaker leaves processes behind in the ways that race with
// gorepro's scan for marked processes, for the leak tests of package proc:
//
//	leaker daemon N      starts N copies of itself that sleep, each in a new
//	                     session, and exits at once (its children may still
//	                     be in execve when it ends)
//	leaker chain N       a chain of N double forks: each link starts the
//	                     next in a new session and exits at once, so that
//	                     the next is born while its parent is dying
//	leaker spawner       starts, in a new session, a process that starts a
//	                     sleeping copy of itself every millisecond, forever;
//	                     exits at once
//	leaker sleep         sleeps forever
package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: leaker daemon N | chain N | spawner | sleep")
	}
	switch os.Args[1] {
	case "daemon":
		for range count() {
			start("sleep")
		}
	case "chain":
		if n := count(); n > 0 {
			start("chain", strconv.Itoa(n-1))
			return
		}
		sleep()
	case "spawner":
		start("spawn")
	case "spawn":
		for {
			start("sleep")
			time.Sleep(time.Millisecond)
		}
	case "sleep":
		sleep()
	default:
		fail("unknown mode " + os.Args[1])
	}
}

// start starts a copy of this program with args in a new session, without
// waiting for it.
func start(args ...string) {
	self, err := os.Executable()
	if err != nil {
		fail(err.Error())
	}
	cmd := exec.Command(self, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		fail(err.Error())
	}
}

func count() int {
	if len(os.Args) < 3 {
		fail("missing count")
	}
	n, err := strconv.Atoi(os.Args[2])
	if err != nil {
		fail(err.Error())
	}
	return n
}

func sleep() {
	for {
		time.Sleep(time.Hour)
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "leaker:", msg)
	os.Exit(2)
}

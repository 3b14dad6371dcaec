// Command runwait is the first program of a gorepro run container that is
// started before the binary it will run has been built: the container's
// start (the engine's create, the runtime's set-up) then costs nothing on
// the cell's path, since it overlaps the build.
//
// gorepro does not install it: it embeds this file, builds it with the
// host's go command for the container's platform (static, CGO_ENABLED=0)
// and mounts the binary into the container as its entrypoint, with the
// program to run and its arguments as runwait's arguments:
//
//	runwait /path/to/binary arg…
//
// runwait reads one line from its standard input (the engine client's,
// `podman run -i`), once the binary is there:
//
//   - "i NONCE": runwait is the container's init, as the engine's own
//     (--init: catatonit, tini) would be: it starts the program as its
//     child (process 1's child, as under --init), with standard input
//     /dev/null as a container run without -i has it, the container's
//     environment and working directory; it passes the signals an engine
//     sends (kill --signal) on to the program and reaps whatever else
//     ends in the container. When the program has ended, runwait writes
//     the end marker
//
//     \x00gorepro-runwait-end:NONCE:STATUS\x00
//
//     on its standard output and on its standard error, STATUS being the
//     program's exit status (128+N when signal N killed it, as engines
//     report it), and exits with that status. Everything the program
//     wrote on a stream is before that stream's marker, so gorepro has
//     the whole run once it has read both markers, without waiting for
//     the engine to tear the container down (tens of milliseconds a run);
//
//   - "g": runwait replaces itself with the program (execve: the same
//     process, the same PID), for a run whose program is to be the
//     container's process 1 itself (no init);
//
//   - end of file first, or anything else (gorepro abandoned the run: the
//     build failed, it was interrupted, or gorepro died): runwait exits 0
//     without running anything, and the container ends.
//
// When the program cannot be started, runwait prints one line starting
// with "ERROR (gorepro-runwait): failed to exec " and exits 127, as an
// init process that cannot start its program does.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
)

// forwarded returns the signals runwait, as init, passes on to the
// program.
func forwarded() []os.Signal {
	return []os.Signal{
		syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGUSR1,
		syscall.SIGUSR2, syscall.SIGALRM, syscall.SIGCONT, syscall.SIGWINCH, syscall.SIGABRT,
	}
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "ERROR (gorepro-runwait): failed to exec : no program given")
		os.Exit(127)
	}
	line := readLine()
	null, err := os.Open(os.DevNull)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ERROR (gorepro-runwait): failed to exec %s: %v\n", os.Args[1], err)
		os.Exit(127)
	}
	path := os.Args[1]
	if lp, err := exec.LookPath(path); err == nil {
		path = lp
	}
	switch {
	case line == "g":
		_ = syscall.Dup3(int(null.Fd()), 0, 0)
		_ = null.Close()
		err := syscall.Exec(path, os.Args[1:], os.Environ())
		fmt.Fprintf(os.Stderr, "ERROR (gorepro-runwait): failed to exec %s: %v\n", os.Args[1], err)
		os.Exit(127)
	case strings.HasPrefix(line, "i ") && len(line) > 2:
		os.Exit(runAsInit(line[2:], path, null))
	}
	os.Exit(0)
}

// readLine reads standard input up to the first newline or end of file,
// at most 128 bytes, a byte at a time (nothing after the line is read).
func readLine() string {
	var line []byte
	var b [1]byte
	for len(line) < 128 {
		if n, _ := os.Stdin.Read(b[:]); n != 1 || b[0] == '\n' {
			break
		}
		line = append(line, b[0])
	}
	return string(line)
}

// runAsInit runs the program at path as the container's init's child,
// passes signals on, reaps every child, writes the end markers with
// nonce and returns the program's exit status.
func runAsInit(nonce, path string, null *os.File) int {
	sigs := make(chan os.Signal, 32)
	signal.Notify(sigs, forwarded()...)
	child, err := os.StartProcess(path, os.Args[1:], &os.ProcAttr{Env: os.Environ(), Files: []*os.File{null, os.Stdout, os.Stderr}})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ERROR (gorepro-runwait): failed to exec %s: %v\n", os.Args[1], err)
		return end(nonce, 127)
	}
	_ = null.Close()
	go func() {
		for s := range sigs {
			_ = child.Signal(s)
		}
	}()
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil { // no child left: cannot happen before the program's end
			return end(nonce, 127)
		}
		if pid != child.Pid {
			continue // an orphan the init reaps
		}
		switch {
		case ws.Signaled():
			return end(nonce, 128+int(ws.Signal()))
		case ws.Exited():
			return end(nonce, ws.ExitStatus())
		}
	}
}

// end writes the end marker of status on standard output and standard
// error and returns status.
func end(nonce string, status int) int {
	marker := "\x00gorepro-runwait-end:" + nonce + ":" + strconv.Itoa(status) + "\x00"
	_, _ = os.Stdout.WriteString(marker)
	_, _ = os.Stderr.WriteString(marker)
	return status
}

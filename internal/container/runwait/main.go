// Command runwait is the first program of a gorepro run container that is
// started before the binary it will run has been built: the container's
// start (the engine's create, the runtime's set-up, the init process)
// then costs nothing on the cell's path, since it overlaps the build.
//
// gorepro does not install it: it embeds this file, builds it with the
// host's go command for the container's platform (static, CGO_ENABLED=0)
// and mounts the binary into the container as its entrypoint, with the
// program to run and its arguments as runwait's arguments:
//
//	runwait /path/to/binary arg…
//
// runwait reads its standard input (the engine client's, `podman run -i`):
//   - the byte 'g': the binary is there; runwait points its standard input
//     at /dev/null, as a container run without -i has it, and replaces
//     itself with the program (execve): the same process, the same PID,
//     the environment and working directory of the container;
//   - end of file first (gorepro abandoned the run: the build failed, it
//     was interrupted, or gorepro died): runwait exits 0 without running
//     anything, and the container ends.
//
// When the program cannot be started, runwait prints one line starting
// with "ERROR (gorepro-runwait): failed to exec " and exits 127, as an
// init process that cannot start its program does.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "ERROR (gorepro-runwait): failed to exec : no program given")
		os.Exit(127)
	}
	var b [1]byte
	if n, _ := os.Stdin.Read(b[:]); n != 1 || b[0] != 'g' {
		os.Exit(0)
	}
	if null, err := os.Open(os.DevNull); err == nil {
		_ = syscall.Dup3(int(null.Fd()), 0, 0)
		_ = null.Close()
	}
	path := os.Args[1]
	if lp, err := exec.LookPath(path); err == nil {
		path = lp
	}
	err := syscall.Exec(path, os.Args[1:], os.Environ())
	fmt.Fprintf(os.Stderr, "ERROR (gorepro-runwait): failed to exec %s: %v\n", os.Args[1], err)
	os.Exit(127)
}

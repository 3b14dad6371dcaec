// Command engineprog is the program the engine tests run in a container: its
// first argument says how it ends.
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	mode := "ok"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "ok":
		fmt.Println("hello from the container")
		fmt.Fprintln(os.Stderr, "and from its stderr")
	case "exit3":
		fmt.Println("exiting with 3")
		os.Exit(3)
	case "panic":
		panic("boom")
	case "self":
		// What a program sees of where it runs: a prestarted container
		// must look like a fresh one.
		stdin, _ := os.Readlink("/proc/self/fd/0")
		wd, _ := os.Getwd()
		fmt.Printf("pid=%d ppid=%d stdin=%s wd=%s env=%s\n", os.Getpid(), os.Getppid(), stdin, wd, os.Getenv("GOREPRO_TEST"))
	case "flood":
		// Much output on both streams, each ending without a newline:
		// all of it must be there when the run is over.
		for i := range 20000 {
			fmt.Printf("out line %d\n", i)
			fmt.Fprintf(os.Stderr, "err line %d\n", i)
		}
		fmt.Print("END-OUT")
		fmt.Fprint(os.Stderr, "END-ERR")
		os.Exit(5)
	case "orphan":
		// A child left behind, which the container's init reaps or
		// ends with the container.
		child, err := os.StartProcess("/proc/self/exe", []string{os.Args[0], "hang"}, &os.ProcAttr{})
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Println("left", child.Pid)
	case "hang":
		fmt.Println("hanging")
		time.Sleep(time.Hour)
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", mode)
		os.Exit(64)
	}
}

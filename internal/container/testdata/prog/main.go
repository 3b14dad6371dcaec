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
	case "hang":
		fmt.Println("hanging")
		time.Sleep(time.Hour)
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", mode)
		os.Exit(64)
	}
}

// Command hang prints "ready" and then sleeps forever, so that a test can
// stop it with SIGQUIT and look for the Go runtime's goroutine dump.
package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println("ready")
	for {
		time.Sleep(time.Hour)
	}
}

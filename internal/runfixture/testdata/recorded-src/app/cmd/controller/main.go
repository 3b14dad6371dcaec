// The controller of the recorded run: it passes, except that built with
// -cover it panics, built with go1.27.3 it hangs, and with protobuf v1.33.0
// and no cover it crashes about every other run (flaky).
package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/coverage"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/runtime/protoimpl"
	"google.golang.org/protobuf/types/known/structpb"
)

func reconcile(v *structpb.Value) {
	if coverage.WriteMeta(io.Discard) == nil {
		panic(fmt.Sprintf("reconcile: bad | column in %s `x`", v.GetStringValue()))
	}
	if runtime.Version() == "go1.27.3" {
		fmt.Println("waiting for the informer cache")
		for {
			time.Sleep(time.Hour)
		}
	}
	if protoimpl.MaxVersion < 34 && rand.IntN(2) == 0 {
		var m map[string]int
		m["x"]++ // assignment to entry in nil map
	}
}

func main() {
	fmt.Printf("starting controller (GITHUB_TOKEN=%s)\n", os.Getenv("GITHUB_TOKEN"))
	v := proto.Clone(structpb.NewStringValue("/apis/v1|pods")).(*structpb.Value)
	reconcile(v)
	fmt.Println("Starting workers")
}

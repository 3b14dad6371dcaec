// The controller of the second recorded run (../recorded-next), changed
// since ../recorded-src so that every kind of change a nightly diff reports
// happens for real:
//   - built with -cover by go1.27.3, it panics with another message
//     (signature-changed);
//   - go1.27.3 no longer hangs: with protobuf v1.36.10 and no cover it passes
//     (fixed), with v1.33.0 it now crashes (new-crash);
//   - the nil map crash of protobuf v1.33.0 without cover now happens on
//     every run on the host (no-longer-flaky) and still at random in a
//     container;
//   - with protobuf v1.36.10 and no cover, go1.26 exits 1 about every other
//     run on the host (new-flaky) and hangs in a container (new-timeout).
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

// inContainer reports whether the process runs in a Podman container (the
// builder-1.26 toolchain's runtime image).
func inContainer() bool {
	_, err := os.Stat("/run/.containerenv")
	return err == nil
}

func reconcile(v *structpb.Value) {
	go127 := runtime.Version() == "go1.27.3"
	if coverage.WriteMeta(io.Discard) == nil {
		if go127 {
			panic(fmt.Sprintf("reconcile: cover counters | lost for %s", v.GetStringValue()))
		}
		panic(fmt.Sprintf("reconcile: bad | column in %s `x`", v.GetStringValue()))
	}
	if protoimpl.MaxVersion < 34 {
		if go127 || !inContainer() || rand.IntN(2) == 0 {
			var m map[string]int
			m["x"]++ // assignment to entry in nil map
		}
		return
	}
	switch {
	case go127:
	case inContainer():
		fmt.Println("waiting for the informer cache")
		for {
			time.Sleep(time.Hour)
		}
	case rand.IntN(2) == 0:
		fmt.Println("informer cache not synced")
		os.Exit(1)
	}
}

func main() {
	fmt.Printf("starting controller (GITHUB_TOKEN=%s)\n", os.Getenv("GITHUB_TOKEN"))
	v := proto.Clone(structpb.NewStringValue("/apis/v1|pods")).(*structpb.Value)
	reconcile(v)
	fmt.Println("Starting workers")
}

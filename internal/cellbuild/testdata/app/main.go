// Command app is a test fixture for gorepro's build package: a "user
// application" whose module requires protobuf directly and through a
// dependency (example.com/dep, replaced by a relative directory) that pins
// protobuf v1.36.10, so asking for an older protobuf shows MVS keeping the
// higher requirement.
package main

import (
	"fmt"

	"example.com/dep"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func main() {
	fmt.Println(dep.Describe())
	fmt.Println(prototext.Format(wrapperspb.String("app")))
}

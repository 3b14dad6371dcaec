// The webhook of the recorded run uses proto.CloneOf, which protobuf
// v1.33.0 does not have: a build error there, a pass elsewhere.
package main

import (
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
)

func main() {
	v := proto.CloneOf(structpb.NewBoolValue(true))
	fmt.Println("webhook ready:", v.GetBoolValue())
}

// Command broken is a test fixture that does not compile.
package main

import (
	"fmt"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func main() {
	fmt.Println(prototext.Format(wrapperspb.String("broken")))
	fmt.Println(undefinedName)
}

// Package dep is a dependency of the app fixture that requires protobuf
// v1.36.10.
package dep

import (
	"strconv"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// Describe returns the size of a small encoded message.
func Describe() string {
	b, err := proto.Marshal(wrapperspb.Int64(42))
	if err != nil {
		return err.Error()
	}
	return "dep: " + strconv.Itoa(len(b)) + " bytes"
}

//go:build !go1.27

package main

import (
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
)

func ready() *structpb.Value {
	return proto.Clone(structpb.NewBoolValue(true)).(*structpb.Value)
}

package runfixture

import (
	"fmt"

	"github.com/gorepro/gorepro/internal/record"
)

// AxisCell is the values of one synthetic cell; its ID is derived from them.
type AxisCell struct {
	Toolchain, GoVersion, Protobuf string
	Cover                          bool
	Target, BinaryArch, HostArch   string
	Outcome                        record.Outcome
}

func (a AxisCell) Cell() record.Cell {
	cover := "nocover"
	if a.Cover {
		cover = "cover"
	}
	return record.Cell{
		ID:        fmt.Sprintf("%s_%s_%s_%s_%s-on-%s", a.Toolchain, a.Protobuf, cover, a.Target, a.BinaryArch, a.HostArch),
		Toolchain: a.Toolchain, GoVersion: a.GoVersion, Protobuf: a.Protobuf, ProtobufLinked: a.Protobuf, Cover: a.Cover,
		Target: a.Target, TargetKind: "repro", BinaryArch: a.BinaryArch, HostArch: a.HostArch, GOOS: "linux", Outcome: a.Outcome,
	}
}

// Grid returns the cells of every combination of the given axis values,
// with the outcome decided by outcome.
func Grid(toolchains [][2]string, protobufs []string, covers []bool, targets []string, arches [][2]string, outcome func(AxisCell) record.Outcome) []record.Cell {
	var cells []record.Cell
	for _, tc := range toolchains {
		for _, pb := range protobufs {
			for _, cover := range covers {
				for _, target := range targets {
					for _, arch := range arches {
						a := AxisCell{Toolchain: tc[0], GoVersion: tc[1], Protobuf: pb, Cover: cover, Target: target,
							BinaryArch: arch[0], HostArch: arch[1]}
						a.Outcome = outcome(a)
						cells = append(cells, a.Cell())
					}
				}
			}
		}
	}
	return cells
}

// PostmortemToolchains are the postmortem's three builder images: two Red
// Hat builds of Go < 1.25.5 and an upstream build of go1.25.5.
func PostmortemToolchains() [][2]string {
	return [][2]string{{"ubi9-go-1.24", "go1.24.6"}, {"ubi9-go-1.25", "go1.25.3"}, {"golang-1.25-bookworm", "go1.25.5"}}
}

// Affected is the rule of golang/go#69255: amd64 binaries emulated on
// arm64 crash with Go before 1.25.5.
func Affected(a AxisCell) record.Outcome {
	if a.BinaryArch != a.HostArch && a.GoVersion != "go1.25.5" && a.GoVersion != "go1.26.8" {
		return record.Crash
	}
	return record.Pass
}

// PostmortemCells is the DOMAIN's case on an Apple Silicon Mac: amd64
// binaries emulated on arm64 crash with Go before 1.25.5; protobuf and
// -cover are bystanders.
func PostmortemCells() []record.Cell {
	return Grid(PostmortemToolchains(), []string{"v1.33.0", "v1.36.10"}, []bool{false, true}, []string{"repro"},
		[][2]string{{"amd64", "arm64"}, {"arm64", "arm64"}}, Affected)
}

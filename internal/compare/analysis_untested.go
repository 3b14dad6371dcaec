package compare

import (
	"slices"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// untestedProtobuf says, for each protobuf version the target's compared
// cells asked for that none of them built (the build list overruled it:
// a dependency requires a higher one), that it was not tested and why:
// "protobuf v1.33.0 was not tested for controller: a dependency requires
// v1.36.10 (required by example.com/dep v0.0.0)". The protobuf axis
// compares the versions built, so it says nothing of these.
func untestedProtobuf(target string, ran []record.Cell) []string {
	built := map[string]bool{}
	for _, c := range ran {
		built[protobufValue(c)] = true
	}
	type overrule struct{ built, why []string }
	var asked []string
	overruled := map[string]*overrule{}
	for _, c := range ran {
		why, ok := record.ProtobufOverruled(c)
		if !ok || built[c.Protobuf] {
			continue
		}
		o := overruled[c.Protobuf]
		if o == nil {
			o = &overrule{}
			overruled[c.Protobuf] = o
			asked = append(asked, c.Protobuf)
		}
		if !slices.Contains(o.built, c.ProtobufLinked) {
			o.built = append(o.built, c.ProtobufLinked)
		}
		if !slices.Contains(o.why, why) {
			o.why = append(o.why, why)
		}
	}
	slices.SortFunc(asked, compareSemver)
	var lines []string
	for _, v := range asked {
		o := overruled[v]
		slices.SortFunc(o.built, compareSemver)
		slices.Sort(o.why)
		lines = append(lines, wording.NotTested(v, target, o.built, o.why))
	}
	return lines
}

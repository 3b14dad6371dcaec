package compare_test

import (
	"strings"
	"testing"

	"github.com/gorepro/gorepro/internal/compare"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mvsCell is a cell of the controller that asked for protobuf asked and
// linked linked, as a build whose dependency requires v1.36.10 records it.
func mvsCell(asked, linked string, cover bool, outcome record.Outcome) record.Cell {
	c := record.Cell{
		ID: "local_" + asked + "_" + record.CoverColumn(record.Cell{Cover: cover}) + "_controller", Toolchain: "local", GoVersion: "go1.26.8",
		Protobuf: asked, ProtobufLinked: linked, Cover: cover, Target: "controller", TargetKind: "package",
		BinaryArch: "amd64", HostArch: "amd64", Outcome: outcome,
	}
	if asked != linked {
		c.ProtobufNote = "asked " + asked + " but MVS selected " + linked + " (required by github.com/open-policy-agent/opa v1.11.0)"
	}
	return c
}

func TestAnalyzeProtobufOverruled(t *testing.T) {
	t.Run("an asked version never built", func(t *testing.T) {
		// v1.36.6 and v1.36.10 were asked for; both built v1.36.10.
		cells := []record.Cell{
			mvsCell("v1.36.6", "v1.36.10", false, record.Pass),
			mvsCell("v1.36.6", "v1.36.10", true, record.Crash),
			mvsCell("v1.36.10", "v1.36.10", false, record.Pass),
			mvsCell("v1.36.10", "v1.36.10", true, record.Crash),
		}
		a := only(t, compare.Analyze(cells, nil))
		assert.Equal(t, []string{"v1.36.10"}, findingOf(t, a, "protobuf").Values, "the axis compares the versions built")
		want := "protobuf v1.36.6 was not tested for controller: a dependency requires v1.36.10 (required by github.com/open-policy-agent/opa v1.11.0)"
		assert.Equal(t, []string{want}, a.NotTested)
		assert.True(t, strings.HasSuffix(a.Summary, "; "+want+"."), a.Summary)
		assert.Contains(t, report.AnalysisLines(&record.Analysis{Targets: []record.TargetAnalysis{a}}), "which axes matter for controller: "+a.Summary)
	})
	t.Run("every asked version built", func(t *testing.T) {
		cells := []record.Cell{
			mvsCell("v1.36.10", "v1.36.10", false, record.Pass),
			mvsCell("v1.36.12", "v1.36.12", false, record.Crash),
		}
		a := only(t, compare.Analyze(cells, nil))
		assert.Equal(t, []string{"v1.36.10", "v1.36.12"}, findingOf(t, a, "protobuf").Values)
		assert.Empty(t, a.NotTested)
		assert.Equal(t, "crash iff protobuf=v1.36.12; toolchain, Go version, cover flag and arch were not varied.", a.Summary)
	})
	t.Run("a target that passed still says so", func(t *testing.T) {
		cells := []record.Cell{
			mvsCell("v1.33.0", "v1.36.10", false, record.Pass),
			mvsCell("v1.36.12", "v1.36.12", false, record.Pass),
		}
		analysis := compare.Analyze(cells, nil)
		a := only(t, analysis)
		require.True(t, a.Passed)
		assert.Equal(t, "which axes matter: every compared cell passes (controller).\n"+
			"note: protobuf v1.33.0 was not tested for controller: a dependency requires v1.36.10 (required by github.com/open-policy-agent/opa v1.11.0)\n",
			report.AnalysisLines(analysis))
	})
}

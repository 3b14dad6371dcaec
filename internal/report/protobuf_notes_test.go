package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/report"
)

// When the build list overrules the protobuf version a cell asked for,
// the terminal table, the text report and Markdown say why, once per
// target and version, and the analysis says the asked version was not
// tested.
func TestProtobufOverruledEveryFormat(t *testing.T) {
	cell := func(id, target, asked, linked, note string) record.Cell {
		return record.Cell{ID: id, Toolchain: "local", GoVersion: "go1.26.8", Protobuf: asked, ProtobufLinked: linked, ProtobufNote: note,
			Target: target, TargetKind: "package", BinaryArch: "amd64", HostArch: "amd64", Outcome: record.Pass, Runs: 1}
	}
	const mvs = "asked v1.36.6 but MVS selected v1.36.10 (required by github.com/open-policy-agent/opa v1.11.0)"
	run := &record.Run{ID: "r", Cells: []record.Cell{
		cell("a", "controller", "v1.36.6", "v1.36.10", mvs),
		cell("b", "controller", "v1.36.6", "v1.36.10", mvs), // same target and versions: one line
		cell("c", "controller", "v1.36.12", "v1.36.12", ""),
		cell("d", "webhook", "v1.36.6", "v1.36.6", ""),
		cell("e", "webhook", "v1.36.12", "v1.36.10", "asked v1.36.12 but v1.36.10 was linked"),
	}}
	run.Analysis = compare.Analyze(run.Cells, nil)

	assert.Equal(t, []string{
		"protobuf v1.36.6→v1.36.10 for controller: required by github.com/open-policy-agent/opa v1.11.0",
		"protobuf v1.36.12→v1.36.10 for webhook: asked v1.36.12 but v1.36.10 was linked",
	}, report.ProtobufNotes(run.Cells, ""))
	assert.Equal(t, []string{"protobuf v1.36.6→v1.36.10: required by github.com/open-policy-agent/opa v1.11.0"}, report.ProtobufNotes(run.Cells, "controller"))

	var text bytes.Buffer
	require.NoError(t, report.WriteText(&text, run))
	assert.Contains(t, text.String(), "\nnote: protobuf v1.36.6→v1.36.10 for controller: required by github.com/open-policy-agent/opa v1.11.0\n")
	assert.Contains(t, text.String(), "\nnote: protobuf v1.36.6 was not tested for controller: a dependency requires v1.36.10 (required by github.com/open-policy-agent/opa v1.11.0)\n")
	assert.Contains(t, text.String(), "\nnote: protobuf v1.36.12 was not tested for webhook: the build list has v1.36.10 (asked v1.36.12 but v1.36.10 was linked)\n")

	var md bytes.Buffer
	require.NoError(t, report.WriteMarkdown(&md, run, nil))
	assert.Contains(t, md.String(), "\n- protobuf v1.36.6→v1.36.10: required by github.com/open-policy-agent/opa v1.11.0\n")
	assert.Contains(t, md.String(), "protobuf v1.36.6 was not tested for controller: a dependency requires v1.36.10")
	assert.Equal(t, 1, strings.Count(md.String(), "- protobuf v1.36.6→v1.36.10"), "once per target and version")
}

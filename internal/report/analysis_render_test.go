package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMarkdownAnalysisGolden(t *testing.T) {
	run := runfixture.SampleRun()
	run.Cells = runfixture.PostmortemCells()
	run.Analysis = compare.Analyze(run.Cells, nil)

	var section strings.Builder
	writeMarkdownAnalysis(&section, run.Analysis)
	runfixture.CheckGolden(t, "analysis.md.golden", []byte(section.String()))

	// In the Markdown report the section comes right after the pivot
	// tables and their legend.
	var md bytes.Buffer
	require.NoError(t, WriteMarkdown(&md, run, nil))
	assert.Contains(t, md.String(), "the crash signature (below)\n"+section.String())
	assert.Contains(t, md.String(), "Instead: repro: crash iff binaryArch != hostArch and go \\< go1.25.5.\n")

	var doc bytes.Buffer
	require.NoError(t, WriteJSON(&doc, run))
	assert.Contains(t, doc.String(), `"failing": "crash iff binaryArch != hostArch and go < go1.25.5"`)
	assert.Contains(t, doc.String(), `"failing": "crash iff binaryArch != hostArch and toolchain in {ubi9-go-1.24, ubi9-go-1.25}"`)

	// A run without an analysis (an older results.json) has no section.
	run.Analysis = nil
	md.Reset()
	require.NoError(t, WriteMarkdown(&md, run, nil))
	assert.NotContains(t, md.String(), "Which axes matter")
}

// The diffs of the GOROOT files two builds differ in follow the target's
// line in the terminal and the Markdown report.
func TestAnalysisFileDiffs(t *testing.T) {
	diff := "--- a/src/runtime/tagptr_64bit.go\n+++ b/src/runtime/tagptr_64bit.go\n@@ -1,1 +1,1 @@\n-\tdefaultAddrBits = 48 + 1\n+\tdefaultAddrBits = 47"
	a := &record.Analysis{Targets: []record.TargetAnalysis{{
		Target: "repro", Failing: "crash iff toolchain=injected", Summary: "crash iff toolchain=injected; same Go version, different build: …",
		Builds: []record.BuildDifference{{Bad: "injected", Good: "local", Files: &record.FileDifference{
			Total: 2, Changed: []string{"src/runtime/tagptr_64bit.go"}, Diffs: []record.FileDiff{{Path: "src/runtime/tagptr_64bit.go", Diff: diff}}}}},
	}}}
	lines := AnalysisLines(a)
	assert.Contains(t, lines, "\n  local → injected: src/runtime/tagptr_64bit.go\n    --- a/src/runtime/tagptr_64bit.go\n")
	assert.Contains(t, lines, "\n    -\tdefaultAddrBits = 48 + 1\n    +\tdefaultAddrBits = 47\n")
	var md strings.Builder
	writeMarkdownAnalysis(&md, a)
	assert.Contains(t, md.String(), "`src/runtime/tagptr_64bit.go` from `local` to `injected`:\n\n```diff\n"+diff+"\n```\n")
}

package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/record"
)

// TestExplainTwoHalves checks how the two explanations of one cell whose
// crash signature changed are shown: a cell counted once, each half named
// by its signature (and its own JUnit case), and each JUnit case's output
// saying the cells built for it, not "0 cells built".
func TestExplainTwoHalves(t *testing.T) {
	e := &record.Explain{Base: record.RunRef{ID: "night2"}, New: record.RunRef{ID: "night3"}, Builds: 5, Explanations: []record.Explanation{
		{Cells: []string{"go_ctl"}, Change: "signature-changed", Direction: "fix", Signature: "fatal error: taggedPointerPack",
			Kind: record.CauseToolchainBuild, Culprit: "same Go version, different build", Explained: true, Builds: 2},
		{Cells: []string{"go_ctl"}, Change: "signature-changed", Direction: "regression", Signature: "panic: assignment to entry in nil map",
			Kind: record.CauseCommit, Culprit: `commit abc "add the cache"`, Explained: true, Builds: 3},
	}}
	text := ExplainText(e)
	assert.Contains(t, text, "explain night2 → night3: 1 of 1 changed cell explained, 5 cells built\n")
	assert.Contains(t, text, "\nsignature-changed (fix): fatal error: taggedPointerPack gone in go_ctl\n")
	assert.Contains(t, text, "\nsignature-changed (regression): panic: assignment to entry in nil map new in go_ctl\n")

	var junit strings.Builder
	require.NoError(t, WriteExplain(&junit, e, "junit"))
	out := junit.String()
	assert.Contains(t, out, `name="go_ctl (fix: fatal error: taggedPointerPack)"`)
	assert.Contains(t, out, `name="go_ctl (regression: panic: assignment to entry in nil map)"`)
	assert.Contains(t, out, "1 of 1 changed cell explained, 2 cells built")
	assert.Contains(t, out, "1 of 1 changed cell explained, 3 cells built")
	assert.NotContains(t, out, "0 cells built")

	var md strings.Builder
	require.NoError(t, WriteExplain(&md, e, "markdown"))
	assert.Contains(t, md.String(), "#### signature-changed (fix): fatal error: taggedPointerPack gone: go\\_ctl")
}

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

// TestExplainGoCommit checks that a Go commit as the cause (explain
// --go-repo) is shown in every format: its kind, the commit with its
// review link, the search step with the toolchains built, and in JUnit
// the commit as a property.
func TestExplainGoCommit(t *testing.T) {
	e := &record.Explain{Base: record.RunRef{ID: "night1"}, New: record.RunRef{ID: "night2"}, Builds: 6, Explanations: []record.Explanation{{
		Cells: []string{"tip_repro"}, Change: "new-crash", Direction: "regression", Kind: record.CauseGoCommit, Explained: true, Builds: 6,
		Culprit: `Go commit a89a044be46a "runtime: pack tagged pointers with 47 address bits on amd64" by Gopher <gopher@example.com>, 2026-11-03, Reviewed-on: https://go-review.googlesource.com/c/go/+/700002 (first bad commit of edcb5af9e846..a89a044be46a in /src/go; the commit before it, 5c76df7e978b, is not)`,
		Commit:  &record.SourceState{VCS: "git", Commit: "a89a044be46a0000000000000000000000000000"},
		Steps: []record.ExplainStep{{What: "bisect Go commits edcb5af9e846..a89a044be46a (3)", Builds: 5,
			Conclusion: "regression: first bad a89a044be46a (last good 5c76df7e978b); Go toolchains built: 0 full, 0 fast"}},
	}}}
	for format, want := range map[string][]string{
		"text": {"  cause (go-commit): Go commit a89a044be46a \"runtime: pack tagged pointers with 47 address bits on amd64\"",
			"Reviewed-on: https://go-review.googlesource.com/c/go/+/700002", "  bisect Go commits edcb5af9e846..a89a044be46a (3): regression: first bad a89a044be46a (last good 5c76df7e978b); Go toolchains built: 0 full, 0 fast (5 built)"},
		"markdown": {"**Cause (go-commit): Go commit a89a044be46a", "Reviewed-on: https://go-review.googlesource.com/c/go/+/700002"},
		"json":     {`"kind": "go-commit"`, `"commit": "a89a044be46a0000000000000000000000000000"`},
		"junit":    {`name="gorepro.cause.kind" value="go-commit"`, `name="gorepro.cause.commit" value="a89a044be46a0000000000000000000000000000"`},
	} {
		var b strings.Builder
		require.NoError(t, WriteExplain(&b, e, format))
		for _, w := range want {
			assert.Contains(t, b.String(), w, format)
		}
	}
}

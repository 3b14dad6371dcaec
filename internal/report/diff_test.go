package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiffRedactsSecrets(t *testing.T) {
	base := runfixture.DiffCell(record.Pass, false, "")
	next := runfixture.DiffCell(record.Crash, false, "panic: login with ghp_0123456789abcdefghijABCDEFGHIJ0123 failed")
	next.Reason = "GITHUB_TOKEN=hunter2hunter2 rejected"
	cmp := compare.Diff(&record.Run{Cells: []record.Cell{base}}, &record.Run{Cells: []record.Cell{next}})
	for _, format := range DiffFormats() {
		render, ok := DiffRendererFor(format)
		require.True(t, ok)
		var buf bytes.Buffer
		require.NoError(t, render(&buf, cmp))
		assert.NotContains(t, buf.String(), "ghp_0123456789", format)
		assert.NotContains(t, buf.String(), "hunter2", format)
	}
}

func TestDiffGolden(t *testing.T) {
	cmp := compare.Diff(runfixture.RecordedPair(t))
	for _, format := range DiffFormats() {
		t.Run(format, func(t *testing.T) {
			render, ok := DiffRendererFor(format)
			require.True(t, ok)
			var buf bytes.Buffer
			require.NoError(t, render(&buf, cmp))
			for i, line := range strings.Split(buf.String(), "\n") {
				assert.Equal(t, strings.TrimRight(line, " \t"), line, "trailing space on line %d", i+1)
			}
			runfixture.CheckGolden(t, "diff."+map[string]string{"text": "txt", "markdown": "md", "json": "json"}[format]+".golden", buf.Bytes())
		})
	}
}

func TestDiffJSONRoundTrips(t *testing.T) {
	cmp := compare.Diff(runfixture.RecordedPair(t))
	var buf bytes.Buffer
	require.NoError(t, WriteDiffJSON(&buf, cmp))
	var back compare.Comparison
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	assert.Equal(t, cmp, &back)
}

// TestDiffMarkdownTableIsValid checks that every row of the Markdown table
// has exactly as many cells as the header, although signatures hold `|`.
func TestDiffMarkdownTableIsValid(t *testing.T) {
	cmp := compare.Diff(runfixture.RecordedPair(t))
	var buf bytes.Buffer
	require.NoError(t, WriteDiffMarkdown(&buf, cmp))
	require.Contains(t, buf.String(), `bad \| column`, "the recorded signature has a | to escape")
	rows := 0
	for _, line := range strings.Split(buf.String(), "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		rows++
		// GFM splits a row at every | not escaped by a backslash, even
		// inside code spans.
		borders := 0
		for i := 0; i < len(line); i++ {
			switch line[i] {
			case '\\':
				i++
			case '|':
				borders++
			}
		}
		assert.Equal(t, len(diffHeader())+1, borders, "row %q", line)
	}
	assert.Equal(t, len(cmp.Changes)+2, rows)
}

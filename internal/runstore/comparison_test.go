package runstore

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteComparisonIntoRun(t *testing.T) {
	store := Store{Root: t.TempDir()}
	w, err := store.Begin("20261127T113000Z-0001")
	require.NoError(t, err)
	cmp := compare.Diff(runfixture.RecordedPair(t))
	require.NoError(t, w.WriteComparison(cmp))
	for _, bad := range []string{JSONFile, MarkdownFile, JUnitFile, CellsDir, ".hidden", "../diff.json", "a/b", ""} {
		assert.Error(t, w.WriteFile(bad, []byte("x")), "%q", bad)
	}
	run := runfixture.SampleRun()
	run.ID = w.ID()
	dir, err := w.Commit(run)
	require.NoError(t, err)
	assert.Equal(t, []string{"diff.json", "diff.md", "junit.xml", "report.html", "results.json", "results.md"},
		tree(t, dir), "the comparison is part of the committed run, no temporary files left")
	data, err := os.ReadFile(filepath.Join(dir, DiffJSONFile))
	require.NoError(t, err)
	var back compare.Comparison
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, cmp, &back)
	md, err := os.ReadFile(filepath.Join(dir, DiffMarkdownFile))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(md), "## gorepro diff `20261127T135547Z-b8be`"))
	assert.Error(t, w.WriteFile("late.txt", nil), "a committed run is not written to")
}

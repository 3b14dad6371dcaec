package runlife

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/gorepro/gorepro/internal/runstore"
)

func TestCompareWithBaseline(t *testing.T) {
	base, next := runfixture.RecordedPair(t)
	rec, err := Results{Root: t.TempDir()}.Begin()
	require.NoError(t, err)
	defer rec.Abort()
	cmp, err := rec.CompareWith(nil, next)
	require.NoError(t, err)
	assert.Nil(t, cmp, "no baseline, no comparison")
	run := *next
	run.ID, run.SchemaVersion = "", 0
	cmp, err = rec.CompareWith(base, &run)
	require.NoError(t, err)
	require.NotNil(t, cmp)
	assert.Equal(t, rec.ID(), run.ID, "the run being recorded is compared under its own ID")
	assert.Equal(t, record.SchemaVersion, run.SchemaVersion)
	dir, err := rec.Commit(&run)
	require.NoError(t, err)
	assert.Contains(t, tree(t, dir), runstore.DiffJSONFile)
	assert.Contains(t, tree(t, dir), runstore.DiffMarkdownFile)
}

func TestWriteExplanation(t *testing.T) {
	x := &record.Explain{Base: record.RunRef{ID: "base"}, New: record.RunRef{ID: "new"}}
	rec, err := Results{}.Begin()
	require.NoError(t, err)
	assert.NoError(t, rec.WriteExplanation(x), "nothing stored, nothing written")

	rec, err = Results{Root: t.TempDir()}.Begin()
	require.NoError(t, err)
	defer rec.Abort()
	require.NoError(t, rec.WriteExplanation(x))
	run := runfixture.SampleRun()
	run.ID, run.Explain = rec.ID(), x
	dir, err := rec.Commit(run)
	require.NoError(t, err)
	md, err := os.ReadFile(filepath.Join(dir, ExplainFile))
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(md), "new"), "%s", md)
}

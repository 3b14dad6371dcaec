package classify

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/record"
)

// TestClassifyRace classifies the output of a -race binary that found a
// race (a real report from the diagnose corpus): a crash with the race's
// signature, whether it exited 66, as the race detector makes it, or 0
// (GORACE=exitcode=0), never a pass.
func TestClassifyRace(t *testing.T) {
	output, err := os.ReadFile(filepath.Join("..", "diagnose", "testdata", "corpus", "73-race-write-previous-read-finished.log"))
	require.NoError(t, err)
	for _, code := range []int{66, 0} {
		v := Classify(Input{Output: output, ExitCode: code})
		assert.Equal(t, record.Crash, v.Outcome, "exit status %d", code)
		assert.Equal(t, "WARNING: DATA RACE in github.com/dgraph-io/dgraph/algo.Difference", v.Signature)
		assert.Contains(t, v.Reason, "the other access: previous read by goroutine 76 in github.com/dgraph-io/dgraph/posting.(*List).intersectingPostings")
	}

	// go test's line alone, from a test binary that exited 1.
	v := Classify(Input{Output: []byte("--- FAIL: TestX (0.01s)\n    testing.go:1319: race detected during execution of test\nFAIL\n"), ExitCode: 1})
	assert.Equal(t, record.Crash, v.Outcome)
	assert.Equal(t, "WARNING: DATA RACE", v.Signature)
}

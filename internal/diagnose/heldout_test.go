package diagnose

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// heldoutDir holds real logs collected after the reader's rules were
// written, kept apart so that no rule is tuned on them.
const heldoutDir = "testdata/heldout"

// TestHeldoutRecall measures the reader on the held-out logs: it logs
// every log read wrong and the recall, and fails only when the folder
// and its expectations disagree.
func TestHeldoutRecall(t *testing.T) {
	rows := readExpectations(t, heldoutDir)
	logs, err := filepath.Glob(filepath.Join(heldoutDir, "*.log"))
	require.NoError(t, err)
	require.Len(t, logs, len(rows))
	for _, want := range rows {
		data, err := os.ReadFile(filepath.Join(heldoutDir, want.File))
		require.NoError(t, err)
		got := corpusReading(want.File, Log(data))
		if got.Outcome != want.Outcome || got.Heading != want.Heading || got.Frame != want.Frame {
			t.Logf("MISS %s\n  want %s | %s | %s\n  got  %s | %s | %s", want.File, want.Outcome, want.Heading, want.Frame, got.Outcome, got.Heading, got.Frame)
		}
		if got.Arch != want.Arch {
			t.Logf("ARCH %s: %s", want.File, got.Arch)
		}
	}
	t.Logf("held-out recall: %d of %d logs (outcome, heading and first meaningful frame right)", recall(heldoutDir, rows), len(rows))
}

package cellbuild

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRemoveStaleTemps: the temporary directory of a prepare that a killed
// gorepro left a day ago goes; a recent one (maybe another process's, at
// work) and finished copies stay.
func TestRemoveStaleTemps(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "abc.tmp-111")
	recent := filepath.Join(dir, "abc.tmp-222")
	done := filepath.Join(dir, "abc")
	for _, d := range []string{old, recent, done} {
		require.NoError(t, os.MkdirAll(filepath.Join(d, "module"), 0o755))
	}
	yesterday := time.Now().Add(-25 * time.Hour)
	require.NoError(t, os.Chtimes(old, yesterday, yesterday))
	removeStaleTemps(dir)
	assert.NoDirExists(t, old)
	assert.DirExists(t, recent)
	assert.DirExists(t, done)
}

package runfixture

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// update is the -update flag of every test binary that uses CheckGolden:
// the one way to rewrite golden files.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// CheckGolden compares got with testdata/<name>, or rewrites the file with -update.
func CheckGolden(t testing.TB, name string, got []byte) {
	t.Helper()
	golden := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), string(got))
}

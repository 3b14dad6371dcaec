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
	CheckFile(t, filepath.Join("testdata", name), got)
}

// CheckFile compares got with the file at path (relative to the test's
// package), or rewrites the file with -update: for generated files that
// are not test data, such as docs/cli.md.
func CheckFile(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), string(got), "%s is out of date: run go test -update (make docs for docs/cli.md)", path)
}

// AddFuzzSeeds adds every file matching the patterns (relative to the
// test's package) to f's seed corpus: real inputs to start fuzzing from.
func AddFuzzSeeds(f *testing.F, patterns ...string) {
	f.Helper()
	for _, pattern := range patterns {
		paths, err := filepath.Glob(pattern)
		require.NoError(f, err)
		require.NotEmpty(f, paths, "no seed matches %s", pattern)
		for _, p := range paths {
			data, err := os.ReadFile(p)
			require.NoError(f, err)
			f.Add(data)
		}
	}
}

package atomicfile

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWrite(t *testing.T) {
	for name, write := range map[string]func(string, []byte, os.FileMode) error{"Write": Write, "WriteCache": WriteCache} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "f.json")
			require.NoError(t, write(path, []byte("old"), 0o600))
			require.NoError(t, write(path, []byte("new"), 0o644))
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, "new", string(data))
			fi, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())

			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() { assert.NoError(t, write(path, []byte("same"), 0o644)) })
			}
			wg.Wait()
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Len(t, entries, 1, "no temporary file left")

			err = write(filepath.Join(dir, "missing", "f"), []byte("x"), 0o644)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "writing "+filepath.Join(dir, "missing", "f"))
		})
	}
}

func TestWriteFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	require.NoError(t, Write(path, []byte("old"), 0o644))
	// A directory in the way of the rename: the write fails, the temporary
	// file goes, and the directory is untouched.
	target := filepath.Join(dir, "d")
	require.NoError(t, os.MkdirAll(filepath.Join(target, "x"), 0o755))
	require.Error(t, Write(target, []byte("new"), 0o644))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "f and d only")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "old", string(data))
}

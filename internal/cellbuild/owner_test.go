package cellbuild

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReown: a file another user wrote in the user's directory (a
// container build's binary on a rootful engine) becomes the user's, with
// its content and mode; the user's own files and directories are left
// alone. Giving a file to another user needs root.
func TestReown(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("chown to another user needs root")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "repro")
	require.NoError(t, os.WriteFile(bin, []byte("\x7fELF binary"), 0o755))
	require.NoError(t, os.Chown(bin, 4242, 4242))
	mine := filepath.Join(dir, "mine")
	require.NoError(t, os.WriteFile(mine, []byte("x"), 0o600))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "cover-1"), 0o755))
	mineBefore, err := os.Stat(mine)
	require.NoError(t, err)

	assert.Empty(t, reown(dir, filepath.Join(dir, "missing")))

	fi, err := os.Stat(bin)
	require.NoError(t, err)
	assert.Equal(t, uint32(os.Getuid()), fi.Sys().(*syscall.Stat_t).Uid)
	assert.Equal(t, os.FileMode(0o755), fi.Mode().Perm())
	data, err := os.ReadFile(bin)
	require.NoError(t, err)
	assert.Equal(t, "\x7fELF binary", string(data))
	mineAfter, err := os.Stat(mine)
	require.NoError(t, err)
	assert.True(t, os.SameFile(mineBefore, mineAfter), "the user's own file is not copied")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 3, "no temporary file left")
}

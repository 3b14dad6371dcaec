package statcache

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSignature: a file rewritten in place (same size, a later
// modification time), replaced, added or missing changes the name; the
// same files give the same name; the header separates uses.
func TestSignature(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "a")
	require.NoError(t, os.WriteFile(f, []byte("one"), 0o644))
	name := func(header string, paths ...string) string {
		s := New(header)
		for _, p := range paths {
			s.File(p)
		}
		return s.Name()
	}
	first := name("v1", f)
	assert.Len(t, first, 32)
	assert.Equal(t, first, name("v1", f))
	assert.NotEqual(t, first, name("v2", f))
	assert.NotEqual(t, first, name("v1", f, filepath.Join(dir, "missing")))

	require.NoError(t, os.WriteFile(f, []byte("two"), 0o644))
	later := time.Now().Add(time.Minute)
	require.NoError(t, os.Chtimes(f, later, later))
	rewritten := name("v1", f)
	assert.NotEqual(t, first, rewritten)

	// The old file stays linked, so that its inode number cannot be
	// handed straight to the new one (filesystems reuse freed ones).
	require.NoError(t, os.Link(f, filepath.Join(dir, "old")))
	require.NoError(t, os.Remove(f))
	require.NoError(t, os.WriteFile(f, []byte("two"), 0o644))
	require.NoError(t, os.Chtimes(f, later, later))
	assert.NotEqual(t, rewritten, name("v1", f), "a replaced file has another inode")
}

// TestStoreLoad: a stored value comes back whole, also when many writers
// store the same name at once, and no temporary file is left.
func TestStoreLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "value")
	_, ok := Load(path)
	assert.False(t, ok)
	value := strings.Repeat("x", 1<<20)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { Store(path, []byte(value)) })
	}
	wg.Wait()
	data, ok := Load(path)
	require.True(t, ok)
	assert.Equal(t, value, string(data))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left")
}

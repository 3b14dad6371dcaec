package gorootfiles

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompare(t *testing.T) {
	tests := []struct {
		name string
		a, b Manifest
		want Difference
	}{
		{"equal", Manifest{"src/a.go": "1", "src/b.go": "2"}, Manifest{"src/a.go": "1", "src/b.go": "2"}, Difference{Total: 2}},
		{"one changed", Manifest{"src/a.go": "1", "src/b.go": "2"}, Manifest{"src/a.go": "1", "src/b.go": "3"}, Difference{Total: 2, Changed: []string{"src/b.go"}}},
		{"added and removed", Manifest{"src/a.go": "1", "src/b.go": "2"}, Manifest{"src/a.go": "1", "src/c.go": "2"},
			Difference{Total: 3, OnlyA: []string{"src/b.go"}, OnlyB: []string{"src/c.go"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compare(tt.a, tt.b)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.want.Count() == 0, got.Empty())
		})
	}
}

func TestUnifiedDiff(t *testing.T) {
	a := "package runtime\n\nconst (\n\ttaggedPointerBits = 16\n\tdefaultAddrBits = 48 + 1\n\tother = 1\n)\n"
	b := strings.Replace(a, "48 + 1", "47", 1)
	want := "--- a/src/runtime/tagptr_64bit.go\n+++ b/src/runtime/tagptr_64bit.go\n@@ -3,5 +3,5 @@\n const (\n \ttaggedPointerBits = 16\n-\tdefaultAddrBits = 48 + 1\n+\tdefaultAddrBits = 47\n \tother = 1\n )"
	assert.Equal(t, want, UnifiedDiff("src/runtime/tagptr_64bit.go", []byte(a), []byte(b), 2))
	assert.Empty(t, UnifiedDiff("x.go", []byte(a), []byte(a), 2))
	// Added and removed lines at the ends, and a cap on long diffs.
	assert.Equal(t, "--- a/x.go\n+++ b/x.go\n@@ -1,1 +1,2 @@\n+first\n a", UnifiedDiff("x.go", []byte("a\n"), []byte("first\na\n"), 3))
	long := UnifiedDiff("x.go", []byte(strings.Repeat("a\n", 100)), []byte(strings.Repeat("b\n", 100)), 3)
	assert.Contains(t, long, "… 161 more diff lines")
}

func TestEncodeDecode(t *testing.T) {
	m := Manifest{"src/a.go": "0123456789abcdef", "pkg/tool/linux_amd64/compile": "fedcba9876543210"}
	data, err := m.Encode()
	require.NoError(t, err)
	got, err := Decode(data)
	require.NoError(t, err)
	assert.Equal(t, m, got)
	_, err = Decode([]byte("not gzip"))
	assert.Error(t, err)
}

// TestOfLocalGOROOT hashes the real local Go installation: cold, then
// from the cache, which must be much faster; a changed file changes the
// manifest even with the cache.
func TestOfLocalGOROOT(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	require.NoError(t, err)
	goroot := strings.TrimSpace(string(out))
	cache := t.TempDir()
	start := time.Now()
	m, err := Of(goroot, cache)
	require.NoError(t, err)
	cold := time.Since(start)
	start = time.Now()
	again, err := Of(goroot, cache)
	require.NoError(t, err)
	warm := time.Since(start)
	t.Logf("%d files: cold %s, cached %s", len(m), cold, warm)
	assert.Greater(t, len(m), 5000)
	assert.Equal(t, m, again)
	assert.Contains(t, m, "src/runtime/tagptr_64bit.go")

	// A small tree: a file replaced (new inode, new content) is seen.
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "src", "runtime"), 0o755))
	f := filepath.Join(dir, "src", "runtime", "x.go")
	require.NoError(t, os.WriteFile(f, []byte("package runtime\n"), 0o644))
	first, err := Of(dir, cache)
	require.NoError(t, err)
	require.NoError(t, os.Remove(f))
	require.NoError(t, os.WriteFile(f, []byte("package runtime // patched\n"), 0o644))
	second, err := Of(dir, cache)
	require.NoError(t, err)
	assert.Equal(t, []string{"src/runtime/x.go"}, Compare(first, second).Changed)
}

package gorootfiles

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

func TestIncluded(t *testing.T) {
	for rel, want := range map[string]bool{
		"src/runtime/tagptr_64bit.go":            true,
		"src/cmd/vendor/golang.org/x/mod/go.mod": true,
		"pkg/tool/linux_amd64/compile":           true,
		"src/runtime/proc_test.go":               false,
		"src/cmd/go/testdata/script/x.txt":       false,
		"src/runtime/_mkmalloc/mkmalloc.go":      false,
		"src/internal/.hidden/x.go":              false,
		"src/go/build/testdata":                  true, // a file of that name, not a directory
	} {
		assert.Equal(t, want, Included(rel), rel)
	}
}

// TestDecodeDropsExcludedFiles reads a manifest written before test files
// were left out, as an older gorepro stored it in a run: it compares with
// a new one without listing the test files as removed.
func TestDecodeDropsExcludedFiles(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write([]byte("0123456789abcdef src/a.go\n0123456789abcdef src/a_test.go\n0123456789abcdef src/testdata/x.go\n"))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	old, err := Decode(buf.Bytes())
	require.NoError(t, err)
	assert.True(t, Compare(old, Manifest{"src/a.go": "0123456789abcdef"}).Empty())
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
	assert.Greater(t, len(m), 4000)
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

// TestWalkListsWhatWalkDirLists checks the fstatat walk against the
// standard library's: every regular file under src/ and pkg/tool/ that
// Included keeps, with its size, nothing else (directories, symbolic
// links, files outside, test files, testdata and "_" or "." directories),
// on a tree with nested directories, a link to a file and to a directory,
// a name that sorts before "/" and no pkg/tool at all.
func TestWalkListsWhatWalkDirLists(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"VERSION", "src/go.mod", "src/a/x.go", "src/a-b/y.go", "src/a/b/c/z.s", "src/empty/.keep",
		"src/a/x_test.go", "src/a/testdata/in.go", "src/a/_gen/gen.go", "src/.git/HEAD", "src/a/b/testdata/deep/d.go"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(f), 0o644))
	}
	require.NoError(t, os.Symlink("x.go", filepath.Join(dir, "src", "a", "link.go")))
	require.NoError(t, os.Symlink("../a", filepath.Join(dir, "src", "a-b", "dirlink")))

	got, err := walk(dir)
	require.NoError(t, err)
	var want []entry
	require.NoError(t, filepath.WalkDir(filepath.Join(dir, "src"), func(p string, de fs.DirEntry, err error) error {
		if err != nil || !de.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if !Included(filepath.ToSlash(rel)) {
			return nil
		}
		fi, err := de.Info()
		require.NoError(t, err)
		want = append(want, entry{rel: filepath.ToSlash(rel), size: fi.Size(), mod: fi.ModTime().UnixNano()})
		return nil
	}))
	slices.SortFunc(want, func(a, b entry) int { return strings.Compare(a.rel, b.rel) })
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, want[i].rel, got[i].rel)
		assert.Equal(t, want[i].size, got[i].size, want[i].rel)
		assert.Equal(t, want[i].mod, got[i].mod, want[i].rel)
	}
	assert.Equal(t, []string{"src/a-b/y.go", "src/a/b/c/z.s", "src/a/x.go", "src/empty/.keep", "src/go.mod"},
		slices.Collect(func(yield func(string) bool) {
			for _, e := range got {
				if !yield(e.rel) {
					return
				}
			}
		}))
}

// TestOfEncodedCached checks that a cached manifest comes back with the
// bytes Encode writes, and that a file rewritten in place (same inode and
// size, new modification time) is hashed again.
func TestOfEncodedCached(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	f := filepath.Join(dir, "src", "runtime", "x.go")
	require.NoError(t, os.MkdirAll(filepath.Dir(f), 0o755))
	require.NoError(t, os.WriteFile(f, []byte("package runtime // 1\n"), 0o644))
	m, data, err := OfEncoded(dir, cache)
	require.NoError(t, err)
	enc, err := m.Encode()
	require.NoError(t, err)
	assert.Equal(t, enc, data)
	again, cached, err := OfEncoded(dir, cache)
	require.NoError(t, err)
	assert.Equal(t, m, again)
	assert.Equal(t, data, cached)

	fh, err := os.OpenFile(f, os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = fh.WriteAt([]byte("package runtime // 2\n"), 0)
	require.NoError(t, err)
	require.NoError(t, fh.Close())
	later := time.Now().Add(time.Minute) // a coarse clock may not move between the writes
	require.NoError(t, os.Chtimes(f, later, later))
	third, _, err := OfEncoded(dir, cache)
	require.NoError(t, err)
	assert.Equal(t, []string{"src/runtime/x.go"}, Compare(m, third).Changed)
}

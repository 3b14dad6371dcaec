package matrix

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/record"
)

// testKey is a well-formed cache key (64 hex digits, like keyOf's).
var testKey = keyOf("a cache key for tests")

func TestCachePutGet(t *testing.T) {
	cache := Cache{Dir: t.TempDir()}
	cell := record.Cell{
		ID: "local_v1.36.10_nocover_repro_amd64", Outcome: record.Crash,
		Signature: "fatal error: taggedPointerPack in runtime.netpollopen",
		Runs:      1, Crashes: 1, CacheKey: testKey,
		RunResults: []record.RunResult{{Index: 1, Outcome: record.Crash, ExitCode: 2}},
	}
	logs := map[string][]byte{
		"build.log":      []byte("$ go build\n"),
		"run-1.log":      []byte("fatal error: taggedPointerPack\n"),
		"sources/go.mod": []byte("module repro\n"),
	}
	require.NoError(t, cache.Put(testKey, cell, logs))

	// The entry lives at <Dir>/<kk>/<key>/ with cell.json and logs/.
	entry := filepath.Join(cache.Dir, testKey[:2], testKey)
	assert.FileExists(t, filepath.Join(entry, "cell.json"))
	assert.FileExists(t, filepath.Join(entry, "logs", "sources", "go.mod"))

	got, gotLogs, ok := cache.Get(testKey)
	require.True(t, ok)
	assert.Equal(t, cell, got)
	assert.Equal(t, logs, gotLogs)

	// No temporary directories are left behind next to the entry.
	siblings, err := os.ReadDir(filepath.Dir(entry))
	require.NoError(t, err)
	require.Len(t, siblings, 1)
	assert.Equal(t, testKey, siblings[0].Name())

	_, _, ok = cache.Get(keyOf("another key"))
	assert.False(t, ok, "a key never stored is a miss")
}

func TestCachePutReplaces(t *testing.T) {
	cache := Cache{Dir: t.TempDir()}
	first := record.Cell{ID: "c", Outcome: record.Crash, Signature: "panic: boom"}
	require.NoError(t, cache.Put(testKey, first, map[string][]byte{
		"build.log": []byte("old build\n"),
		"run-1.log": []byte("panic: boom\n"),
	}))
	second := record.Cell{ID: "c", Outcome: record.Pass}
	require.NoError(t, cache.Put(testKey, second, map[string][]byte{
		"build.log": []byte("new build\n"),
	}))

	got, logs, ok := cache.Get(testKey)
	require.True(t, ok)
	assert.Equal(t, second, got)
	assert.Equal(t, map[string][]byte{"build.log": []byte("new build\n")}, logs,
		"the old entry's logs are gone, not merged")
	assert.NoFileExists(t, filepath.Join(cache.Dir, testKey[:2], testKey, "logs", "run-1.log"))

	siblings, err := os.ReadDir(filepath.Join(cache.Dir, testKey[:2]))
	require.NoError(t, err)
	require.Len(t, siblings, 1, "no .tmp or .old directory left behind")
}

func TestCacheGetBrokenEntryIsMiss(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, entry string)
	}{
		{"corrupt cell.json", func(t *testing.T, entry string) {
			require.NoError(t, os.WriteFile(filepath.Join(entry, "cell.json"), []byte(`{"format": "gorepro-cell-cache-1", "cell": {`), 0o644))
		}},
		{"other format", func(t *testing.T, entry string) {
			data, err := os.ReadFile(filepath.Join(entry, "cell.json"))
			require.NoError(t, err)
			data = []byte(strings.Replace(string(data), cacheFormat, "gorepro-cell-cache-0", 1))
			require.NoError(t, os.WriteFile(filepath.Join(entry, "cell.json"), data, 0o644))
		}},
		{"missing cell.json", func(t *testing.T, entry string) {
			require.NoError(t, os.Remove(filepath.Join(entry, "cell.json")))
		}},
		{"missing log", func(t *testing.T, entry string) {
			require.NoError(t, os.Remove(filepath.Join(entry, "logs", "run-1.log")))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cache := Cache{Dir: t.TempDir()}
			cell := record.Cell{ID: "c", Outcome: record.Pass}
			logs := map[string][]byte{"build.log": []byte("b\n"), "run-1.log": []byte("r\n")}
			require.NoError(t, cache.Put(testKey, cell, logs))
			tt.damage(t, filepath.Join(cache.Dir, testKey[:2], testKey))

			_, _, ok := cache.Get(testKey)
			assert.False(t, ok)

			// The next Put overwrites the broken entry.
			require.NoError(t, cache.Put(testKey, cell, logs))
			got, gotLogs, ok := cache.Get(testKey)
			require.True(t, ok)
			assert.Equal(t, cell, got)
			assert.Equal(t, logs, gotLogs)
		})
	}
}

func TestKeyOf(t *testing.T) {
	in := cacheKeyInputs{Toolchain: "kind=local version=go1.26.8", Protobuf: "v1.36.10", Runs: 1,
		Target: config.Target{Env: map[string]string{"B": "2", "A": "1"}}}
	key := keyOf(in)
	assert.Regexp(t, `^[0-9a-f]{64}$`, key)
	assert.Equal(t, key, keyOf(in), "deterministic")

	same := in
	same.Target.Env = map[string]string{"A": "1", "B": "2"}
	assert.Equal(t, key, keyOf(same), "map order does not matter")

	other := in
	other.Runs = 2
	assert.NotEqual(t, key, keyOf(other))
}

// writeFiles creates files (slash-separated names) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		file := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
		require.NoError(t, os.WriteFile(file, []byte(content), 0o644))
	}
}

func TestHashTree(t *testing.T) {
	base := map[string]string{
		"go.mod":          "module example.com/app\n\ngo 1.24\n",
		"main.go":         "package main\n\nfunc main() {}\n",
		"internal/x/x.go": "package x\n",
		".git/HEAD":       "ref: refs/heads/main\n",
	}
	hash := func(t *testing.T, change func(dir string)) string {
		t.Helper()
		dir := t.TempDir()
		writeFiles(t, dir, base)
		if change != nil {
			change(dir)
		}
		sum, err := hashTree(dir)
		require.NoError(t, err)
		return sum
	}
	want := hash(t, nil)
	assert.Regexp(t, `^[0-9a-f]{64}$`, want)
	assert.Equal(t, want, hash(t, nil), "same files in another directory, same hash")

	tests := []struct {
		name    string
		change  func(dir string)
		changed bool
	}{
		{"source edited", func(dir string) {
			writeFiles(t, dir, map[string]string{"main.go": "package main\n\nfunc main() { panic(1) }\n"})
		}, true},
		{"file added", func(dir string) { writeFiles(t, dir, map[string]string{"extra.go": "package main\n"}) }, true},
		{"file renamed", func(dir string) {
			require.NoError(t, os.Rename(filepath.Join(dir, "internal", "x", "x.go"), filepath.Join(dir, "internal", "x", "y.go")))
		}, true},
		{"symlink added", func(dir string) { require.NoError(t, os.Symlink("main.go", filepath.Join(dir, "link.go"))) }, true},
		{".git changed", func(dir string) {
			writeFiles(t, dir, map[string]string{".git/HEAD": "ref: refs/heads/other\n", ".git/objects/ab/cdef": "blob"})
		}, false},
		{"nested hidden dir", func(dir string) { writeFiles(t, dir, map[string]string{"internal/.cache/state": "x"}) }, false},
		{"empty dir added", func(dir string) { require.NoError(t, os.Mkdir(filepath.Join(dir, "empty"), 0o755)) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hash(t, tt.change)
			if tt.changed {
				assert.NotEqual(t, want, got)
			} else {
				assert.Equal(t, want, got)
			}
		})
	}

	t.Run("symlink target matters", func(t *testing.T) {
		a := hash(t, func(dir string) { require.NoError(t, os.Symlink("main.go", filepath.Join(dir, "link.go"))) })
		b := hash(t, func(dir string) { require.NoError(t, os.Symlink("go.mod", filepath.Join(dir, "link.go"))) })
		assert.NotEqual(t, a, b)
	})

	t.Run("missing dir", func(t *testing.T) {
		_, err := hashTree(filepath.Join(t.TempDir(), "nope"))
		assert.ErrorContains(t, err, "hashing ")
	})
}

package modtree

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeTree writes files (slash-separated path → content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
}

// pinnedTree lays out a tree with every kind of entry the hashes tell
// apart, with fixed permission bits: files in and out of hidden
// directories, a hidden file, an executable, an empty directory, a
// symbolic link and a "work" directory to exclude.
func pinnedTree(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "m")
	writeTree(t, dir, map[string]string{
		"go.mod": "module example.com/m\n", "a.go": "package m\n", "sub/b.go": "package sub\n",
		".git/HEAD": "x\n", "sub/.cache/y": "y\n", "work/z": "z\n", ".hidden": "h\n",
	})
	require.NoError(t, os.Mkdir(filepath.Join(dir, "empty"), 0o755))
	require.NoError(t, os.Symlink("sub/b.go", filepath.Join(dir, "link")))
	for _, f := range []string{"go.mod", "sub/b.go", ".git/HEAD", "sub/.cache/y", "work/z", ".hidden"} {
		require.NoError(t, os.Chmod(filepath.Join(dir, filepath.FromSlash(f)), 0o644))
	}
	require.NoError(t, os.Chmod(filepath.Join(dir, "a.go"), 0o755))
	return dir
}

// TestHashPinned pins both formats to the digests the code they came from
// (cellbuild's prepare keys, matrix's cache keys) gave for the same tree:
// the keys stored in caches and prepared copies must not change.
func TestHashPinned(t *testing.T) {
	dir := pinnedTree(t)
	tests := []struct {
		name string
		opts HashOptions
		want string
	}{
		{"exact, work excluded (a prepare key)", HashOptions{Format: Exact, Exclude: filepath.Join(dir, "work")},
			"a76290b513da66dd2b8eb0f8aa62864d373954ee00f7b98a23e99b30ade7ff2a"},
		{"exact", HashOptions{Format: Exact}, "9b0c576cfe089d416e87d4b04772f4a059a6fcc5c37c8588217423772520884d"},
		{"content (a cache key's tree)", HashOptions{Format: Content}, "c97ba21c2270a910846a1a9a4fb866b6a6f8a28ac4a316e10680ee1ca6f265cd"},
		{"content, only .git skipped (a Dockerfile's context)", HashOptions{Format: Content, Skip: func(name string) bool { return name == ".git" }},
			"4d2f88362e05abbb61596896ff36614952f895fd9be073db0777d1afac79164d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Hash(dir, tt.opts)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestHashFormats: what changes a digest in one format and not in the
// other.
func TestHashFormats(t *testing.T) {
	tests := []struct {
		name           string
		change         func(t *testing.T, dir string)
		exact, content bool // whether the digest changes
	}{
		{"nothing", func(*testing.T, string) {}, false, false},
		{"permission bits", func(t *testing.T, dir string) { require.NoError(t, os.Chmod(filepath.Join(dir, "go.mod"), 0o600)) }, true, false},
		{"empty directory", func(t *testing.T, dir string) { require.NoError(t, os.Mkdir(filepath.Join(dir, "new"), 0o755)) }, true, false},
		{"content", func(t *testing.T, dir string) { writeTree(t, dir, map[string]string{"a.go": "package m // edited\n"}) }, true, true},
		{"link target", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, "link")))
			require.NoError(t, os.Symlink("a.go", filepath.Join(dir, "link")))
		}, true, true},
		{"hidden directory", func(t *testing.T, dir string) { writeTree(t, dir, map[string]string{".git/HEAD": "y\n"}) }, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := pinnedTree(t)
			exact, err := Hash(dir, HashOptions{Format: Exact})
			require.NoError(t, err)
			content, err := Hash(dir, HashOptions{Format: Content})
			require.NoError(t, err)
			tt.change(t, dir)
			exact2, err := Hash(dir, HashOptions{Format: Exact})
			require.NoError(t, err)
			content2, err := Hash(dir, HashOptions{Format: Content})
			require.NoError(t, err)
			assert.Equal(t, tt.exact, exact != exact2, "exact digest changed")
			assert.Equal(t, tt.content, content != content2, "content digest changed")
		})
	}
	_, err := Hash(filepath.Join(t.TempDir(), "nope"), HashOptions{})
	assert.ErrorContains(t, err, "hashing ")
}

// TestCopyLink: with Link, regular files are hard links of the source's;
// directories and links are recreated as without it.
func TestCopyLink(t *testing.T) {
	src := pinnedTree(t)
	dst := filepath.Join(t.TempDir(), "copy")
	require.NoError(t, Copy(src, dst, CopyOptions{Link: true}))
	for _, name := range []string{"go.mod", "a.go", "sub/b.go", ".hidden", "work/z"} {
		orig, err := os.Stat(filepath.Join(src, filepath.FromSlash(name)))
		require.NoError(t, err)
		got, err := os.Stat(filepath.Join(dst, filepath.FromSlash(name)))
		require.NoError(t, err, name)
		assert.True(t, os.SameFile(orig, got), "%s is a hard link", name)
	}
	link, err := os.Readlink(filepath.Join(dst, "link"))
	require.NoError(t, err)
	assert.Equal(t, "sub/b.go", link)
	fi, err := os.Stat(filepath.Join(dst, "empty"))
	require.NoError(t, err)
	assert.True(t, fi.IsDir())
	_, err = os.Lstat(filepath.Join(dst, ".git"))
	assert.True(t, os.IsNotExist(err), "hidden directories are not copied")
	assert.Error(t, Copy(src, dst, CopyOptions{Link: true}), "dst must not exist")

	whole := filepath.Join(t.TempDir(), "whole")
	require.NoError(t, Copy(src, whole, CopyOptions{Link: true, KeepHidden: true}))
	for _, name := range []string{".git/HEAD", "sub/.cache/y"} {
		_, err := os.Stat(filepath.Join(whole, filepath.FromSlash(name)))
		assert.NoError(t, err, "KeepHidden copies %s", name)
	}
}

func TestHiddenWithin(t *testing.T) {
	assert.True(t, Hidden(".git"))
	assert.False(t, Hidden("git"))
	tests := []struct {
		path, dir string
		want      bool
	}{
		{"/a/b", "/a", true},
		{"/a", "/a", true},
		{"/a/../b", "/a", false},
		{"/ab", "/a", false},
		{"/a/..b", "/a", true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Within(tt.path, tt.dir), "Within(%q, %q)", tt.path, tt.dir)
	}
}

func TestReplaceDirs(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"go.mod": "module example.com/app\n\ngo 1.24\n\nreplace example.com/abs => /opt/abs\n\nreplace example.com/rel => ../rel\n\nreplace example.com/mod => example.com/fork v1.2.3\n"})
	got, err := ReplaceDirs(filepath.Join(dir, "go.mod"))
	require.NoError(t, err)
	assert.Equal(t, []string{"/opt/abs", filepath.Join(filepath.Dir(dir), "rel")}, got, "relative replacements resolved against the go.mod's directory")
	_, err = ReplaceDirs(filepath.Join(dir, "nope.mod"))
	assert.ErrorContains(t, err, "nope.mod")
}

func TestCopy(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, map[string]string{
		"go.mod":          "module example.com/m\n",
		"pkg/a.go":        "package pkg\n",
		".git/HEAD":       "ref: refs/heads/main\n",
		"pkg/.cache/x":    "hidden\n",
		".hidden-file":    "copied\n",
		"testdata/in.txt": "copied\n",
		"work/prepared/x": "gorepro's work directory\n",
	})
	require.NoError(t, os.WriteFile(filepath.Join(src, "gen.sh"), []byte("#!/bin/sh\n"), 0o750))
	require.NoError(t, os.WriteFile(filepath.Join(src, "ro.txt"), []byte("read-only\n"), 0o444))
	require.NoError(t, os.Symlink("pkg/a.go", filepath.Join(src, "inside")))
	outside := filepath.Join(t.TempDir(), "outside.txt")
	require.NoError(t, os.WriteFile(outside, []byte("outside\n"), 0o644))
	rel, err := filepath.Rel(src, outside)
	require.NoError(t, err)
	require.NoError(t, os.Symlink(rel, filepath.Join(src, "outside")))

	dst := filepath.Join(t.TempDir(), "copy")
	require.NoError(t, Copy(src, dst, CopyOptions{Exclude: filepath.Join(src, "work")}))

	tests := []struct {
		name string
		mode os.FileMode // permission bits; 0: must not exist
		link string      // for a symbolic link: its target
	}{
		{"go.mod", 0o644, ""},
		{"pkg/a.go", 0o644, ""},
		{".hidden-file", 0o644, ""},
		{"testdata/in.txt", 0o644, ""},
		{"gen.sh", 0o750, ""},
		{"ro.txt", 0o444, ""},
		{".git", 0, ""},
		{"pkg/.cache", 0, ""},
		{"work", 0, ""},
		{"inside", 0, "pkg/a.go"},
		{"outside", 0, outside},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dst, filepath.FromSlash(tt.name))
			fi, err := os.Lstat(path)
			switch {
			case tt.link != "":
				require.NoError(t, err)
				link, err := os.Readlink(path)
				require.NoError(t, err)
				assert.Equal(t, tt.link, link)
			case tt.mode == 0:
				assert.True(t, os.IsNotExist(err), "%s is not copied", tt.name)
			default:
				require.NoError(t, err)
				assert.Equal(t, tt.mode, fi.Mode().Perm())
				orig, err := os.Stat(filepath.Join(src, filepath.FromSlash(tt.name)))
				require.NoError(t, err)
				assert.NotEqual(t, orig.Sys().(*syscall.Stat_t).Ino, fi.Sys().(*syscall.Stat_t).Ino, "a copy, not a hard link")
				want, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(tt.name)))
				require.NoError(t, err)
				got, err := os.ReadFile(path)
				require.NoError(t, err)
				assert.Equal(t, want, got)
			}
		})
	}
	data, err := os.ReadFile(filepath.Join(dst, "outside"))
	require.NoError(t, err)
	assert.Equal(t, "outside\n", string(data), "the link still resolves")
}

func TestHashExact(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"go.mod": "module example.com/m\n", "a.go": "package m\n", ".git/HEAD": "x\n"})
	hash := func() string {
		t.Helper()
		sum, err := Hash(dir, HashOptions{Format: Exact, Exclude: filepath.Join(dir, "work")})
		require.NoError(t, err)
		return sum
	}
	base := hash()
	tests := []struct {
		name    string
		change  func()
		changes bool
	}{
		{"nothing", func() {}, false},
		{"hidden directory", func() { writeTree(t, dir, map[string]string{".git/HEAD": "y\n"}) }, false},
		{"content", func() { writeTree(t, dir, map[string]string{"a.go": "package m // edited\n"}) }, true},
		{"mode", func() { require.NoError(t, os.Chmod(filepath.Join(dir, "a.go"), 0o755)) }, true},
		{"new file", func() { writeTree(t, dir, map[string]string{"b.go": "package m\n"}) }, true},
		{"new empty directory", func() { require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755)) }, true},
		{"the excluded directory", func() { writeTree(t, dir, map[string]string{"work/x": "x\n"}) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.change()
			got := hash()
			if tt.changes {
				assert.NotEqual(t, base, got)
			} else {
				assert.Equal(t, base, got)
			}
			base = got
		})
	}
}

func TestAbsoluteReplaces(t *testing.T) {
	orig := filepath.Join(t.TempDir(), "app")
	tests := []struct {
		name         string
		goMod        string
		modulesTxt   string // "" for no vendor directory
		wantGoMod    string
		wantVendored string
	}{
		{
			name:      "relative replacements become absolute",
			goMod:     "module example.com/app\n\ngo 1.24\n\nreplace example.com/lib => ../lib\n\nreplace example.com/sub v1.0.0 => ./sub\n\nreplace example.com/abs => /opt/abs\n\nreplace example.com/mod => example.com/fork v1.2.3\n",
			wantGoMod: "module example.com/app\n\ngo 1.24\n\nreplace example.com/lib => " + filepath.Join(orig, "../lib") + "\n\nreplace example.com/sub v1.0.0 => " + filepath.Join(orig, "sub") + "\n\nreplace example.com/abs => /opt/abs\n\nreplace example.com/mod => example.com/fork v1.2.3\n",
		},
		{
			name:         "vendor/modules.txt follows",
			goMod:        "module example.com/app\n\ngo 1.24\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n",
			modulesTxt:   "# example.com/lib v0.0.0 => ../lib\n## explicit\nexample.com/lib\n# example.com/lib => ../lib\n",
			wantGoMod:    "module example.com/app\n\ngo 1.24\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => " + filepath.Join(orig, "../lib") + "\n",
			wantVendored: "# example.com/lib v0.0.0 => " + filepath.Join(orig, "../lib") + "\n## explicit\nexample.com/lib\n# example.com/lib => " + filepath.Join(orig, "../lib") + "\n",
		},
		{
			name:      "nothing to rewrite",
			goMod:     "module example.com/app\n\n// a comment kept as it is\ngo 1.24\n",
			wantGoMod: "module example.com/app\n\n// a comment kept as it is\ngo 1.24\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			copyDir := t.TempDir()
			files := map[string]string{"go.mod": tt.goMod}
			if tt.modulesTxt != "" {
				files["vendor/modules.txt"] = tt.modulesTxt
			}
			writeTree(t, copyDir, files)
			require.NoError(t, AbsoluteReplaces(orig, copyDir))
			got, err := os.ReadFile(filepath.Join(copyDir, "go.mod"))
			require.NoError(t, err)
			assert.Equal(t, tt.wantGoMod, string(got))
			if tt.modulesTxt != "" {
				got, err := os.ReadFile(filepath.Join(copyDir, "vendor", "modules.txt"))
				require.NoError(t, err)
				assert.Equal(t, tt.wantVendored, string(got))
			}
		})
	}
}

package gosource

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestContractReason(t *testing.T) {
	for _, tc := range []struct {
		path     string
		contract bool
	}{
		{"VERSION", true},
		{"src/cmd/compile/internal/ssa/rewrite.go", true},
		{"src/cmd/go/main.go", true},
		{"src/internal/abi/type.go", true},
		{"src/internal/buildcfg/cfg.go", true},
		{"src/internal/goarch/goarch.go", true},
		{"src/internal/goexperiment/flags.go", true},
		{"src/go/build/build.go", true},
		{"src/runtime/textflag.h", true},
		{"src/runtime/tagptr_64bit.go", false},
		{"src/runtime/internal/foo/foo.go", false},
		{"src/net/http/doc.go", false},
		{"src/internal/abitest/x.go", false}, // another package, not internal/abi
		{"src/go/buildtag/x.go", false},
		{"doc/go_spec.html", false},
		{"README.md", false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			assert.Equal(t, tc.contract, ContractReason(tc.path) != "", ContractReason(tc.path))
		})
	}
	assert.Equal(t, "", FastBlocker([]string{"README.md", "src/runtime/proc.go"}))
	assert.Contains(t, FastBlocker([]string{"README.md", "src/cmd/go/main.go"}), "src/cmd/go/main.go (the tools' own sources)")
}

func TestListingDiff(t *testing.T) {
	a := Listing{"src/a.go": "1", "src/b.go": "2", "VERSION": "v"}
	b := Listing{"src/a.go": "1", "src/b.go": "3", "src/c.go": "4", "VERSION": "v"}
	assert.Equal(t, []string{"src/b.go", "src/c.go"}, a.Diff(b))
	assert.Equal(t, a.Key(), Listing{"VERSION": "v", "src/b.go": "2", "src/a.go": "1"}.Key())
	assert.NotEqual(t, a.Key(), b.Key())
}

// fakeHistory is a small "Go repository" with a make.bash that makes
// fake tools (no real Go is built), and an installed GOROOT of its first
// commit.
type fakeHistory struct {
	repo, installed         string
	first, doc, lib, cmd, v string
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=G", "GIT_AUTHOR_EMAIL=g@example.com", "GIT_COMMITTER_NAME=G", "GIT_COMMITTER_EMAIL=g@example.com", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %v: %s", args, out)
	return strings.TrimSpace(string(out))
}

func write(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), mode))
}

const fakeMake = `#!/usr/bin/env bash
set -e
echo "Building Go toolchain (fake)"
mkdir -p ../bin ../pkg/tool/linux_amd64 ../pkg/include
printf '#!/bin/sh\necho fake go\n' > ../bin/go
chmod +x ../bin/go
echo compile > ../pkg/tool/linux_amd64/compile
cp runtime/textflag.h ../pkg/include/
echo built >> "$FAKE_MAKE_COUNT"
`

func newFakeHistory(t *testing.T) *fakeHistory {
	root := t.TempDir()
	h := &fakeHistory{repo: filepath.Join(root, "go"), installed: filepath.Join(root, "installed")}
	t.Setenv("FAKE_MAKE_COUNT", filepath.Join(root, "make-count"))
	write(t, filepath.Join(h.repo, "VERSION"), "go1.99.1\n", 0o644)
	write(t, filepath.Join(h.repo, "README.md"), "Go\n", 0o644)
	write(t, filepath.Join(h.repo, "src", "make.bash"), fakeMake, 0o755)
	write(t, filepath.Join(h.repo, "src", "runtime", "textflag.h"), "// flags\n", 0o644)
	write(t, filepath.Join(h.repo, "src", "runtime", "tagptr.go"), "package runtime\n", 0o644)
	write(t, filepath.Join(h.repo, "src", "net", "http", "doc.go"), "package http\n", 0o644)
	write(t, filepath.Join(h.repo, "src", "cmd", "go", "main.go"), "package main\n", 0o644)
	git(t, h.repo, "init", "-q")
	git(t, h.repo, "add", "-A")
	git(t, h.repo, "commit", "-q", "-m", "go1.99.1")
	git(t, h.repo, "tag", "go1.99.1")
	h.first = git(t, h.repo, "rev-parse", "HEAD")
	// The installed Go: the first commit's files and its tools.
	require.NoError(t, exec.Command("cp", "-a", h.repo, h.installed).Run())
	require.NoError(t, os.RemoveAll(filepath.Join(h.installed, ".git")))
	cmd := exec.Command("bash", "make.bash")
	cmd.Dir = filepath.Join(h.installed, "src")
	require.NoError(t, cmd.Run())
	require.NoError(t, os.Remove(filepath.Join(root, "make-count")))
	commit := func(rel, add, msg string) string {
		f, err := os.OpenFile(filepath.Join(h.repo, rel), os.O_APPEND|os.O_WRONLY, 0)
		require.NoError(t, err)
		_, err = f.WriteString(add)
		require.NoError(t, err)
		require.NoError(t, f.Close())
		git(t, h.repo, "commit", "-q", "-am", msg+"\n\nReviewed-on: https://go-review.googlesource.com/c/go/+/1")
		return git(t, h.repo, "rev-parse", "HEAD")
	}
	h.doc = commit("README.md", "more\n", "doc: more")
	h.lib = commit("src/runtime/tagptr.go", "// changed\n", "runtime: change")
	h.cmd = commit("src/cmd/go/main.go", "// changed\n", "cmd/go: change")
	h.v = git(t, h.repo, "status", "--porcelain") + git(t, h.repo, "for-each-ref") + git(t, h.repo, "worktree", "list", "--porcelain")
	return h
}

func makeCount(t *testing.T, h *fakeHistory) int {
	data, err := os.ReadFile(filepath.Join(filepath.Dir(h.repo), "make-count"))
	if os.IsNotExist(err) {
		return 0
	}
	require.NoError(t, err)
	return strings.Count(string(data), "built")
}

func TestEnsureFullFastAndCache(t *testing.T) {
	ctx := context.Background()
	h := newFakeHistory(t)
	cache := t.TempDir()
	repo, err := OpenRepo(ctx, h.repo, cache)
	require.NoError(t, err)
	b := &Builder{CacheDir: cache, Bootstrap: "/nonexistent", Installed: []string{h.installed}}

	// The release and a commit that changes only documentation are the
	// installed Go: nothing is built.
	for _, rev := range []string{"go1.99.1", h.doc} {
		bd, err := b.Ensure(ctx, repo, rev, true)
		require.NoError(t, err)
		assert.Equal(t, ModeFull, bd.Mode, rev)
		assert.True(t, bd.Installed, rev)
		assert.True(t, bd.Reused, rev)
		assert.Equal(t, h.installed, bd.GOROOT)
	}
	// A runtime change: fast, on the installed Go's tools, with the
	// commit's runtime.
	bd, err := b.Ensure(ctx, repo, h.lib, true)
	require.NoError(t, err)
	assert.Equal(t, ModeFast, bd.Mode)
	assert.Equal(t, h.installed, bd.Base)
	assert.False(t, bd.Reused)
	src, err := os.ReadFile(filepath.Join(bd.GOROOT, "src", "runtime", "tagptr.go"))
	require.NoError(t, err)
	assert.Contains(t, string(src), "// changed")
	assert.FileExists(t, filepath.Join(bd.GOROOT, "bin", "go"))
	assert.FileExists(t, filepath.Join(bd.GOROOT, "pkg", "tool", "linux_amd64", "compile"))
	assert.Equal(t, 0, makeCount(t, h))

	// A change under src/cmd: make.bash runs, and says why.
	bd, err = b.Ensure(ctx, repo, h.cmd, true)
	require.NoError(t, err)
	assert.Equal(t, ModeFull, bd.Mode)
	assert.False(t, bd.Reused)
	assert.Contains(t, bd.Why, "src/cmd/go/main.go")
	assert.Equal(t, 1, makeCount(t, h))

	// A full build asked of the runtime change: make.bash runs.
	bd, err = b.Ensure(ctx, repo, h.lib, false)
	require.NoError(t, err)
	assert.Equal(t, ModeFull, bd.Mode)
	assert.Equal(t, 2, makeCount(t, h))

	// A second run (a new Builder on the same cache) builds nothing.
	b2 := &Builder{CacheDir: cache, Bootstrap: "/nonexistent", Installed: []string{h.installed}}
	for _, rev := range []string{"go1.99.1", h.doc, h.lib, h.cmd} {
		bd, err := b2.Ensure(ctx, repo, rev, true)
		require.NoError(t, err)
		assert.True(t, bd.Reused, rev)
		assert.Equal(t, ModeFull, bd.Mode, rev)
	}
	assert.Equal(t, 2, makeCount(t, h))

	// The repository was only read.
	assert.Equal(t, h.v, git(t, h.repo, "status", "--porcelain")+git(t, h.repo, "for-each-ref")+git(t, h.repo, "worktree", "list", "--porcelain"))
}

func TestEnsureConcurrent(t *testing.T) {
	ctx := context.Background()
	h := newFakeHistory(t)
	cache := t.TempDir()
	repo, err := OpenRepo(ctx, h.repo, cache)
	require.NoError(t, err)
	// Separate Builders (as separate gorepro processes would be) ask for
	// the same toolchains at once: each is made once, and all get it.
	var wg sync.WaitGroup
	builds := make([]*Build, 8)
	for i := range builds {
		wg.Go(func() {
			b := &Builder{CacheDir: cache, Bootstrap: "/nonexistent", Installed: []string{h.installed}}
			rev, fast := h.lib, true
			if i%2 == 1 {
				rev, fast = h.cmd, false
			}
			bd, err := b.Ensure(ctx, repo, rev, fast)
			assert.NoError(t, err)
			builds[i] = bd
		})
	}
	wg.Wait()
	made := map[string]int{}
	for i, bd := range builds {
		require.NotNil(t, bd, i)
		assert.FileExists(t, filepath.Join(bd.GOROOT, "bin", "go"))
		if !bd.Reused {
			made[bd.Mode]++
		}
	}
	assert.Equal(t, map[string]int{ModeFast: 1, ModeFull: 1}, made)
	assert.Equal(t, 1, makeCount(t, h))
}

func TestDirListingMatchesGit(t *testing.T) {
	h := newFakeHistory(t)
	repo, err := OpenRepo(context.Background(), h.repo, t.TempDir())
	require.NoError(t, err)
	fromGit, err := repo.Listing(context.Background(), h.first)
	require.NoError(t, err)
	fromDir, err := DirListing(h.installed)
	require.NoError(t, err)
	assert.Equal(t, fromGit, fromDir)
}

func TestDescribe(t *testing.T) {
	h := newFakeHistory(t)
	repo, err := OpenRepo(context.Background(), h.repo, t.TempDir())
	require.NoError(t, err)
	c, err := repo.Describe(context.Background(), h.lib)
	require.NoError(t, err)
	assert.Equal(t, "runtime: change", c.Subject)
	assert.Equal(t, "https://go-review.googlesource.com/c/go/+/1", c.ReviewedOn)
}

func TestEnsureFailedMakeIsRemembered(t *testing.T) {
	ctx := context.Background()
	h := newFakeHistory(t)
	// A make.bash that crashes, as the toolchain of a commit whose runtime
	// is broken does when it builds itself.
	write(t, filepath.Join(h.repo, "src", "make.bash"), "#!/usr/bin/env bash\necho built >> \"$FAKE_MAKE_COUNT\"\necho 'fatal error: taggedPointerPack'\nexit 2\n", 0o755)
	git(t, h.repo, "commit", "-q", "-am", "all: break make.bash")
	cache := t.TempDir()
	repo, err := OpenRepo(ctx, h.repo, cache)
	require.NoError(t, err)
	for i, wantBuilt := range []bool{true, false} {
		b := &Builder{CacheDir: cache, Bootstrap: "/nonexistent", Installed: []string{h.installed}}
		_, err := b.Ensure(ctx, repo, "HEAD", false)
		var mk *MakeError
		require.ErrorAs(t, err, &mk, "run %d", i)
		assert.Equal(t, wantBuilt, mk.Built, "run %d", i)
		assert.Contains(t, string(mk.Output), "fatal error: taggedPointerPack")
	}
	assert.Equal(t, 1, makeCount(t, h), "a failed make.bash is not run again for the same sources")
}

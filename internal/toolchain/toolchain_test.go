package toolchain

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/config"
)

// writeScript writes an executable shell script and returns its path.
func writeScript(t *testing.T, path, body string) string {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755))
	return path
}

func TestResolveLocal(t *testing.T) {
	r := Resolve(context.Background(), config.Toolchain{Name: "local", Kind: config.KindLocal}, Options{})
	require.True(t, r.Available, r.Reason)
	assert.Equal(t, "local", r.Name)
	assert.Equal(t, config.KindLocal, r.Kind)
	assert.Regexp(t, `^go1\.\d+(\.\d+)?$`, r.GoVersion)
	assert.True(t, filepath.IsAbs(r.GoCmd), r.GoCmd)
	assert.FileExists(t, r.GoCmd)
	assert.DirExists(t, r.GOROOT)
	assert.Equal(t, []string{"GOTOOLCHAIN=local", "GOROOT="}, r.Env)
	assert.Equal(t, runtime.GOOS, r.HostGOOS)
	assert.Equal(t, runtime.GOARCH, r.HostGOARCH)
	assert.Empty(t, r.Warning)
	assert.Contains(t, r.Identity, r.GoVersion)
	assert.Contains(t, r.Identity, r.GOROOT)

	t.Run("expectGo matches", func(t *testing.T) {
		r2 := Resolve(context.Background(), config.Toolchain{Name: "local", Kind: config.KindLocal, ExpectGo: r.GoVersion}, Options{})
		assert.Empty(t, r2.Warning)
		assert.Equal(t, r.Identity, r2.Identity, "identity is stable")
	})
	t.Run("expectGo differs", func(t *testing.T) {
		r2 := Resolve(context.Background(), config.Toolchain{Name: "local", Kind: config.KindLocal, ExpectGo: "go1.25.3"}, Options{})
		assert.True(t, r2.Available)
		assert.Equal(t, "expected go1.25.3 but the toolchain is "+r.GoVersion, r2.Warning)
	})
	t.Run("goroot of the local toolchain", func(t *testing.T) {
		r2 := Resolve(context.Background(), config.Toolchain{Name: "gr", Kind: config.KindGoroot, GOROOT: r.GOROOT}, Options{})
		require.True(t, r2.Available, r2.Reason)
		assert.Equal(t, r.GoVersion, r2.GoVersion)
		assert.Equal(t, filepath.Join(r.GOROOT, "bin", "go"), r2.GoCmd)
		assert.Equal(t, []string{"GOTOOLCHAIN=local", "GOROOT=" + r.GOROOT}, r2.Env)
	})
}

func TestResolveGotoolchain(t *testing.T) {
	// go1.27.3 is the only release other than the local one that may be
	// fetched on these machines (and it is already in the module cache).
	r := Resolve(context.Background(), config.Toolchain{Name: "g127", Kind: config.KindGotoolchain, Version: "go1.27.3", ExpectGo: "go1.27.3"}, Options{})
	require.True(t, r.Available, r.Reason)
	assert.Equal(t, "go1.27.3", r.GoVersion)
	assert.Equal(t, []string{"GOTOOLCHAIN=go1.27.3", "GOROOT="}, r.Env)
	assert.Equal(t, filepath.Join(r.GOROOT, "bin", "go"), r.GoCmd)
	assert.FileExists(t, r.GoCmd)
	assert.Empty(t, r.Warning)
}

// A GOROOT inherited from the user's environment must not leak into another
// toolchain: go1.27.3 would otherwise use the local release's compiler.
func TestResolveIgnoresInheritedGOROOT(t *testing.T) {
	local := Resolve(context.Background(), config.Toolchain{Name: "local", Kind: config.KindLocal}, Options{})
	require.True(t, local.Available, local.Reason)
	t.Setenv("GOROOT", local.GOROOT)
	r := Resolve(context.Background(), config.Toolchain{Name: "g127", Kind: config.KindGotoolchain, Version: "go1.27.3"}, Options{})
	require.True(t, r.Available, r.Reason)
	assert.Equal(t, "go1.27.3", r.GoVersion)
	assert.NotEqual(t, local.GOROOT, r.GOROOT)
}

func TestResolveUnavailable(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-goroot")
	empty := t.TempDir()
	failing := writeScript(t, filepath.Join(t.TempDir(), "go"),
		"echo 'go: downloading go1.27.3 (linux/amd64)' >&2\necho 'go: download go1.27.3: toolchain not available' >&2\nexit 1\n")

	tests := []struct {
		name       string
		tc         config.Toolchain
		opts       Options
		wantReason []string
	}{
		{
			name:       "goroot missing",
			tc:         config.Toolchain{Name: "gr", Kind: config.KindGoroot, GOROOT: missing},
			wantReason: []string{missing, "does not exist"},
		},
		{
			name:       "goroot without bin/go",
			tc:         config.Toolchain{Name: "gr", Kind: config.KindGoroot, GOROOT: empty},
			wantReason: []string{filepath.Join(empty, "bin", "go")},
		},
		{
			name:       "goroot not set",
			tc:         config.Toolchain{Name: "gr", Kind: config.KindGoroot},
			wantReason: []string{"no goroot"},
		},
		{
			name: "gotoolchain download fails",
			tc:   config.Toolchain{Name: "g", Kind: config.KindGotoolchain, Version: "go1.27.3"},
			opts: Options{GoCmd: failing},
			wantReason: []string{"GOTOOLCHAIN=go1.27.3", "go: download go1.27.3: toolchain not available",
				"GOPROXY", "network"},
		},
		{
			name:       "gotoolchain without version",
			tc:         config.Toolchain{Name: "g", Kind: config.KindGotoolchain},
			wantReason: []string{"no version"},
		},
		{
			name:       "local go missing",
			tc:         config.Toolchain{Name: "l", Kind: config.KindLocal},
			opts:       Options{GoCmd: filepath.Join(missing, "go")},
			wantReason: []string{"no go command"},
		},
		{
			name:       "image",
			tc:         config.Toolchain{Name: "img", Kind: config.KindImage, Image: "localhost/go:1.25"},
			wantReason: []string{"no container engine is configured for kind image toolchains"},
		},
		{
			name:       "unknown kind",
			tc:         config.Toolchain{Name: "x", Kind: "docker"},
			wantReason: []string{`unknown toolchain kind "docker"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Resolve(context.Background(), tt.tc, tt.opts)
			assert.False(t, r.Available)
			assert.Equal(t, tt.tc.Name, r.Name)
			assert.NotContains(t, r.Reason, "\n")
			assert.NotContains(t, r.Reason, "go: downloading", "progress lines are dropped")
			for _, want := range tt.wantReason {
				assert.Contains(t, r.Reason, want)
			}
		})
	}
}

func TestResolveFakeGorootIdentity(t *testing.T) {
	// A fake GOROOT whose go command reports a version with an experiment.
	goroot := t.TempDir()
	goCmd := writeScript(t, filepath.Join(goroot, "bin", "go"), `echo '{"GOVERSION": "go1.99.1 X:nocoverageredesign", "GOROOT": "'"$GOROOT"'", "GOHOSTOS": "linux", "GOHOSTARCH": "arm64"}'`+"\n")
	require.NoError(t, os.WriteFile(filepath.Join(goroot, "VERSION"), []byte("go1.99.1\n"), 0o644))

	tc := config.Toolchain{Name: "fake", Kind: config.KindGoroot, GOROOT: goroot}
	r := Resolve(context.Background(), tc, Options{})
	require.True(t, r.Available, r.Reason)
	assert.Equal(t, "go1.99.1", r.GoVersion)
	assert.Equal(t, "nocoverageredesign", r.Experiments)
	assert.Equal(t, goroot, r.GOROOT)
	assert.Equal(t, "arm64", r.HostGOARCH)

	again := Resolve(context.Background(), tc, Options{})
	assert.Equal(t, r.Identity, again.Identity)

	// Replacing the go binary (new mtime) changes the identity.
	later := time.Now().Add(time.Hour)
	require.NoError(t, os.Chtimes(goCmd, later, later))
	replaced := Resolve(context.Background(), tc, Options{})
	assert.NotEqual(t, r.Identity, replaced.Identity)

	// So does a new VERSION file.
	require.NoError(t, os.WriteFile(filepath.Join(goroot, "VERSION"), []byte("go1.99.2\n"), 0o644))
	assert.NotEqual(t, replaced.Identity, Resolve(context.Background(), tc, Options{}).Identity)
}

// TestResolveIdentityFollowsGOROOTFiles: the go command compiles every
// standard package from GOROOT/src at build time, so any file a build can
// read changes the identity (a cached cell is not reused after a Go
// developer edits src/os in place), and what no build reads does not.
func TestResolveIdentityFollowsGOROOTFiles(t *testing.T) {
	// changes: the identity (cache keys) changes; build: the build's
	// fingerprint (same Go version, different build) changes too.
	tests := []struct {
		name           string
		edit           func(t *testing.T, goroot string)
		changes, build bool
	}{
		{"a std source written in place", func(t *testing.T, g string) { appendTo(t, filepath.Join(g, "src", "os", "file.go"), "// x\n") }, true, true},
		{"the runtime patched", func(t *testing.T, g string) {
			appendTo(t, filepath.Join(g, "src", "runtime", "tagptr_64bit.go"), "// x\n")
		}, true, true},
		{"a std source added", func(t *testing.T, g string) { appendTo(t, filepath.Join(g, "src", "os", "new.go"), "package os\n") }, true, true},
		{"a std source removed", func(t *testing.T, g string) { require.NoError(t, os.Remove(filepath.Join(g, "src", "os", "file.go"))) }, true, true},
		{"a tool rebuilt", func(t *testing.T, g string) {
			appendTo(t, filepath.Join(g, "pkg", "tool", "linux_amd64", "compile"), "x")
		}, true, true},
		{"go.env edited", func(t *testing.T, g string) { appendTo(t, filepath.Join(g, "go.env"), "GOTOOLCHAIN=local\n") }, true, true},
		{"a cgo header edited", func(t *testing.T, g string) { appendTo(t, filepath.Join(g, "pkg", "include", "textflag.h"), "\n") }, true, false},
		{"a std source touched", func(t *testing.T, g string) {
			later := time.Now().Add(time.Hour)
			require.NoError(t, os.Chtimes(filepath.Join(g, "src", "os", "file.go"), later, later))
		}, true, false},
		{"a test file edited", func(t *testing.T, g string) { appendTo(t, filepath.Join(g, "src", "os", "file_test.go"), "// x\n") }, false, false},
		{"testdata edited", func(t *testing.T, g string) { appendTo(t, filepath.Join(g, "src", "os", "testdata", "x.txt"), "x") }, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			goroot := t.TempDir()
			writeScript(t, filepath.Join(goroot, "bin", "go"), `echo '{"GOVERSION": "go1.99.1", "GOROOT": "'"$GOROOT"'", "GOHOSTOS": "linux", "GOHOSTARCH": "amd64"}'`+"\n")
			for _, f := range []string{"VERSION", "go.env", "src/os/file.go", "src/os/file_test.go", "src/os/testdata/x.txt",
				"src/runtime/tagptr_64bit.go", "pkg/tool/linux_amd64/compile", "pkg/include/textflag.h"} {
				appendTo(t, filepath.Join(goroot, filepath.FromSlash(f)), "content of "+f+"\n")
			}
			tc := config.Toolchain{Name: "fake", Kind: config.KindGoroot, GOROOT: goroot}
			before := Resolve(context.Background(), tc, Options{})
			require.True(t, before.Available, before.Reason)
			require.NotNil(t, before.Files)
			assert.Equal(t, 3, before.Files.Files(), "the files of src/ and pkg/tool/ a build can read")
			assert.True(t, strings.HasPrefix(before.Build, "gorootfiles:"), before.Build)
			tt.edit(t, goroot)
			after := Resolve(context.Background(), tc, Options{CacheDir: t.TempDir()})
			if tt.changes {
				assert.NotEqual(t, before.Identity, after.Identity)
			} else {
				assert.Equal(t, before.Identity, after.Identity)
			}
			if tt.build {
				assert.NotEqual(t, before.Build, after.Build)
			} else {
				assert.Equal(t, before.Build, after.Build)
			}
		})
	}
}

// TestResolveBuildOfACopy: a copy of a GOROOT (new inodes and times) is
// another toolchain for the cache, but the same build.
func TestResolveBuildOfACopy(t *testing.T) {
	goroot := filepath.Join(t.TempDir(), "go")
	writeScript(t, filepath.Join(goroot, "bin", "go"), `echo '{"GOVERSION": "go1.99.1", "GOROOT": "'"$GOROOT"'", "GOHOSTOS": "linux", "GOHOSTARCH": "amd64"}'`+"\n")
	for _, f := range []string{"VERSION", "src/os/file.go", "pkg/tool/linux_amd64/compile"} {
		appendTo(t, filepath.Join(goroot, filepath.FromSlash(f)), "content of "+f+"\n")
	}
	copied := filepath.Join(t.TempDir(), "go")
	require.NoError(t, os.CopyFS(copied, os.DirFS(goroot)))
	a := Resolve(context.Background(), config.Toolchain{Name: "a", Kind: config.KindGoroot, GOROOT: goroot}, Options{})
	b := Resolve(context.Background(), config.Toolchain{Name: "b", Kind: config.KindGoroot, GOROOT: copied}, Options{})
	require.True(t, a.Available && b.Available, "%s %s", a.Reason, b.Reason)
	assert.NotEqual(t, a.Identity, b.Identity)
	assert.Equal(t, a.Build, b.Build)
}

// appendTo appends text to the file at path, creating it and its
// directory: an edit in place (same inode) when the file exists.
func appendTo(t *testing.T, path, text string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	require.NoError(t, err)
	_, err = f.WriteString(text)
	require.NoError(t, errors.Join(err, f.Close()))
}

func TestSplitVersion(t *testing.T) {
	tests := []struct{ in, version, experiments string }{
		{"go1.26.8", "go1.26.8", ""},
		{"go1.26.8 X:nocoverageredesign", "go1.26.8", "nocoverageredesign"},
		{"go1.25.5 X:boringcrypto,loopvar", "go1.25.5", "boringcrypto,loopvar"},
		{" go1.27.3\n", "go1.27.3", ""},
		{"devel go1.27-abcdef", "devel", "go1.27-abcdef"},
	}
	for _, tt := range tests {
		v, x := SplitVersion(tt.in)
		assert.Equal(t, tt.version, v, tt.in)
		assert.Equal(t, tt.experiments, x, tt.in)
	}
}

func TestExpectWarning(t *testing.T) {
	assert.Empty(t, expectWarning("", "go1.25.5"))
	assert.Empty(t, expectWarning("go1.25.5", "go1.25.5"))
	assert.Empty(t, expectWarning("1.25.5", "go1.25.5"))
	assert.Equal(t, "expected go1.25.3 but the toolchain is go1.25.5", expectWarning("go1.25.3", "go1.25.5"))
}

func TestMachineToGOARCH(t *testing.T) {
	tests := map[string]string{
		"x86_64\n":    "amd64",
		"aarch64":     "arm64",
		"arm64":       "arm64",
		"armv7l":      "arm",
		"i686":        "386",
		"ppc64le":     "ppc64le",
		"s390x":       "s390x",
		"riscv64":     "riscv64",
		"loongarch64": "loong64",
		"mips64el":    "mips64le",
		"pdp11":       "",
	}
	for in, want := range tests {
		assert.Equal(t, want, MachineToGOARCH(in), in)
	}
}

func TestHostArch(t *testing.T) {
	// This test machine is not emulated, so uname agrees with the harness.
	assert.Equal(t, runtime.GOARCH, HostArch())
}

// TestWithoutGoNotes: the note the go command prints the first time it
// fetches a GOTOOLCHAIN release, before or after the JSON in the combined
// output, does not break the parse of go env -json.
func TestWithoutGoNotes(t *testing.T) {
	for _, out := range []string{
		"{\n\t\"GOVERSION\": \"go1.27.3\"\n}\ngo: downloading go1.27.3 (linux/amd64)\n",
		"go: downloading go1.27.3 (linux/amd64)\n{\n\t\"GOVERSION\": \"go1.27.3\"\n}\n",
	} {
		var e struct{ GOVERSION string }
		require.NoError(t, json.Unmarshal(withoutGoNotes([]byte(out)), &e), out)
		assert.Equal(t, "go1.27.3", e.GOVERSION)
	}
}

// TestCachedBuildFingerprint: the cached fingerprint is BuildFingerprint's,
// computed again when a runtime source is rewritten in place (same size, a
// new modification time) or added, and the same for a copy of the tree.
func TestCachedBuildFingerprint(t *testing.T) {
	goroot, cache := t.TempDir(), t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(goroot, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	write("VERSION", "go1.26.8\n")
	write("src/runtime/tagptr_64bit.go", "package runtime // 48\n")
	write("bin/go", "go binary")
	write("pkg/tool/linux_amd64/compile", "compile binary")

	first := CachedBuildFingerprint(goroot, cache)
	assert.Equal(t, BuildFingerprint(goroot), first)
	entries, err := os.ReadDir(filepath.Join(cache, "fingerprints"))
	require.NoError(t, err)
	assert.Len(t, entries, 1)
	assert.Equal(t, first, CachedBuildFingerprint(goroot, cache))

	write("src/runtime/tagptr_64bit.go", "package runtime // 47\n") // same size
	later := time.Now().Add(time.Minute)
	require.NoError(t, os.Chtimes(filepath.Join(goroot, "src", "runtime", "tagptr_64bit.go"), later, later))
	patched := CachedBuildFingerprint(goroot, cache)
	assert.NotEqual(t, first, patched)
	assert.Equal(t, BuildFingerprint(goroot), patched)

	write("src/runtime/extra.go", "package runtime\n")
	assert.Equal(t, BuildFingerprint(goroot), CachedBuildFingerprint(goroot, cache))
	assert.NotEqual(t, patched, CachedBuildFingerprint(goroot, cache))
}

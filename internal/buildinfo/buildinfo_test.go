package buildinfo

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHarnessID checks that only versions that name one build stand for
// themselves in cache keys; development builds add their executable's hash.
func TestHarnessID(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	data, err := os.ReadFile(exe)
	require.NoError(t, err)
	sum := sha256.Sum256(data)
	exeID := " exe:" + hex.EncodeToString(sum[:])

	for _, tt := range []struct{ version, want string }{
		{"v1.2.3", "v1.2.3"},
		{"v0.0.0-20261127113000-25713f04e3b1", "v0.0.0-20261127113000-25713f04e3b1"},
		{"v0.0.0-20261127113000-25713f04e3b1+dirty 25713f04e3b1", "v0.0.0-20261127113000-25713f04e3b1+dirty 25713f04e3b1" + exeID},
		{"(devel)", "(devel)" + exeID},
		{"(devel) 25713f04e3b1", "(devel) 25713f04e3b1" + exeID},
		{"(unknown)", "(unknown)" + exeID},
		{"", exeID},
	} {
		assert.Equal(t, tt.want, HarnessID(tt.version, ""), "version %q", tt.version)
		assert.Equal(t, tt.want, HarnessID(tt.version, t.TempDir()), "version %q, hash cached", tt.version)
	}
}

// TestExeHashCached: the hash of an executable is kept under its stat
// signature, and a rebuilt file (new content, new modification time) is
// hashed again, never given the old file's hash.
func TestExeHashCached(t *testing.T) {
	cache := t.TempDir()
	exe := filepath.Join(t.TempDir(), "gorepro")
	require.NoError(t, os.WriteFile(exe, []byte("build 1"), 0o755))
	first, err := exeHash(exe, cache)
	require.NoError(t, err)
	want := sha256.Sum256([]byte("build 1"))
	assert.Equal(t, hex.EncodeToString(want[:]), first)
	entries, err := os.ReadDir(filepath.Join(cache, "harness"))
	require.NoError(t, err)
	require.Len(t, entries, 1, "the hash is kept")
	again, err := exeHash(exe, cache)
	require.NoError(t, err)
	assert.Equal(t, first, again)

	require.NoError(t, os.WriteFile(exe, []byte("build 2"), 0o755)) // same size, same inode
	later := time.Now().Add(time.Minute)
	require.NoError(t, os.Chtimes(exe, later, later))
	rebuilt, err := exeHash(exe, cache)
	require.NoError(t, err)
	want = sha256.Sum256([]byte("build 2"))
	assert.Equal(t, hex.EncodeToString(want[:]), rebuilt)
}

// TestFromBuildInfo: a build from a checkout says its revision, commit
// time and dirtiness; a go install'ed release its version alone.
func TestFromBuildInfo(t *testing.T) {
	checkout := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/gorepro/gorepro", Version: "v0.0.0-20261207070000-0123456789ab+dirty"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"}, {Key: "vcs.time", Value: "2026-12-07T07:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	in := FromBuildInfo(checkout, "linux/amd64")
	assert.Equal(t, Info{Module: "github.com/gorepro/gorepro", Version: "v0.0.0-20261207070000-0123456789ab+dirty", Revision: "0123456789abcdef0123456789abcdef01234567",
		Time: "2026-12-07T07:00:00Z", Dirty: true, GoVersion: "go1.26.8", Platform: "linux/amd64"}, in)
	assert.Equal(t, "gorepro v0.0.0-20261207070000-0123456789ab+dirty (revision 0123456789abcdef0123456789abcdef01234567, 2026-12-07T07:00:00Z, dirty) go1.26.8 linux/amd64", in.String())

	release := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/gorepro/gorepro", Version: "v1.2.0"}}
	assert.Equal(t, "gorepro v1.2.0 go1.26.8 darwin/arm64", FromBuildInfo(release, "darwin/arm64").String())
}

// TestVersionOfABuiltBinary builds gorepro from this checkout as a user
// would and checks that `gorepro version --json` names the checkout's
// commit (skipped outside a git checkout, e.g. a source archive).
func TestVersionOfABuiltBinary(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("not a git checkout: the build has no VCS revision to check")
	}
	bin := filepath.Join(t.TempDir(), "gorepro")
	// -buildvcs=true: a machine may turn VCS stamping off in its go env.
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, "./cmd/gorepro")
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	out, err = exec.Command(bin, "version", "--json").Output()
	require.NoError(t, err)
	var in Info
	require.NoError(t, json.Unmarshal(out, &in))
	assert.Equal(t, strings.TrimSpace(string(head)), in.Revision)
	assert.Equal(t, "github.com/gorepro/gorepro", in.Module)
	assert.Equal(t, runtime.Version(), in.GoVersion)
	assert.NotEmpty(t, in.Time)
}

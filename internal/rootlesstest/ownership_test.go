package rootlesstest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/crashfixture"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/rootlesstest"
)

// TestRootlessOwnership walks the path of a user on a Fedora or RHEL
// workstation: an unprivileged user with rootless Podman runs a matrix of
// image toolchains with -cover, on a real crash (the injected GOROOT's
// taggedPointerPack, built into a builder image) and a pass with a runtime
// image, and a pass without one in a builder image whose default user is
// 1001, as UBI's go-toolset's is (without --userns=keep-id that user cannot
// write the cover data in the user's directory, and what it writes would
// belong to a subordinate id). Each container of the 225 MB builder image
// takes 20-40 s in rootless Podman here (vfs), so the matrix is small. Afterwards nothing in the cache or the
// results belongs to another user, and the user deletes it all.
func TestRootlessOwnership(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs real containers as an unprivileged user")
	}
	injectedGOROOT := crashfixture.InjectedGOROOT(t)
	u := rootlesstest.Setup(t)
	base := u.LoadImage(t, "localhost/gorepro-test/go:local")
	u.LoadImage(t, "localhost/gorepro-test/runtime:latest")
	tagptr, err := os.ReadFile(filepath.Join(injectedGOROOT, "src", "runtime", "tagptr_64bit.go"))
	require.NoError(t, err)
	short := strings.TrimPrefix(base, "sha256:")[:12]
	injected := u.BuildImage(t, "localhost/gorepro-rootless-test/injected:"+short,
		"FROM "+base+"\nCOPY tagptr_64bit.go /usr/local/go/src/runtime/tagptr_64bit.go\n",
		map[string][]byte{"tagptr_64bit.go": tagptr})
	ok1001 := u.BuildImage(t, "localhost/gorepro-rootless-test/go-user1001:"+short, "FROM "+base+"\nUSER 1001\n", map[string][]byte{})

	// gorepro knows a local Podman's users without podman info, by
	// Podman's rule (container.podmanUsersHere): rootless Podman maps
	// container root to the user's uid and gid. The --user below comes
	// from that rule; here podman info says the same.
	mappings, err := u.Output(t, "podman", "info", "--format", "{{.Host.Security.Rootless}} {{json .Host.IDMappings}}")
	require.NoError(t, err)
	assert.Contains(t, mappings, fmt.Sprintf(`true {"gidmap":[{"container_id":0,"host_id":%d,"size":1}`, u.GID))
	assert.Contains(t, mappings, fmt.Sprintf(`"uidmap":[{"container_id":0,"host_id":%d,"size":1}`, u.UID))

	dir := userDir(t, u)
	bin := filepath.Join(dir, "gorepro")
	goBuild(t, bin)
	proxy := moduleProxy(t, dir, "google.golang.org/protobuf@v1.36.10", "github.com/google/go-cmp@v0.7.0")
	config := fmt.Sprintf(`{
  "toolchains": [
    {"name": "ok", "kind": "image", "image": %q, "runtimeImage": "localhost/gorepro-test/runtime:latest"},
    {"name": "injected", "kind": "image", "image": %q, "runtimeImage": "localhost/gorepro-test/runtime:latest"},
    {"name": "ok-1001", "kind": "image", "image": %q}
  ],
  "protobuf": ["v1.36.10"],
  "cover": [true],
  "targets": [{"name": "repro", "kind": "repro"}],
  "runs": 1,
  "timeout": "120s"
}`, base, injected, ok1001)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "toolchains.json"), []byte(config), 0o644))
	u.Chown(t, dir)

	env := []string{"GOREPRO_CACHE=" + filepath.Join(dir, "cache"), "GOPROXY=file://" + proxy, "GOSUMDB=off", "GOFLAGS=", "NO_COLOR=1"}
	res := u.Run(t, dir, env, 20*time.Minute, bin, "matrix", "--config", "toolchains.json", "--pull", "never", "--out", "results", "-j", "2")
	out := string(res.Output)
	require.Equal(t, 1, res.ExitCode, "gorepro matrix as %s (1: a crash):\n%s", u.Name, out)

	cells := readCells(t, filepath.Join(dir, "results", "latest", "results.json"))
	require.Len(t, cells, 3, out)
	for name, want := range map[string]string{"ok": "pass", "ok-1001": "pass", "injected": "crash"} {
		c, found := cells[name]
		require.True(t, found, "no cell of %s:\n%s", name, out)
		assert.Equal(t, want, c.Outcome, "%s: %s\n%s", name, c.Reason, out)
		if want == "crash" {
			assert.Equal(t, "fatal error: taggedPointerPack in runtime.netpollopen", c.Signature, name)
		}
		run := strings.Join(c.Reproduce.Run, " ")
		if strings.HasSuffix(name, "-1001") {
			assert.Contains(t, run, fmt.Sprintf("--user %d:%d --userns keep-id", u.UID, u.GID), "%s runs as the user, not as 1001 mapped to a subordinate id", name)
		} else {
			assert.NotContains(t, run, "--userns", "%s: the runtime image runs as root, which is the user", name)
		}
	}
	// The passing -cover cells wrote their cover data, as the user.
	for _, name := range []string{"ok", "ok-1001"} {
		covs, err := filepath.Glob(filepath.Join(dir, "cache", "work", "bin", cells[name].ID, "cover-1", "cov*"))
		require.NoError(t, err)
		assert.NotEmpty(t, covs, "%s wrote no cover data", name)
	}

	assert.Empty(t, foreignOwned(t, dir, u.UID, u.GID), "files in the user's cache and results that belong to someone else")
	rm := u.Run(t, dir, nil, 5*time.Minute, "rm", "-rf", filepath.Join(dir, "cache"), filepath.Join(dir, "results"))
	require.Equal(t, 0, rm.ExitCode, "the user cannot delete the cache:\n%s", rm.Output)
	assert.NoDirExists(t, filepath.Join(dir, "cache"))
	assert.NoDirExists(t, filepath.Join(dir, "results"))
}

// rootlessCell is what the test reads of a cell.
type rootlessCell struct {
	ID        string `json:"id"`
	Toolchain string `json:"toolchain"`
	Outcome   string `json:"outcome"`
	Signature string `json:"signature"`
	Reason    string `json:"reason"`
	Reproduce struct {
		Run []string `json:"run"`
	} `json:"reproduce"`
}

// readCells reads a run's cells by toolchain.
func readCells(t *testing.T, path string) map[string]rootlessCell {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var run struct {
		Cells []rootlessCell `json:"cells"`
	}
	require.NoError(t, json.Unmarshal(data, &run))
	cells := map[string]rootlessCell{}
	for _, c := range run.Cells {
		cells[c.Toolchain] = c
	}
	return cells
}

// userDir makes a directory for the test that the user owns and can
// reach (t.TempDir's parents are root's alone).
func userDir(t *testing.T, u *rootlesstest.User) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "gorepro-rootless-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	u.Chown(t, dir)
	return dir
}

// goBuild builds gorepro into bin.
func goBuild(t *testing.T, bin string) {
	t.Helper()
	res, err := proc.Run(context.Background(), proc.Cmd{Argv: []string{"go", "build", "-o", bin, "github.com/gorepro/gorepro/cmd/gorepro"}, Timeout: 5 * time.Minute})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, "go build: %s", res.Output)
}

// moduleProxy downloads modules (path@version) into this host's module
// cache from the module proxy (on a fresh machine no other test may have
// done it yet), copies their download cache into dir/proxy, a file://
// module proxy for the user, and returns it.
func moduleProxy(t *testing.T, dir string, modules ...string) string {
	t.Helper()
	download := proc.Cmd{Argv: append([]string{"go", "mod", "download"}, modules...), Dir: t.TempDir(), Timeout: 5 * time.Minute}
	res, err := proc.Run(context.Background(), download)
	require.NoError(t, err)
	require.Zero(t, res.ExitCode, "go mod download %s:\n%s", strings.Join(modules, " "), res.Output)
	res, err = proc.Run(context.Background(), proc.Cmd{Argv: []string{"go", "env", "GOMODCACHE"}, Timeout: time.Minute})
	require.NoError(t, err)
	src := filepath.Join(strings.TrimSpace(string(res.Output)), "cache", "download")
	proxy := filepath.Join(dir, "proxy")
	for _, m := range modules {
		path, _, _ := strings.Cut(m, "@")
		from, to := filepath.Join(src, path), filepath.Join(proxy, path)
		require.NoError(t, os.CopyFS(to, os.DirFS(from)), "copying %s from the module cache", path)
	}
	return proxy
}

// foreignOwned lists what under dir does not belong to uid:gid.
func foreignOwned(t *testing.T, dir string, uid, gid int) []string {
	t.Helper()
	var foreign []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && (int(st.Uid) != uid || int(st.Gid) != gid) {
			foreign = append(foreign, fmt.Sprintf("%s (%d:%d)", path, st.Uid, st.Gid))
		}
		return nil
	})
	require.NoError(t, err)
	return foreign
}

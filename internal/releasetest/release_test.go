package releasetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"

	"github.com/gorepro/gorepro/internal/crashfixture"
)

// tag is the release the test makes; previousTag marks two commits back.
const (
	tag         = "v0.1.0"
	previousTag = "v0.0.1"
	modulePath  = "github.com/gorepro/gorepro"
)

// repoRoot returns the repository's root directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, self, _, ok := runtime.Caller(0)
	require.True(t, ok)
	return filepath.Join(filepath.Dir(self), "..", "..")
}

// run runs argv in dir with env added to the environment and returns its
// standard output, failing t with all output when it fails.
func run(t *testing.T, dir string, env []string, argv ...string) string {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, err, "%s in %s:\n%s%s", strings.Join(argv, " "), dir, stdout.String(), stderr.String())
	return stdout.String()
}

// goreleaser returns the go run argument of goreleaser: $GORELEASER (the
// Makefile passes its GORELEASER), else the Makefile's default.
func goreleaser(t *testing.T, root string) string {
	t.Helper()
	if v := os.Getenv("GORELEASER"); v != "" {
		return v
	}
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^GORELEASER \?= (\S+)$`).FindSubmatch(makefile)
	require.NotNil(t, m, "the Makefile sets no GORELEASER")
	return string(m[1])
}

// TestRelease releases a tagged clone of HEAD and checks its archives,
// release notes, go install, and the released binary on a real crash.
func TestRelease(t *testing.T) {
	if os.Getenv("GOREPRO_RELEASE_TEST") != "1" {
		t.Skip("builds goreleaser from the Go module proxy (minutes): make release-test runs it (GOREPRO_RELEASE_TEST=1)")
	}
	root := repoRoot(t)
	head := strings.TrimSpace(run(t, root, nil, "git", "rev-parse", "HEAD"))
	clone := filepath.Join(t.TempDir(), "gorepro")
	run(t, root, nil, "git", "clone", "--quiet", "--no-checkout", root, clone)
	run(t, clone, nil, "git", "checkout", "--quiet", head)
	run(t, clone, nil, "git", "tag", previousTag, "HEAD~2")
	run(t, clone, nil, "git", "tag", tag, "HEAD")

	env := []string{"GOTOOLCHAIN=local", "GITHUB_TOKEN=", "GOFLAGS="}
	run(t, clone, env, "go", "run", goreleaser(t, root), "release", "--clean", "--skip=publish", "--config", "scripts/goreleaser.yaml")
	dist := filepath.Join(clone, "dist")
	version := strings.TrimPrefix(tag, "v")
	for _, platform := range []string{"linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64"} {
		require.FileExists(t, filepath.Join(dist, fmt.Sprintf("gorepro_%s_%s.tar.gz", version, platform)))
	}
	checked := run(t, clone, nil, "scripts/release-check.sh", "-d", "dist", "-v", tag)
	t.Logf("scripts/release-check.sh -d dist -v %s:\n%s", tag, checked)
	require.Regexp(t, `(?m)^linux/arm64 .* ran under qemu-aarch64-static: gorepro v0\.1\.0 `, checked)

	checkReleaseNotes(t, clone, dist)
	checkGoInstall(t, clone)
	checkCrash(t, filepath.Join(dist, fmt.Sprintf("gorepro_%s_linux_amd64.tar.gz", version)))
}

// checkReleaseNotes checks that the release notes are the commits since
// the previous tag.
func checkReleaseNotes(t *testing.T, clone, dist string) {
	t.Helper()
	notes, err := os.ReadFile(filepath.Join(dist, "CHANGELOG.md"))
	require.NoError(t, err)
	t.Logf("release notes:\n%s", notes)
	log := run(t, clone, nil, "git", "log", "--no-merges", "--format=%h %s", previousTag+".."+tag)
	for line := range strings.SplitSeq(strings.TrimSpace(log), "\n") {
		hash, subject, _ := strings.Cut(line, " ")
		require.Contains(t, string(notes), subject, "the release notes miss commit %s", hash)
	}
	before := strings.TrimSpace(run(t, clone, nil, "git", "log", "-1", "--format=%s", previousTag))
	require.NotContains(t, string(notes), before, "the release notes list a commit of the previous release")
}

// checkGoInstall serves the clone as module version tag from a file://
// module proxy and installs gorepro from it with go install.
func checkGoInstall(t *testing.T, clone string) {
	t.Helper()
	proxy := t.TempDir()
	dir := filepath.Join(proxy, modulePath, "@v")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	f, err := os.Create(filepath.Join(dir, tag+".zip"))
	require.NoError(t, err)
	require.NoError(t, modzip.CreateFromDir(f, module.Version{Path: modulePath, Version: tag}, clone))
	require.NoError(t, f.Close())
	gomod, err := os.ReadFile(filepath.Join(clone, "go.mod"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, tag+".mod"), gomod, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, tag+".info"), []byte(`{"Version":"`+tag+`","Time":"2026-01-01T00:00:00Z"}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "list"), []byte(tag+"\n"), 0o644))

	modcache := strings.TrimSpace(run(t, clone, nil, "go", "env", "GOMODCACHE"))
	bin := t.TempDir()
	env := []string{
		"GOTOOLCHAIN=local", "GOSUMDB=off", "GOFLAGS=-modcacherw", "GOBIN=" + bin,
		"GOMODCACHE=" + t.TempDir(), // the module of the release is never cached beside the real ones
		"GOPROXY=file://" + proxy + ",file://" + filepath.Join(modcache, "cache", "download"),
	}
	run(t, t.TempDir(), env, "go", "install", modulePath+"/cmd/gorepro@"+tag)
	var info struct{ Module, Version string }
	require.NoError(t, json.Unmarshal([]byte(run(t, bin, nil, filepath.Join(bin, "gorepro"), "version", "--json")), &info))
	require.Equal(t, modulePath, info.Module)
	require.Equal(t, tag, info.Version)
}

// checkCrash runs the linux/amd64 binary of archive on a matrix with the
// injected GOROOT: its reproducer cell must crash with taggedPointerPack,
// the local one pass.
func checkCrash(t *testing.T, archive string) {
	t.Helper()
	injected := crashfixture.InjectedGOROOT(t)
	dir := t.TempDir()
	run(t, dir, nil, "tar", "-xzf", archive, "gorepro")
	config := fmt.Sprintf(`{
  "toolchains": [{"name": "local", "kind": "local"}, {"name": "injected", "kind": "goroot", "goroot": %q}],
  "protobuf": ["v1.36.10"],
  "targets": [{"name": "repro", "kind": "repro"}]
}`, injected)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "toolchains.json"), []byte(config), 0o644))
	cmd := exec.Command(filepath.Join(dir, "gorepro"), "matrix", "-o", "results", "-j", "2")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOREPRO_CACHE="+filepath.Join(dir, "cache"), "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	require.Equal(t, 1, exit.ExitCode(), "gorepro matrix exits 1 on a crash:\n%s\n%s", stdout.String(), stderr.String())
	require.Regexp(t, `(?m)^local +go1\.\S+ +v1\.36\.10 +off +repro +amd64/amd64 +pass +1/1`, stdout.String())
	require.Regexp(t, `(?m)^injected +go1\.\S+ +v1\.36\.10 +off +repro +amd64/amd64 +crash +1/1 +fatal error: taggedPointerPack in runtime\.netpollopen$`, stdout.String())
	require.Regexp(t, `(?m)^which axes matter for repro: crash iff toolchain=injected; `, stdout.String())
}

package cellbuild

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/testneed"
	"github.com/gorepro/gorepro/internal/toolchain"
	"github.com/gorepro/gorepro/repro"
)

// The local test images of scripts/build-test-images.sh; never pulled.
const (
	testBuilderImage = "localhost/gorepro-test/go:local"
	testRuntimeImage = "localhost/gorepro-test/runtime:latest"
)

// imageToolchain resolves the kind image toolchain of the local test images
// for real under Podman with --pull never, or skips the test in one line
// when Podman or the images are missing (fails instead with
// GOREPRO_REQUIRE_ENGINE=1).
func imageToolchain(t *testing.T, ctx context.Context) *toolchain.Resolved {
	t.Helper()
	unusable := func(why string) {
		t.Helper()
		testneed.Engine(t, "container test skipped: "+why)
	}
	eng, err := container.Detect(container.Podman)
	if err != nil {
		unusable("podman is not installed (scripts/setup-podman.sh)")
	}
	info, err := eng.Info(ctx)
	if err != nil {
		unusable("podman does not answer: " + strings.SplitN(err.Error(), "\n", 2)[0])
	}
	for _, ref := range []string{testBuilderImage, testRuntimeImage} {
		if im, err := eng.Inspect(ctx, ref); err != nil || !im.Present {
			unusable("image " + ref + " is missing (scripts/build-test-images.sh)")
		}
	}
	tc := toolchain.Resolve(ctx, config.Toolchain{
		Name: "img-local", Kind: config.KindImage, Image: testBuilderImage, RuntimeImage: testRuntimeImage,
	}, toolchain.Options{
		Engine: func(context.Context, string) (*container.Engine, *container.Info, error) { return eng, info, nil },
		Pull:   container.PullNever,
	})
	require.True(t, tc.Available, tc.Reason)
	require.NotNil(t, tc.Container)
	return tc
}

// runInImage runs a built binary in the toolchain's runtime image, with its
// directory mounted at the same path and no network, and returns its output.
func runInImage(t *testing.T, ctx context.Context, tc *toolchain.Resolved, bin string, env ...string) []byte {
	t.Helper()
	c := tc.Container
	res, err := c.Engine.Run(ctx, container.RunSpec{
		Image:    c.RunImage().Ref,
		Platform: c.Platform,
		Mounts:   []container.Mount{{Source: filepath.Dir(bin), Target: filepath.Dir(bin)}},
		Env:      env,
		Args:     []string{bin},
		Network:  "none",
		Timeout:  time.Minute,
	})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, string(res.Output))
	return res.Output
}

// uniqueImageCopy commits a copy of image with a label no other image has,
// so an image ID of its own (the same files: one empty layer more), and
// removes it when the test ends.
func uniqueImageCopy(t *testing.T, ctx context.Context, eng *container.Engine, image string) *container.Image {
	t.Helper()
	unique := fmt.Sprintf("%x", sha256.Sum256([]byte(t.Name()+time.Now().String())))[:16]
	ref := "localhost/gorepro-test/cold-copy:" + unique
	podman := func(args ...string) string {
		t.Helper()
		res, err := proc.Run(ctx, proc.Cmd{Argv: append([]string{eng.Cmd}, args...), Timeout: 2 * time.Minute})
		require.NoError(t, err)
		require.Equal(t, 0, res.ExitCode, "podman %s: %s", strings.Join(args, " "), res.Output)
		return strings.TrimSpace(string(res.Output))
	}
	name := "gorepro-cold-copy-" + unique
	podman("create", "--pull=never", "--name", name, "--label", "gorepro=1", image, "copy-only")
	defer podman("rm", "-f", name)
	podman("commit", "--quiet", "--change", "LABEL gorepro.test-copy="+unique, name, ref)
	t.Cleanup(func() { _ = eng.RemoveImage(context.Background(), ref) })
	im, err := eng.Inspect(ctx, ref)
	require.NoError(t, err)
	require.True(t, im.Present, ref)
	return im
}

// TestBuildInImage builds in the builder image for real: the first build in
// an image with an empty build cache volume compiles everything, a second,
// different cell in the same image re-uses that volume and is measurably
// faster; a package target gets its modules from the host's module cache
// with no network, and MVS is reported as on the host.
func TestBuildInImage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tc := imageToolchain(t, ctx)
	c := tc.Container
	assert.Equal(t, []string{"GOTOOLCHAIN=local"}, tc.Env)
	assert.True(t, strings.HasPrefix(c.GoVersionRaw, tc.GoVersion), "%q vs %q", c.GoVersionRaw, tc.GoVersion)

	// A cold start: the build cache volume is one of this test's own. The
	// volume is named after the builder's image ID, and builds run by that
	// ID; building in a copy of the image with an ID of its own keeps
	// other tests and gorepros that build in the same image (and share its
	// volume) from holding or warming it.
	c.Builder = uniqueImageCopy(t, ctx, c.Engine, c.Builder.ID)
	volume := BuildCacheVolume(c.Builder)
	t.Cleanup(func() {
		if err := c.Engine.VolumeRemove(context.Background(), volume); err != nil {
			t.Logf("removing %s: %v", volume, err)
		}
	})

	workDir := t.TempDir()
	outDir := t.TempDir()
	target := config.Target{Name: "repro", Kind: config.TargetRepro}
	buildRepro := func(name string, cover bool) *Result {
		t.Helper()
		bin := filepath.Join(outDir, name, "repro")
		r := Build(ctx, Spec{
			Toolchain: tc, Target: target, Protobuf: "v1.36.10", Cover: cover,
			WorkDir: workDir, Output: bin, Relink: true,
		})
		require.True(t, r.OK, "%s: %s\n%s", r.Outcome, r.Reason, r.Log)
		assert.Equal(t, bin, r.Binary)
		// The binary was built by the image's go, for the engine host.
		assert.Equal(t, tc.GoVersion, r.GoVersion)
		assert.Equal(t, "linux", r.GOOS)
		assert.Equal(t, c.PlatformArch(), r.GOARCH)
		assert.Equal(t, "v1.36.10", r.ProtobufLinked)
		assert.Empty(t, r.ProtobufNote)
		// Recorded as the exact engine command, with no network.
		require.NotEmpty(t, r.Reproduce.Build)
		assert.Equal(t, c.Engine.Cmd, r.Reproduce.Build[0])
		// By image ID, never by tag.
		assert.Contains(t, r.Reproduce.Build, c.Builder.ID)
		assert.NotContains(t, strings.Join(r.Reproduce.Build, " "), testBuilderImage)
		assert.Contains(t, r.Reproduce.Build, "--pull=never")
		assert.Equal(t, "none", argAfter(r.Reproduce.Build, "--network"))
		assert.Contains(t, r.Reproduce.Build, "GOTOOLCHAIN=local")
		assert.Contains(t, r.Reproduce.Build, "type=volume,source="+volume+",target="+buildCacheDir)
		assert.Equal(t, cover, contains(r.Reproduce.Build, "-cover"))

		facts, ok := repro.ParseFacts(runInImage(t, ctx, tc, bin, "GOCOVERDIR=/tmp"))
		require.True(t, ok)
		assert.Equal(t, tc.GoVersion, facts.GoVersion)
		assert.Equal(t, cover, facts.Cover)
		assert.Equal(t, "v1.36.10", facts.Protobuf())
		return r
	}

	first := buildRepro("first", false)
	second := buildRepro("second", true)
	t.Logf("build in %s: first (empty build cache volume) %.1fs, second (another cell, same image) %.1fs",
		testBuilderImage, first.Seconds, second.Seconds)
	assert.Less(t, second.Seconds, first.Seconds, "the second build in the same image re-uses the build cache volume")

	t.Run("package target with modules from the host cache", func(t *testing.T) {
		app := copyTree(t, filepath.Join("testdata", "app"))
		before := treeDigest(t, app)
		bin := filepath.Join(outDir, "app", "app")
		r := Build(ctx, Spec{
			Toolchain: tc, Target: config.Target{Name: "app", Kind: config.TargetPackage, Dir: app, Package: "."},
			Protobuf: "v1.33.0", WorkDir: workDir, Output: bin,
		})
		require.True(t, r.OK, "%s: %s\n%s", r.Outcome, r.Reason, r.Log)
		t.Logf("package cellbuild in %s: %.1fs", testBuilderImage, r.Seconds)
		assert.Equal(t, tc.GoVersion, r.GoVersion)
		assert.Equal(t, "v1.36.10", r.ProtobufLinked)
		assert.Equal(t, "asked v1.33.0 but MVS selected v1.36.10 (required by example.com/dep v0.0.0)", r.ProtobufNote)

		// The build ran with no network, served by the host's module
		// download cache.
		log := string(r.Log)
		assert.Contains(t, log, " --network none ")
		assert.Contains(t, log, "GOPROXY=file://")
		assert.Contains(t, log, "GOSUMDB=off")
		assert.Equal(t, "none", argAfter(r.Reproduce.Build, "--network"))
		var proxy string
		for _, a := range r.Reproduce.Build {
			if p, ok := strings.CutPrefix(a, "GOPROXY=file://"); ok {
				proxy = p
			}
		}
		require.NotEmpty(t, proxy)
		assert.DirExists(t, filepath.Join(proxy, "google.golang.org", "protobuf", "@v"))
		assert.Contains(t, r.Reproduce.Build, "type=bind,source="+proxy+",target="+proxy+",readonly")

		out := string(runInImage(t, ctx, tc, bin))
		assert.Contains(t, out, "dep: 2 bytes")
		assert.Contains(t, out, "app")
		assert.Equal(t, before, treeDigest(t, app), "the user's module is unchanged")
	})

	// Without an alternate go.mod (no protobuf or module override, as in
	// gorepro check without --protobuf), a replace outside the module
	// ("=> ../dep") is mounted too: the build uses the module's own go.mod.
	t.Run("replace outside the module with its own go.mod", func(t *testing.T) {
		root := t.TempDir()
		app := filepath.Join(root, "app")
		require.NoError(t, os.Rename(copyTree(t, filepath.Join("testdata", "app")), app))
		require.NoError(t, os.Rename(filepath.Join(app, "dep"), filepath.Join(root, "dep")))
		goMod := filepath.Join(app, "go.mod")
		data, err := os.ReadFile(goMod)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(goMod, []byte(strings.Replace(string(data), "=> ./dep", "=> ../dep", 1)), 0o644))
		bin := filepath.Join(outDir, "app-own-gomod", "app")
		r := Build(ctx, Spec{
			Toolchain: tc, Target: config.Target{Name: "app", Kind: config.TargetPackage, Dir: app, Package: "."},
			WorkDir: workDir, Output: bin,
		})
		require.True(t, r.OK, "%s: %s\n%s", r.Outcome, r.Reason, r.Log)
		assert.NotContains(t, strings.Join(r.Reproduce.Build, " "), "-modfile=")
		assert.Contains(t, r.Reproduce.Build, "type=bind,source="+filepath.Join(root, "dep")+",target="+filepath.Join(root, "dep")+",readonly")
		assert.Contains(t, string(runInImage(t, ctx, tc, bin)), "dep: 2 bytes")
	})
}

// argAfter returns the argument following flag in argv ("" when absent).
func argAfter(argv []string, flag string) string {
	for i, a := range argv {
		if a == flag && i+1 < len(argv) {
			return argv[i+1]
		}
	}
	return ""
}

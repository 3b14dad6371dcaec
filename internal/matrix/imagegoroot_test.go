package matrix

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/gorootfiles"
	"github.com/gorepro/gorepro/internal/toolchain"
)

// TestImageManifest lists the GOROOT inside the local test builder image
// (made from the local GOROOT by scripts/build-test-images.sh) by content:
// it is the local GOROOT's, file for file, when the image was built from
// this Go; the second listing comes from the cache without the engine.
func TestImageManifest(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	const image = "localhost/gorepro-test/go:local"
	eng, err := container.Detect(container.Podman)
	if err != nil {
		t.Skip("container test skipped: podman is not installed (scripts/setup-podman.sh)")
	}
	info, err := eng.Info(ctx)
	if err != nil {
		t.Skip("container test skipped: podman does not answer")
	}
	if im, err := eng.Inspect(ctx, image); err != nil || !im.Present {
		t.Skip("container test skipped: image " + image + " is missing (scripts/build-test-images.sh)")
	}
	tc := toolchain.Resolve(ctx, config.Toolchain{Name: "img", Kind: config.KindImage, Image: image},
		toolchain.Options{Engine: func(context.Context, string) (*container.Engine, *container.Info, error) { return eng, info, nil }})
	require.True(t, tc.Available, tc.Reason)

	cache := t.TempDir()
	start := time.Now()
	m, read, err := imageManifest(ctx, tc.Container, cache)
	require.NoError(t, err)
	t.Logf("%d files in the image's GOROOT, listed in %s", len(m), time.Since(start))
	src, err := read("src/runtime/tagptr_64bit.go")
	require.NoError(t, err)
	assert.Contains(t, string(src), "defaultAddrBits")

	out, err := exec.Command("go", "env", "GOROOT", "GOVERSION").Output()
	require.NoError(t, err)
	local := strings.Fields(string(out))
	if local[1] == tc.GoVersion {
		lm, err := gorootfiles.Of(local[0], "")
		require.NoError(t, err)
		d := gorootfiles.Compare(lm, m)
		assert.Empty(t, d.Changed, "the image's GOROOT is a copy of %s", local[0])
	}

	tc.Container.Engine = nil // the cache needs no engine
	again, _, err := imageManifest(ctx, tc.Container, cache)
	require.NoError(t, err)
	assert.Equal(t, m, again)
}

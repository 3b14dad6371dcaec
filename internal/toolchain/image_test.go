package toolchain

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/testneed"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImageGoVersionCache asks a real builder image (scripts/build-test-images.sh)
// for its Go twice: the first answer comes from a container, the second
// from the cache, without the engine; a failure is not kept.
func TestImageGoVersionCache(t *testing.T) {
	eng, err := container.Detect(container.Podman)
	if err != nil {
		testneed.Engine(t, "podman not available: "+err.Error())
	}
	ctx := context.Background()
	if _, err := eng.Info(ctx); err != nil {
		testneed.Engine(t, "podman not available: "+err.Error())
	}
	ref := "localhost/gorepro-test/go:" + strings.TrimPrefix(strings.Fields(runtime.Version())[0], "go")
	im, err := eng.Inspect(ctx, ref)
	require.NoError(t, err)
	if !im.Present {
		testneed.Engine(t, ref+" missing: run scripts/build-test-images.sh")
	}
	var calls atomic.Int32
	eng.Exec = func(ctx context.Context, c proc.Cmd) (*proc.Result, error) {
		calls.Add(1)
		return proc.Run(ctx, c)
	}
	cacheDir := t.TempDir()
	platform := "linux/" + runtime.GOARCH

	version, raw, env, err := imageGoVersion(ctx, eng, cacheDir, im.ID, platform)
	require.NoError(t, err)
	assert.Equal(t, strings.Fields(runtime.Version())[0], version)
	assert.Equal(t, runtime.GOARCH, env["GOARCH"])
	asked := calls.Load()
	require.Positive(t, asked, "the first answer comes from the image")

	v2, raw2, env2, err := imageGoVersion(ctx, eng, cacheDir, im.ID, platform)
	require.NoError(t, err)
	assert.Equal(t, asked, calls.Load(), "the second answer comes from the cache")
	assert.Equal(t, []any{version, raw, env}, []any{v2, raw2, env2})

	// Another platform is another question; a failed one is not kept.
	entries, err := os.ReadDir(filepath.Join(cacheDir, "fingerprints"))
	require.NoError(t, err)
	require.Len(t, entries, 1)
	broken, err := container.Detect(container.Podman)
	require.NoError(t, err)
	broken.Exec = func(context.Context, proc.Cmd) (*proc.Result, error) {
		return &proc.Result{ExitCode: 125, Output: []byte("Error: engine gone")}, nil
	}
	_, _, _, err = imageGoVersion(ctx, broken, cacheDir, im.ID, "linux/riscv64")
	require.Error(t, err)
	entries, err = os.ReadDir(filepath.Join(cacheDir, "fingerprints"))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "a failed query leaves nothing in the cache")
}

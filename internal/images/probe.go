package images

import (
	"context"
	"fmt"

	"github.com/gorepro/gorepro/internal/container"
)

// Prober returns an Options.Probe that pulls an image (by digest, for
// platform, or the engine host's own when platform is "") with the
// container engine and asks its go command for its version, as gorepro
// does for an image toolchain. Only images whose config names no Go
// version are probed, so only those are pulled.
func Prober(eng *container.Engine, platform string) func(context.Context, Image) (string, error) {
	return func(ctx context.Context, im Image) (string, error) {
		ref := im.Repository + "@" + im.Digest
		pulled, err := eng.Ensure(ctx, ref, container.PullMissing, platform)
		if err != nil {
			return "", fmt.Errorf("pulling %s: %w", ref, err)
		}
		version, _, _, err := eng.GoVersion(ctx, pulled.Ref, platform)
		if err != nil {
			return "", fmt.Errorf("asking the go command of %s: %w", ref, err)
		}
		return version, nil
	}
}

package toolchain

import (
	"context"
	"fmt"
	"strings"

	"github.com/gorepro/gorepro/internal/config"
)

// resolveRunsIn sets r.RunsIn for a host toolchain (local, goroot,
// gotoolchain, gosource) whose binaries run in a runtime image: the
// engine, the platform (the configured one, else the engine host's
// native one) and the runtime image of that platform, made present as
// the pull policy allows. Builds then target the platform (r.HostGOOS and
// r.HostGOARCH are its, as for image toolchains). A runtime image that
// cannot be used makes the toolchain unavailable, with the reason.
func resolveRunsIn(ctx context.Context, r *Resolved, tc config.Toolchain, opts Options) {
	if opts.Engine == nil {
		r.Available, r.Reason = false, fmt.Sprintf("no container engine is configured to run binaries in runtime image %s", tc.RuntimeImage)
		return
	}
	eng, info, err := opts.Engine(ctx, tc.Engine)
	if err != nil {
		r.Available, r.Reason = false, fmt.Sprintf("runtime image %s: %s", tc.RuntimeImage, oneLine(err.Error()))
		return
	}
	c := newContainer(eng, info, tc.Platform, opts.Pull)
	r.RunsIn = c
	r.HostGOOS, r.HostGOARCH = platformOS(c.Platform), c.PlatformArch()
	if c.Runtime, err = eng.Ensure(ctx, tc.RuntimeImage, c.Pull, c.Platform); err != nil {
		r.Available, r.Reason = false, imageReason("runtime", tc.RuntimeImage, err)
	}
}

// platformOS is the OS of an os/arch[/variant] platform, "linux" when it
// names none.
func platformOS(platform string) string {
	if os, _, ok := strings.Cut(platform, "/"); ok && os != "" {
		return os
	}
	return "linux"
}

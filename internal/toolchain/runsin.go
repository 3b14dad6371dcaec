package toolchain

import (
	"cmp"
	"context"
	"fmt"

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
		r.Available, r.Reason, r.EngineFailure = false, fmt.Sprintf("runtime image %s: %s", tc.RuntimeImage, oneLine(err.Error())), engineFailure(err)
		return
	}
	c := newContainer(eng, info, tc.Platform, opts.Pull)
	r.RunsIn = c
	r.HostGOOS, r.HostGOARCH = platformOS(c.Platform), c.PlatformArch()
	if c.Runtime, err = eng.Ensure(ctx, tc.RuntimeImage, c.Pull, c.Platform); err != nil {
		r.Available, r.Reason, r.EngineFailure = false, imageReason("runtime", tc.RuntimeImage, err), engineFailure(err)
		return
	}
	r.GoEnv = platformGoEnv(ctx, r, c.Platform, opts)
}

// platformGoEnv is the go env a host toolchain's builds for platform get
// (GOARCH, GOAMD64, GOARM, ... of the platform, not of this host), as its
// go command reports them with GOOS, GOARCH and the variant's setting
// (config.Platform.BuildEnv: GOARM=7 for linux/arm/v7). It keeps r.GoEnv
// when the query fails.
func platformGoEnv(ctx context.Context, r *Resolved, platform string, opts Options) map[string]string {
	set := append([]string{}, r.Env...)
	set = append(set, "GOOS="+r.HostGOOS, "GOARCH="+r.HostGOARCH)
	set = append(set, config.ParsePlatform(platform).BuildEnv(r.HostGOARCH)...)
	env, reason := runGoEnv(ctx, r.GoCmd, set, opts.Timeout)
	if reason != "" {
		return r.GoEnv
	}
	return env.Reported
}

// platformOS is the OS of an os/arch[/variant] platform, "linux" when it
// names none.
func platformOS(platform string) string {
	return cmp.Or(config.ParsePlatform(platform).OS, "linux")
}

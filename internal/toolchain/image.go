package toolchain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/crashlog"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/statcache"
)

// Container is the provenance of a kind image toolchain: which engine ran
// it, on what host, and exactly which images (by ID and digest) were used.
// As a host toolchain's Resolved.RunsIn it has no Builder (builds run on
// this host) and says where the binaries run: Runtime on Platform.
type Container struct {
	// Engine is the engine used for builds and runs (not serialised).
	Engine        *container.Engine `json:"-"`
	EngineName    string            `json:"engine"`
	EngineVersion string            `json:"engineVersion"`
	// EngineHostOS and EngineHostArch describe the machine the engine runs
	// containers on (for a Podman machine: the VM), not gorepro's host.
	EngineHostOS   string `json:"engineHostOS"`
	EngineHostArch string `json:"engineHostArch"`
	// Platform is the platform images are pulled and run for, e.g.
	// "linux/arm64": the config's, else the engine host's native one.
	Platform string `json:"platform"`
	// BuilderPlatform is the platform the builder image runs on: the
	// engine host's native one when binaries run in a separate runtime
	// image (the builder cross-compiles for Platform, as a multi-stage
	// Dockerfile would), else Platform.
	BuilderPlatform string               `json:"builderPlatform"`
	Pull            container.PullPolicy `json:"pull"`
	Builder         *container.Image     `json:"builder"`
	// Runtime is the image binaries run in; nil when they run in the
	// builder image.
	Runtime *container.Image `json:"runtime,omitempty"`
	// GoVersionRaw is what `go env GOVERSION` printed inside the builder.
	GoVersionRaw string `json:"goVersionRaw,omitempty"`
	// BuilderEmulated is true when the builder image runs for another
	// architecture than the engine host's: its go command and compiler
	// run under emulation (QEMU, Rosetta), where Go < 1.25.5's own
	// tools can crash as its programs do (golang/go#69255).
	BuilderEmulated bool `json:"builderEmulated,omitempty"`
}

// RunImage is the image binaries run in.
func (c *Container) RunImage() *container.Image {
	if c.Runtime != nil {
		return c.Runtime
	}
	return c.Builder
}

// PlatformArch is the GOARCH of Platform ("linux/arm64" → "arm64").
func (c *Container) PlatformArch() string {
	if arch := platformArch(c.Platform); arch != "" {
		return arch
	}
	return c.EngineHostArch
}

func (c *Container) identity() string {
	id := fmt.Sprintf("engine=%s platform=%s", c.EngineName, c.Platform)
	if c.Builder != nil {
		id = fmt.Sprintf("kind=image engine=%s platform=%s builderPlatform=%s builder=%s", c.EngineName, c.Platform, c.BuilderPlatform, c.Builder.ID)
	}
	if c.Runtime != nil {
		id += " runtime=" + c.Runtime.ID
	}
	return id
}

// build is the Build fingerprint of an image toolchain: its image IDs.
func (c *Container) build() string {
	b := "image:" + c.Builder.ID
	if c.Runtime != nil {
		b += "+" + c.Runtime.ID
	}
	return b
}

// resolveImage finds the engine, makes sure the builder (and runtime)
// images are there as the pull policy allows, and asks the builder image
// which Go it has.
func resolveImage(ctx context.Context, r *Resolved, tc config.Toolchain, opts Options) {
	if opts.Engine == nil {
		r.Reason = "no container engine is configured for kind image toolchains"
		return
	}
	eng, info, err := opts.Engine(ctx, tc.Engine)
	if err != nil {
		r.Reason, r.EngineFailure = oneLine(err.Error()), engineFailure(err)
		return
	}
	c := newContainer(eng, info, tc.Platform, opts.Pull)
	c.BuilderPlatform = c.Platform
	if tc.RuntimeImage != "" {
		c.BuilderPlatform = info.HostOS + "/" + info.HostArch
	}
	r.Container = c
	r.HostGOOS, r.HostGOARCH = "linux", c.PlatformArch()
	if c.Builder, err = eng.Ensure(ctx, tc.Image, c.Pull, c.BuilderPlatform); err != nil {
		r.Reason, r.EngineFailure = imageReason("builder", tc.Image, err), engineFailure(err)
		return
	}
	if tc.RuntimeImage != "" {
		if c.Runtime, err = eng.Ensure(ctx, tc.RuntimeImage, c.Pull, c.Platform); err != nil {
			r.Reason, r.EngineFailure = imageReason("runtime", tc.RuntimeImage, err), engineFailure(err)
			return
		}
	}
	c.BuilderEmulated = platformArch(c.BuilderPlatform) != info.HostArch
	// From here on the images are named by ID, never by tag: a tag that
	// moves while the run goes on cannot change what the cells use.
	version, raw, goEnv, err := imageGoVersion(ctx, eng, opts.CacheDir, c.Builder.ID, c.BuilderPlatform)
	if err != nil {
		if r.BuildCrash = goCommandCrash(err); r.BuildCrash != nil {
			r.Reason = toolchainCrashReason(r.BuildCrash, c, info.HostArch)
			return
		}
		r.Reason = fmt.Sprintf("cannot run go in %s: %s (is it a Go builder image with go on PATH?)", tc.Image, oneLine(err.Error()))
		return
	}
	c.GoVersionRaw = raw
	r.GoEnv = goEnv
	if r.GoEnv != nil {
		// The query forced GOTOOLCHAIN=local; builds do too, but what the
		// image itself sets is what its users get.
		r.GoEnv["GOTOOLCHAIN"] = imageEnv(c.Builder.Env, "GOTOOLCHAIN")
	}
	r.GoVersion, r.Experiments = SplitVersion(version)
	// Inside the container the go command must never switch toolchains.
	r.Env = []string{"GOTOOLCHAIN=local"}
	r.GoCmd = "go"
	r.Available = true
}

// imageGoEnv is the answer of an image's go command to the version query
// (container.Engine.GoVersion), as kept in the cache.
type imageGoEnv struct {
	Version string            `json:"version"`
	Raw     string            `json:"raw"`
	Env     map[string]string `json:"env,omitempty"`
}

// imageGoVersion is eng.GoVersion(imageID, platform), kept in cacheDir
// under the image ID: an image ID names the image's content (its config
// and layers), so the same image on the same platform always answers the
// same, and a run need not start a container to ask again (a container
// start costs a quarter of a second here, more through a podman
// machine's VM). A moved tag resolves to another ID and is asked anew.
// Only answers are kept, never failures (a go command that crashed under
// emulation is asked again next time). Without cacheDir it asks.
func imageGoVersion(ctx context.Context, eng *container.Engine, cacheDir, imageID, platform string) (version, raw string, env map[string]string, err error) {
	if cacheDir == "" || imageID == "" {
		return eng.GoVersion(ctx, imageID, platform)
	}
	key := statcache.New(fmt.Sprintf("image-go-env-v1\nengine=%s\nimage=%s\nplatform=%s\nvars=%s", eng.Name, imageID, platform, strings.Join(container.ReportedGoEnv(), ",")))
	cached := filepath.Join(cacheDir, "fingerprints", key.Name())
	var ans imageGoEnv
	if data, ok := statcache.Load(cached); ok && json.Unmarshal(data, &ans) == nil && strings.HasPrefix(ans.Version, "go") {
		return ans.Version, ans.Raw, ans.Env, nil
	}
	if version, raw, env, err = eng.GoVersion(ctx, imageID, platform); err != nil {
		return "", "", nil, err
	}
	if data, err := json.Marshal(imageGoEnv{Version: version, Raw: raw, Env: env}); err == nil {
		statcache.Store(cached, data)
	}
	return version, raw, env, nil
}

// platformArch is the architecture of an os/arch[/variant] platform.
func platformArch(platform string) string {
	return config.ParsePlatform(platform).Arch
}

// goCommandCrash returns the crash of the image's go command in the
// output of the version query that failed with err, or nil when it did
// not crash (a missing go, a broken image).
func goCommandCrash(err error) *record.BuildCrash {
	var ge *container.GoVersionError
	if !errors.As(err, &ge) {
		return nil
	}
	for _, out := range [][]byte{ge.EnvOutput, ge.VersionOutput} {
		if crash := crashlog.FirstBuildCrash(out, record.StageToolchain, "go env GOVERSION", theGoCommand); crash != nil {
			return crash
		}
	}
	return nil
}

func theGoCommand([]string) string { return "the go command" }

// toolchainCrashReason says that the image's go command crashed, and,
// when the builder ran emulated, how to build natively instead.
func toolchainCrashReason(crash *record.BuildCrash, c *Container, hostArch string) string {
	reason := crash.Short()
	if c.BuilderEmulated {
		reason += fmt.Sprintf(" (the builder ran emulated: %s on an %s host; set \"runtimeImage\" so the build runs natively and only the binary is emulated)", c.BuilderPlatform, hostArch)
	}
	return reason
}

// imageReason says in one line why an image cannot be used, and how to fix
// it: "builder image REF: image not known locally (pull it ...)".
func imageReason(role, ref string, err error) string {
	var ee *container.Error
	if errors.As(err, &ee) {
		msg := strings.TrimPrefix(oneLine(ee.Msg), ref+": ")
		if ee.Hint != "" {
			msg += " (" + ee.Hint + ")"
		}
		return fmt.Sprintf("%s image %s: %s", role, ref, msg)
	}
	return fmt.Sprintf("%s image %s: %s", role, ref, oneLine(err.Error()))
}

// engineFailure is the kind of the container engine's failure in err,
// "" when err is not one.
func engineFailure(err error) string {
	var ee *container.Error
	if errors.As(err, &ee) {
		return ee.Kind.String()
	}
	return ""
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// imageEnv is the value of name in an image's config Env, or "".
func imageEnv(env []string, name string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}

// newContainer is the engine part of a Container, shared by image
// toolchains and host toolchains with a runtime image: the engine and
// what it says of its host, the platform (the engine host's when none is
// asked for) and the pull policy (container.PullMissing when empty).
func newContainer(eng *container.Engine, info *container.Info, platform string, pull container.PullPolicy) *Container {
	if pull == "" {
		pull = container.PullMissing
	}
	if platform == "" {
		platform = info.HostOS + "/" + info.HostArch
	}
	return &Container{
		Engine:         eng,
		EngineName:     info.Name,
		EngineVersion:  info.Version,
		EngineHostOS:   info.HostOS,
		EngineHostArch: info.HostArch,
		Platform:       platform,
		Pull:           pull,
	}
}

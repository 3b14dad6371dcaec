package cellbuild

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/modtree"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/redact"
	"github.com/gorepro/gorepro/internal/toolchain"
	"github.com/gorepro/gorepro/repro"
)

// Named volumes that keep the go command's caches between container builds:
// the module cache is shared by every image, the build cache is per builder
// image, so that the second build in the same image is fast.
const (
	modCacheVolume = container.VolumePrefix + "gomodcache"
	modCacheMount  = "/gorepro/gomodcache"
	buildCacheDir  = "/gorepro/gocache"
)

// BuildCacheVolume is the named volume holding the go build cache of a
// builder image.
func BuildCacheVolume(image *container.Image) string {
	id := strings.TrimPrefix(image.ID, "sha256:")
	if len(id) > 12 {
		id = id[:12]
	}
	if id == "" {
		sum := sha256.Sum256([]byte(image.Ref))
		id = hex.EncodeToString(sum[:6])
	}
	return container.VolumePrefix + "gocache-" + id
}

// containerBuild describes the build of s inside the builder image of c:
// the same go build command, run with no network, with the sources, the
// output directory, the alternate go.mod and any replaced module
// directories mounted at the same paths as on the host, and modules served
// read-only from the host's module download cache (which the host fills
// first, so go.sum is complete).
func containerBuild(ctx context.Context, s Spec, c *toolchain.Container, dir string, setEnv, argv []string, output string, timeout time.Duration, log io.Writer) (container.RunSpec, error) {
	runner := s.LocalGo
	runner.Log = log
	downloads, err := hostDownloads(ctx, s, runner, dir)
	if err != nil {
		return container.RunSpec{}, err
	}
	mounts := []container.Mount{
		{Source: dir, Target: dir, ReadOnly: true},
		{Source: filepath.Dir(output), Target: filepath.Dir(output)},
		{Source: downloads, Target: downloads, ReadOnly: true},
		{Source: modCacheVolume, Target: modCacheMount, Volume: true},
		{Source: BuildCacheVolume(c.Builder), Target: buildCacheDir, Volume: true},
	}
	dlRunner := runner
	dlRunner.Env = append(append([]string{}, runner.Env...), goosGoarch(setEnv)...)
	modMounts, err := downloadOnHost(ctx, s, dlRunner, dir, argv)
	if err != nil {
		return container.RunSpec{}, err
	}
	mounts = append(mounts, modMounts...)
	if err := createVolumes(ctx, c.Engine, mounts); err != nil {
		return container.RunSpec{}, err
	}
	env := append(append([]string{}, setEnv...),
		"GOPROXY=file://"+downloads,
		"GOSUMDB=off",
		"GONOSUMDB=",
		"GOPRIVATE=",
		"GOMODCACHE="+modCacheMount,
		"GOCACHE="+buildCacheDir,
		"GOENV=off",
		"HOME=/tmp",
		"GOPATH=/tmp/gopath",
	)
	cmd := append([]string{"go"}, argv[1:]...)
	return container.RunSpec{
		Image:     c.Builder.ID, // never the tag: it may have moved since
		ImageName: c.Builder.Ref,
		Platform:  c.BuilderPlatform,
		Labels:    map[string]string{"gorepro.role": "build"},
		Mounts:    mounts,
		Env:       env,
		Workdir:   dir,
		User:      "0:0",
		Args:      cmd,
		Network:   "none",
		Timeout:   timeout,
	}, nil
}

// createVolumes makes sure the named volumes of mounts exist, all at
// once (each is an engine client of its own), and returns the error of
// the first that could not be made, in mount order.
func createVolumes(ctx context.Context, eng *container.Engine, mounts []container.Mount) error {
	errs := make([]error, len(mounts))
	var wg sync.WaitGroup
	for i, m := range mounts {
		if m.Volume {
			wg.Go(func() { errs[i] = eng.VolumeCreate(ctx, m.Source) })
		}
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// hostDownloads returns the host's module download cache, which serves
// the container build its modules: in s.HostModCache, else the one the
// local go command (runner, in dir) reports.
func hostDownloads(ctx context.Context, s Spec, runner repro.GoRunner, dir string) (string, error) {
	modCache := s.HostModCache
	if modCache == "" {
		dl, err := runner.Run(ctx, dir, "env", "GOMODCACHE")
		if err != nil {
			return "", fmt.Errorf("finding the host module cache: %w", err)
		}
		modCache = strings.TrimSpace(string(dl))
	}
	return filepath.Join(modCache, "cache", "download"), nil
}

// downloadOnHost has the local go command (dlRunner, in dir) download
// every module the build argv needs, with the module's own go.mod or with
// the alternate one, and completes the alternate go.sum, so that the
// container needs no network. It returns the mounts the build's go.mod
// needs: the alternate go.mod's directory, and, whichever go.mod the build
// uses, the replaced module directories outside dir ("replace => ../lib"),
// at the same paths, where the go command in the container looks for them.
func downloadOnHost(ctx context.Context, s Spec, dlRunner repro.GoRunner, dir string, argv []string) ([]container.Mount, error) {
	pkg := argv[len(argv)-1]
	var mounts []container.Mount
	replacedOutside := func(goMod string) error {
		replaced, err := modtree.ReplaceDirs(goMod)
		if err != nil {
			return err
		}
		for _, d := range replaced {
			if !modtree.Within(d, dir) {
				mounts = append(mounts, container.Mount{Source: d, Target: d, ReadOnly: true})
			}
		}
		return nil
	}
	if !slices.ContainsFunc(argv, func(a string) bool { return strings.HasPrefix(a, "-modfile=") }) && s.Target.Kind == config.TargetPackage {
		// The module's own go.mod, untouched (-mod=readonly wins over the
		// runner's GOFLAGS): the host downloads what the build needs.
		if _, err := dlRunner.Run(ctx, dir, "list", "-mod=readonly", "-deps", "-test=false", pkg); err != nil {
			return nil, fmt.Errorf("downloading modules on the host: %w", err)
		}
		if goMod := enclosingGoMod(dir); goMod != "" {
			if err := replacedOutside(goMod); err != nil {
				return nil, err
			}
		}
	}
	for _, a := range argv {
		altGoMod, ok := strings.CutPrefix(a, "-modfile=")
		if !ok {
			continue
		}
		mounts = append(mounts, container.Mount{Source: filepath.Dir(altGoMod), Target: filepath.Dir(altGoMod)})
		if err := replacedOutside(altGoMod); err != nil {
			return nil, err
		}
		// The host downloads what the build needs and completes the
		// alternate go.sum, so the container needs no network.
		if _, err := dlRunner.Run(ctx, dir, "list", "-modfile="+altGoMod, "-deps", "-test=false", pkg); err != nil {
			return nil, fmt.Errorf("downloading modules on the host: %w", err)
		}
	}
	return mounts, nil
}

// enclosingGoMod is the go.mod of the module holding dir (dir's own, or
// the nearest one above it), or "" when there is none.
func enclosingGoMod(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && fi.Mode().IsRegular() {
			return filepath.Join(d, "go.mod")
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// goosGoarch keeps the variables that decide which packages a build loads.
func goosGoarch(env []string) []string {
	var out []string
	for _, kv := range env {
		for _, k := range []string{"GOOS=", "GOARCH=", "CGO_ENABLED="} {
			if strings.HasPrefix(kv, k) {
				out = append(out, kv)
			}
		}
	}
	return out
}

// reproduceContainer records an engine command line.
func reproduceContainer(argv []string) record.Reproduce {
	redacted := make([]string, len(argv))
	for i, a := range argv {
		redacted[i] = redact.Env(redact.URL(a))
	}
	return record.Reproduce{Build: redacted, Script: Script("", nil, redacted)}
}

// engineOutcome is the outcome of a cell whose engine call failed: an
// engine that cannot be used says nothing about the code.
func engineOutcome(err error) record.Outcome {
	var ee *container.Error
	if errors.As(err, &ee) && ee.Kind != container.ErrEngineRun && ee.Kind != container.ErrDiskFull {
		return record.Unavailable
	}
	return record.BuildError
}

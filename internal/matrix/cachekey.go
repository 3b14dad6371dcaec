package matrix

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/dockerfile"
	"github.com/gorepro/gorepro/internal/emulation"
	"github.com/gorepro/gorepro/repro"
)

// cacheKeyInputs is everything that can change a cell's result. A cell is
// re-used only when all of it is equal.
type cacheKeyInputs struct {
	// Toolchain is the resolved toolchain's identity (version, GOROOT,
	// stamps of the go binary and of every GOROOT file a build reads,
	// image IDs: see toolchain.Resolved.Identity).
	Toolchain string `json:"toolchain"`
	// Target is the whole target as configured, normalised: without its
	// name (renaming a target does not change what it builds) and with
	// the run timeout that applies to it. Every other field of
	// config.Target is part of the key (TestCacheKeyCoversEveryTargetField).
	Target config.Target `json:"target"`
	// Source is a content digest of everything the build reads besides the
	// toolchain: the template of the reproducer or probe, a package's
	// module tree and its local replacements, a Dockerfile and its context.
	Source   string        `json:"source"`
	Protobuf string        `json:"protobuf"`
	Cover    bool          `json:"cover"`
	GOARCH   string        `json:"goarch"`
	HostArch string        `json:"hostArch"`
	Runs     int           `json:"runs"`
	Timeout  time.Duration `json:"timeout"`
	// Harness identifies the gorepro build (see Runner.Harness).
	Harness string `json:"harness"`
	// PrepareByFlag changes the hint of a failed build (see
	// Runner.PrepareByFlag); left out when false, so other keys stay.
	PrepareByFlag bool `json:"prepareByFlag,omitempty"`
	// Env are the variables of gorepro's environment that builds and runs
	// on this host inherit and that change what is built or how it runs
	// (keyEnv); left out when none is set, so other keys stay.
	Env []string `json:"env,omitempty"`
}

// keyEnv picks out of environ, sorted, the variables that builds and runs
// inherit from gorepro's environment and that change the code the go
// command emits (GOAMD64 and the other architecture levels,
// GOEXPERIMENT, GOFIPS140; the C toolchain and CGO_* flags of cgo
// builds) or how a Go program runs (GODEBUG, GOGC, GOMEMLIMIT,
// GOMAXPROCS, GOTRACEBACK): a cell cached under one must not stand for a
// build or run under another. What gorepro sets itself for every build
// (GOOS, GOARCH, CGO_ENABLED, GOFLAGS, GOTOOLCHAIN, GOROOT, GOWORK) is
// not taken from the environment, so it is left out; so is a variable set
// to nothing, which the go command and the runtime take as unset.
func keyEnv(environ []string) []string {
	names := []string{"GOAMD64", "GOARM", "GOARM64", "GO386", "GOMIPS", "GOMIPS64", "GOPPC64", "GORISCV64", "GOWASM",
		"GOEXPERIMENT", "GOFIPS140", "CC", "CXX", "GODEBUG", "GOGC", "GOMEMLIMIT", "GOMAXPROCS", "GOTRACEBACK"}
	var env []string
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if ok && v != "" && (slices.Contains(names, k) || strings.HasPrefix(k, "CGO_") && k != "CGO_ENABLED") {
			env = append(env, kv)
		}
	}
	slices.Sort(env)
	return env
}

// cacheKey is the content key of cell p, whose target's sources have the
// digest source (from sourceDigests).
func (r *Runner) cacheKey(p plan, hostArch, source string) string {
	target := p.target
	target.Name = ""
	target.Timeout = config.Duration(p.target.RunTimeout(r.Config))
	return keyOf(cacheKeyInputs{
		Toolchain:     p.tc.Identity,
		Target:        target,
		Source:        source,
		Protobuf:      p.protobuf,
		Cover:         p.cover,
		GOARCH:        p.goarch,
		HostArch:      hostArch,
		Runs:          r.Config.Runs,
		Timeout:       p.target.RunTimeout(r.Config),
		Harness:       r.harness(),
		PrepareByFlag: r.PrepareByFlag,
		Env:           keyEnv(r.environ()),
	})
}

// environ is Runner.Environ, or os.Environ() when it is nil.
func (r *Runner) environ() []string {
	if r.Environ != nil {
		return r.Environ
	}
	return os.Environ()
}

// fromImages is, for a Dockerfile target built with an image toolchain,
// what the images its FROM lines name by tag are now (" from REF=ID" for
// each, "absent" for one not present here), for the cell's cache key: a
// tag that moved (`podman pull` of a newer build of the runtime image,
// an image built again) makes another cell. FROM lines that name an
// earlier stage or scratch, or whose image comes from a templated build
// arg (the toolchain's pinned image through {{.Image}}, keyed by the
// toolchain), are left out; a literal build arg or an ARG default is
// followed. Each reference is inspected once per Runner.Run; an
// engine that cannot answer gives a key of its own, never an old cell's.
func (r *Runner) fromImages(ctx context.Context, p plan) string {
	if p.target.Kind != config.TargetDockerfile || p.tc.Container == nil || p.tc.Container.Engine == nil {
		return ""
	}
	df, err := dockerfile.ReadFile(p.target.Dockerfile)
	if err != nil {
		return "" // the build says what is wrong with it
	}
	var b strings.Builder
	for _, f := range df.Froms {
		ref := f.Expanded
		if f.UsesVariable() {
			var templated bool
			ref, templated = expandBuildArgs(f.Image, f.Expanded, p.target.BuildArgs)
			if templated {
				continue
			}
		}
		if f.StageRef || ref == "" || strings.EqualFold(ref, "scratch") || strings.Contains(ref, "$") {
			continue
		}
		id, _ := r.fromIDs.LoadOrStore(ref, sync.OnceValue(func() string {
			im, err := p.tc.Container.Engine.Inspect(ctx, ref)
			switch {
			case err != nil:
				return fmt.Sprintf("unknown %d", time.Now().UnixNano())
			case !im.Present:
				return "absent"
			}
			return im.ID
		}))
		fmt.Fprintf(&b, " from %s=%s", ref, id.(func() string)())
	}
	return b.String()
}

// expandBuildArgs is the image of a FROM line written with variables
// (image, "${BASE}"; expanded, the same with the Dockerfile's ARG
// defaults) as the target's build args give it: a literal build arg
// replaces the variable; templated is true when one the image uses is a
// template ({{.Image}}: the toolchain's pinned image, keyed by the
// toolchain).
func expandBuildArgs(image, expanded string, args map[string]string) (ref string, templated bool) {
	ref = image
	for name, value := range args {
		for _, v := range []string{"${" + name + "}", "$" + name} {
			if !strings.Contains(ref, v) {
				continue
			}
			if strings.Contains(value, "{{") {
				return "", true
			}
			ref = strings.ReplaceAll(ref, v, value)
		}
	}
	if strings.Contains(ref, "$") {
		return expanded, false // the ARG defaults, or left out if still open
	}
	return ref, false
}

// harness is Runner.Harness, or Version when it is empty.
func (r *Runner) harness() string {
	if r.Harness != "" {
		return r.Harness
	}
	return r.Version
}

// sourceDigests computes, once per run, the digest of what each target's
// build reads besides the toolchain, by target name.
func (r *Runner) sourceDigests() (map[string]string, error) {
	sums := map[string]string{}
	for _, t := range r.Config.Targets {
		sum, err := sourceDigest(t)
		if err != nil {
			return nil, fmt.Errorf("target %s: %w", t.Name, err)
		}
		sums[t.Name] = sum
	}
	return sums, nil
}

// sourceDigest is the digest of what target t's build reads besides the
// toolchain:
//   - repro and probe: gorepro's template (the version of the module
//     graph they get is in the key as the protobuf version);
//   - package: the module tree (hidden directories such as .git left out,
//     as the go command leaves them out) and the tree of every local
//     directory its go.mod replaces a module with;
//   - dockerfile: the Dockerfile and the whole build context but .git.
func sourceDigest(t config.Target) (string, error) {
	switch t.Kind {
	case config.TargetRepro:
		return "repro:" + repro.TemplateHash(), nil
	case config.TargetEnvProbe:
		return "probe:" + emulation.ProbeHash(), nil
	case config.TargetPackage:
		return packageDigest(t.Dir)
	case config.TargetDockerfile:
		return dockerfileDigest(t)
	}
	return "", fmt.Errorf("unknown target kind %q", t.Kind)
}

// packageDigest hashes a module tree and its local replacements.
func packageDigest(dir string) (string, error) {
	h := sha256.New()
	sum, err := hashTree(dir)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "module %s\n", sum)
	replaced, err := localReplacements(dir)
	if err != nil {
		return "", err
	}
	for _, r := range replaced {
		sum, err := hashTree(r)
		if err != nil {
			return "", fmt.Errorf("replacement of %s: %w", filepath.Join(dir, "go.mod"), err)
		}
		fmt.Fprintf(h, "replace %s %s\n", r, sum)
	}
	return "package:" + hex.EncodeToString(h.Sum(nil)), nil
}

// localReplacements lists the directories, absolute and sorted, that
// dir/go.mod replaces modules with (replace … => ../lib). A missing or
// malformed go.mod lists none: the build will say what is wrong.
func localReplacements(dir string) ([]string, error) {
	file := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	mod, err := modfile.Parse(file, data, nil)
	if err != nil {
		return nil, nil // the build will report it
	}
	var dirs []string
	for _, r := range mod.Replace {
		if r.New.Version != "" || !modfile.IsDirectoryPath(r.New.Path) {
			continue
		}
		d := r.New.Path
		if !filepath.IsAbs(d) {
			d = filepath.Join(dir, d)
		}
		if !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	slices.Sort(dirs)
	return dirs, nil
}

// dockerfileDigest hashes a Dockerfile target's Dockerfile and context.
func dockerfileDigest(t config.Target) (string, error) {
	h := sha256.New()
	f, err := os.Open(t.Dockerfile)
	if err != nil {
		return "", fmt.Errorf("hashing the Dockerfile: %w", err)
	}
	defer f.Close()
	io.WriteString(h, "Dockerfile\n")
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hashing the Dockerfile: %w", err)
	}
	context := t.Context
	if context == "" {
		context = filepath.Dir(t.Dockerfile)
	}
	sum, err := hashTreeSkipping(context, func(name string) bool { return name == ".git" })
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "\ncontext %s\n", sum)
	return "dockerfile:" + hex.EncodeToString(h.Sum(nil)), nil
}

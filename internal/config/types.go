package config

import (
	"encoding/json"
	"time"

	"github.com/gorepro/gorepro/internal/dockerfile"
)

// Toolchain kinds.
const (
	KindLocal       = "local"       // the go command on PATH, run with GOTOOLCHAIN=local
	KindGoroot      = "goroot"      // an installed GOROOT: <goroot>/bin/go
	KindGotoolchain = "gotoolchain" // a release fetched by the go command: GOTOOLCHAIN=<version>
	KindImage       = "image"       // a container builder image (and optional runtime image)
	KindGosource    = "gosource"    // a commit of a Go repository, built by gorepro (internal/gosource)
)

// Target kinds.
const (
	TargetRepro      = "repro"      // the generated minimal detrand reproducer
	TargetPackage    = "package"    // a main package in the user's own module
	TargetDockerfile = "dockerfile" // the user's own Dockerfile, built per cell by the container engine
	TargetEnvProbe   = "probe"      // gorepro's built-in environment probe: what the binary sees of its host
)

// Config is a parsed and validated toolchains.json: the axes of the matrix.
type Config struct {
	Toolchains []Toolchain `json:"toolchains"`
	// Protobuf lists google.golang.org/protobuf versions (semver, "v1.36.10").
	Protobuf []string `json:"protobuf"`
	// Cover lists the values of the -cover build flag to try.
	Cover []bool `json:"cover"`
	// Arch lists GOARCH values to build for; "native" (the default) means
	// the host's architecture.
	Arch    []string `json:"arch,omitempty"`
	Targets []Target `json:"targets"`
	// Runs is how often each binary is run (default 1).
	Runs int `json:"runs,omitempty"`
	// Timeout bounds one run of a binary (default 60s); BuildTimeout one
	// build (default 10m).
	Timeout      Duration `json:"timeout,omitempty"`
	BuildTimeout Duration `json:"buildTimeout,omitempty"`
	// Engine is the container engine ("podman", "docker") for toolchains
	// that do not name their own; empty means whichever is installed. Use
	// EngineFor to pick a toolchain's engine.
	Engine string `json:"engine,omitempty"`
	// Pull says when the container engine pulls images: "never",
	// "missing" (the default) or "always".
	Pull string `json:"pull,omitempty"`

	// Path is the file the config was read from and Dir its directory,
	// against which relative target dirs are resolved. Not part of the JSON.
	Path string `json:"-"`
	Dir  string `json:"-"`
}

// Toolchain is one way to get a Go compiler.
type Toolchain struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Version is the exact Go release for kind gotoolchain ("go1.27.3").
	Version string `json:"version,omitempty"`
	// GOROOT is the installed Go tree for kind goroot.
	GOROOT string `json:"goroot,omitempty"`
	// Image is the builder image for kind image; RuntimeImage the image the
	// binary runs in (for kind image the builder image when empty; for
	// the host kinds this host when empty).
	Image        string `json:"image,omitempty"`
	RuntimeImage string `json:"runtimeImage,omitempty"`
	// ExpectGo is the Go version the toolchain must turn out to have; a
	// different one is reported loudly.
	ExpectGo string `json:"expectGo,omitempty"`
	// Platform ("linux/arm64") is where binaries run: the platform of the
	// images (kind image) or of the runtimeImage (the host kinds, which
	// then build for it). Engine ("podman", "docker") runs those images;
	// an empty Engine falls back to the config's, see Config.EngineFor.
	// The host kinds take them only with a runtimeImage.
	Platform string `json:"platform,omitempty"`
	Engine   string `json:"engine,omitempty"`
	// Repo (a local path or a URL) and Rev (a hash, tag or branch) are the
	// Go repository and commit of kind gosource; Bootstrap the
	// GOROOT_BOOTSTRAP of its make.bash (the go on PATH's GOROOT when
	// empty). Fast allows a fast build (see internal/gosource).
	Repo      string `json:"repo,omitempty"`
	Rev       string `json:"rev,omitempty"`
	Bootstrap string `json:"bootstrap,omitempty"`
	Fast      bool   `json:"fast,omitempty"`
}

// The values of Target.PrepareWith.
const (
	PrepareToolchain = "toolchain"
	PrepareLocal     = "local"
)

// Target is what a cell builds and runs.
type Target struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Dir is the root of the user's module (kind package), relative to the
	// config file; after Load it is absolute. Package is the main package
	// inside it ("./cmd/controller").
	Dir     string `json:"dir,omitempty"`
	Package string `json:"package,omitempty"`
	// Args and Env are given to the binary at run time; BuildEnv and
	// BuildFlags to go build.
	Args       []string          `json:"args,omitempty"`
	Env        map[string]string `json:"env,omitempty"`
	BuildEnv   map[string]string `json:"buildEnv,omitempty"`
	BuildFlags []string          `json:"buildFlags,omitempty"`
	// Modules requires these module versions (path → version) in the
	// alternate go.mod of a package target, as the protobuf axis does for
	// protobuf; minimal version selection still honours higher
	// requirements. gorepro bisect --axis module:PATH sets it per probe.
	Modules map[string]string `json:"modules,omitempty"`
	// Prepare lists the commands (kind package) that make the module
	// buildable, such as [["go", "generate", "./pkg/audit"]] for files that
	// go generate produces and git ignores. Each is an argv, run without a
	// shell, in order, in a copy of the module in gorepro's work directory
	// (the user's tree is never written); a "go" program is the cell's
	// toolchain's go command (the go on PATH for image toolchains). The
	// copy is re-used while the tree, the commands and the toolchain stay
	// the same.
	Prepare [][]string `json:"prepare,omitempty"`
	// PrepareWith says which Go runs the prepare commands' "go":
	// PrepareToolchain (the default: the cell's toolchain, as a
	// Dockerfile build would) or PrepareLocal (the go on PATH, for
	// generated code that does not depend on the toolchain).
	PrepareWith string `json:"prepareWith,omitempty"`
	// CGO builds with CGO_ENABLED=1; the default is CGO_ENABLED=0.
	CGO  bool     `json:"cgo,omitempty"`
	Pass PassRule `json:"pass,omitempty"`
	// Timeout overrides the config's run timeout for this target.
	Timeout Duration `json:"timeout,omitempty"`
	// Dockerfile is the user's Dockerfile (kind dockerfile), relative to
	// the config file; after Load it is absolute. Context is the build
	// context directory, likewise absolute after Load; it defaults to the
	// Dockerfile's directory.
	Dockerfile string `json:"dockerfile,omitempty"`
	Context    string `json:"context,omitempty"`
	// BuildArgs are the --build-arg values of a dockerfile target, each a
	// text/template over BuildArgValues ("{{.GOARCH}}"); see
	// RenderBuildArgs.
	BuildArgs map[string]string `json:"buildArgs,omitempty"`
	// Stage is the Dockerfile stage to build (--target); empty builds the
	// last one.
	Stage string `json:"stage,omitempty"`
	// BuilderStage or BuilderFrom (at most one) say which FROM lines of
	// the Dockerfile the cell's builder image replaces: the stage of
	// that name, or those whose image matches the pattern (package
	// dockerfile). RuntimeStage and RuntimeFrom say the same of the
	// toolchain's runtime image. gorepro builds a copy of the Dockerfile
	// with those images replaced; the Dockerfile itself is never written.
	BuilderStage string `json:"builderStage,omitempty"`
	BuilderFrom  string `json:"builderFrom,omitempty"`
	RuntimeStage string `json:"runtimeStage,omitempty"`
	RuntimeFrom  string `json:"runtimeFrom,omitempty"`
}

// BuilderSelector is the FROM lines t's builder image replaces; the zero
// Selector when t names none.
func (t Target) BuilderSelector() dockerfile.Selector {
	return dockerfile.Selector{Stage: t.BuilderStage, Image: t.BuilderFrom}
}

// RuntimeSelector is the FROM lines the runtime image of t's cells
// replaces; the zero Selector when t names none.
func (t Target) RuntimeSelector() dockerfile.Selector {
	return dockerfile.Selector{Stage: t.RuntimeStage, Image: t.RuntimeFrom}
}

// PassRule says what counts as a passing run. The zero value means: exit
// status 0.
type PassRule struct {
	// ExitCodes are the exit statuses that pass (default [0]).
	ExitCodes []int `json:"exitCodes,omitempty"`
	// LogMatches is a regular expression (RE2) that some line of stdout or
	// stderr must match, proving start-up got past init.
	LogMatches string `json:"logMatches,omitempty"`
	// AliveFor makes a run pass when the process is still alive after this
	// long (servers); it is then stopped. LogMatches, if set, must also have
	// matched by then.
	AliveFor Duration `json:"aliveFor,omitempty"`
}

// Duration is a time.Duration written in JSON as a Go duration string ("30s").
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// MarshalJSON writes d as a duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a duration string such as "30s" or "1m30s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// BuildArgValues are the fields a dockerfile target's buildArgs templates
// may use, describing one cell.
type BuildArgValues struct {
	// GOFLAGS is "-cover" in cells of the cover axis's true value, else "".
	GOFLAGS string
	// GOARCH and GOOS are the cell's target platform ("amd64", "linux").
	GOARCH string
	GOOS   string
	// Image is the builder image of the cell's toolchain (kind image),
	// pinned: its repository digest or image ID, never a tag.
	Image string
	// GoVersion is the toolchain's Go version ("go1.25.3").
	GoVersion string
	// Protobuf is the cell's google.golang.org/protobuf version
	// ("v1.36.10"), which gorepro cannot apply to a Dockerfile itself.
	Protobuf string
}

package record

import (
	"fmt"
	"strings"
	"time"
)

// SchemaVersion is the version of the results.json document. It changes when a
// field changes meaning or disappears; new fields do not change it.
//
// Version 2 analyses each target apart: analysis.targets replaced
// analysis.axes and analysis.failing. Loading a version 1 run drops its
// analysis, for the reader to analyse it again (gorepro report does).
const SchemaVersion = 2

// Outcome is what happened to one cell (or one run of a cell's binary).
type Outcome string

// The outcomes a cell can have. Unavailable says nothing about the code: the
// toolchain, engine or host could not be used.
const (
	Pass        Outcome = "pass"
	Crash       Outcome = "crash"
	Fail        Outcome = "fail"
	Timeout     Outcome = "timeout"
	BuildError  Outcome = "build-error"
	Unavailable Outcome = "unavailable"
)

// Severity orders outcomes from benign to worst; a flaky cell reports the worst
// outcome any of its runs had.
func (o Outcome) Severity() int {
	switch o {
	case Pass:
		return 0
	case Fail:
		return 1
	case Timeout:
		return 2
	case Crash:
		return 3
	case BuildError:
		return 4
	case Unavailable:
		return 5
	}
	return 6
}

// Valid reports whether o is one of the six outcomes.
func (o Outcome) Valid() bool { return o.Severity() < 6 }

// Run is one invocation of `gorepro matrix`: the document written to
// results.json.
type Run struct {
	SchemaVersion  int       `json:"schemaVersion"`
	ID             string    `json:"id"`
	GoreproVersion string    `json:"goreproVersion"`
	Started        time.Time `json:"started"`
	Finished       time.Time `json:"finished"`
	// Config is the path of the toolchains.json the matrix came from, and
	// ConfigSHA256 the hash of its bytes.
	Config       string `json:"config"`
	ConfigSHA256 string `json:"configSHA256"`
	// MatrixSHA256 is the hash of the matrix as run, after command-line
	// overrides (config.Config.MatrixHash): runs with the same hash
	// computed the same cells with the same settings, whatever their
	// --shard, -j, --out or caches. `gorepro merge` refuses runs whose
	// hashes differ. Empty in runs recorded before it existed.
	MatrixSHA256 string `json:"matrixSHA256,omitempty"`
	Host         Host   `json:"host"`
	// Interrupted is true when the run was stopped (Ctrl-C) before every cell
	// finished; unfinished cells are then unavailable with Interrupted set.
	Interrupted bool   `json:"interrupted,omitempty"`
	Cells       []Cell `json:"cells"`
	// Bisect is set for the runs of `gorepro bisect`: the search, its
	// probes (whose cells are in Cells) and its conclusion.
	Bisect *Bisect `json:"bisect,omitempty"`
	// Explain is set for the runs of `gorepro explain`: the causes of the
	// changes between two runs, whose probe cells are in Cells.
	Explain *Explain `json:"explain,omitempty"`
	// Analysis says, target by target, which axes changed the outcome
	// (see Analyze).
	Analysis *Analysis `json:"analysis,omitempty"`
	// Toolchains are what the run's toolchains resolved to, in config
	// order: Go version, GOROOT, relevant go env, engine and images.
	Toolchains []Toolchain `json:"toolchains,omitempty"`
	// Shard is set when the run built only its share of the matrix
	// (`gorepro matrix --shard k/n`).
	Shard *Shard `json:"shard,omitempty"`
	// Collapsed lists the cells the config lists twice that are one cell
	// where they ran (arch "native" and the host's own arch), which ran
	// once.
	Collapsed []Collapse `json:"collapsed,omitempty"`
	// Runners are the runs a merged run was made of (`gorepro merge`), one
	// per input, in the order given.
	Runners []Runner `json:"runners,omitempty"`
}

// Toolchain is what one configured toolchain resolved to on the machine
// that ran the matrix.
type Toolchain struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// GoVersion is the release ("go1.26.8"); Experiments any GOEXPERIMENT
	// suffix of the version string.
	GoVersion   string `json:"goVersion,omitempty"`
	Experiments string `json:"experiments,omitempty"`
	GOROOT      string `json:"goroot,omitempty"`
	// HostArch is the architecture of the machine that resolved it (of
	// the runner, in a merged run).
	HostArch string `json:"hostArch,omitempty"`
	// GoEnv holds GOARCH, GOAMD64, GOARM64, GOARM, CGO_ENABLED, GOFLAGS,
	// GOEXPERIMENT and GOTOOLCHAIN as the toolchain's go command reports
	// them (builds then set GOARCH, CGO_ENABLED and GOFLAGS per cell, and
	// GOARM for a platform "linux/arm/v5", "v6" or "v7"); for a host
	// toolchain with a runtime image, as it reports them for its platform.
	GoEnv map[string]string `json:"goEnv,omitempty"`
	// Available and Reason say whether the toolchain could be used.
	Available bool   `json:"available"`
	Reason    string `json:"reason,omitempty"`
	Warning   string `json:"warning,omitempty"`
	// Container is the engine and images of a kind image toolchain.
	Container *Container `json:"container,omitempty"`
	// GoSource is how a kind gosource toolchain was made.
	GoSource *GoSource `json:"goSource,omitempty"`
	// Build fingerprints the toolchain's build: for a GOROOT,
	// "gorootfiles:" and a hash of the content of every file of src/ and
	// pkg/tool/ a build reads, of VERSION and go.env and of the size of
	// bin/go (runs of gorepro before it: "goroot:", a hash of VERSION, the
	// runtime's sources and the sizes of go, compile and link); for an
	// image, "image:" and its image IDs. Two toolchains of one Go version
	// with different Builds are different builds (a distribution's
	// rebuild, a patched runtime or standard library); see
	// BuildsComparable.
	Build string `json:"build,omitempty"`
	// Manifest is the run-relative path of the list of the toolchain's
	// GOROOT files (src/ and pkg/tool/) by content hash
	// (gorootfiles.Manifest.Encode), ManifestFiles how many it lists:
	// what tells two builds of one Go version apart file by file.
	Manifest      string `json:"manifest,omitempty"`
	ManifestFiles int    `json:"manifestFiles,omitempty"`
	// Files is that manifest (path → hash) and ReadFile reads a file of
	// the GOROOT by its manifest path, for a diff of a differing source.
	// Neither is stored in results.json: Files is loaded from Manifest,
	// ReadFile set where the GOROOT is at hand.
	Files    map[string]string                 `json:"-"`
	ReadFile func(path string) ([]byte, error) `json:"-"`
}

// Collapse records cells that the config lists under two arch values but
// that are one cell on the machine that ran them: "native" is that
// machine's architecture, so "arch": ["native", "amd64"] names every
// amd64 cell twice on an amd64 host. They ran once, under the arch value
// listed first (Into); Cells of Arch's cells were dropped.
type Collapse struct {
	Arch string `json:"arch"`
	Into string `json:"into"`
	// GOARCH is what both arch values are on HostArch, the architecture
	// the cells' binaries run on (the engine's, for image toolchains).
	GOARCH   string `json:"goarch"`
	HostArch string `json:"hostArch"`
	Cells    int    `json:"cells"`
}

// String says what was collapsed in one line, e.g. "arch native is amd64
// on the amd64 host, the same as arch amd64: the 12 cells listed under
// both ran once".
func (c Collapse) String() string {
	cells := fmt.Sprintf("the %d cells listed under both ran once", c.Cells)
	if c.Cells == 1 {
		cells = "the cell listed under both ran once"
	}
	return fmt.Sprintf("arch %s is %s on the %s host, the same as arch %s: %s", c.Into, c.GOARCH, c.HostArch, c.Arch, cells)
}

// Shard says which share of the matrix a run built: Index of Count (1-based),
// Assigned of the matrix's Total cells.
type Shard struct {
	Index    int `json:"index"`
	Count    int `json:"count"`
	Assigned int `json:"assigned"`
	Total    int `json:"total"`
	// Positions are the 0-based positions of the run's cells, in the
	// order of Cells, among the Total cells of the whole matrix in its
	// axis order, so that a merge can restore the unsharded order.
	Positions []int `json:"positions,omitempty"`
}

// Runner is one input of a merged run: which run it was, where it ran and
// which shard it held.
type Runner struct {
	RunID string `json:"runID"`
	// Source is the path the run was merged from.
	Source   string    `json:"source"`
	Host     Host      `json:"host"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Shard    *Shard    `json:"shard,omitempty"`
	Cells    int       `json:"cells"`
	// GoreproVersion is the version of the gorepro that ran it, and
	// Interrupted whether it was stopped before every cell finished.
	GoreproVersion string `json:"goreproVersion,omitempty"`
	Interrupted    bool   `json:"interrupted,omitempty"`
}

// Host describes the machine the matrix ran on.
type Host struct {
	GOOS     string `json:"goos"`
	GOARCH   string `json:"goarch"`
	Hostname string `json:"hostname,omitempty"`
	NumCPU   int    `json:"numCPU"`
	Kernel   string `json:"kernel,omitempty"`
	// Environment holds the variables of gorepro's environment that its
	// builds and runs on this host inherited and that change the code or
	// the run (GOAMD64, GODEBUG, …: the ones in the cells' cache keys), by
	// name; empty when none was set, nil in runs of a gorepro that did not
	// record it (a pointer, so that an empty one is still written).
	Environment *map[string]string `json:"environment,omitempty"`
}

// GoSource is how a toolchain of kind gosource (a commit of a Go
// repository, see internal/gosource) was made for a run.
type GoSource struct {
	// Repo and Rev are as configured; Commit is Rev resolved.
	Repo   string `json:"repo"`
	Rev    string `json:"rev"`
	Commit string `json:"commit"`
	// Mode is "full" (make.bash of the commit's sources, or an installed
	// Go with the same sources: Installed) or "fast" (the commit's
	// library sources with the tools of the full build Base).
	Mode      string `json:"mode"`
	Base      string `json:"base,omitempty"`
	Installed bool   `json:"installed,omitempty"`
	// Failed is true when make.bash failed: the commit's toolchain does
	// not build (the cell's BuildCrash says when it crashed building
	// itself).
	Failed bool `json:"failed,omitempty"`
	// Why says why a build is full though a fast one was allowed.
	Why string `json:"why,omitempty"`
	// Built is true when this run made the toolchain, false when it was
	// taken from gorepro's cache; Seconds is how long making it took.
	Built   bool    `json:"built"`
	Seconds float64 `json:"seconds,omitempty"`
}

// Cell is the record of one combination of the matrix axes.
type Cell struct {
	// ID is unique within a run and safe as a file name, e.g.
	// "local_v1.36.10_cover_repro_amd64".
	ID            string `json:"id"`
	Toolchain     string `json:"toolchain"`
	ToolchainKind string `json:"toolchainKind"`
	// GoVersion is the Go version embedded in the built binary, or the
	// toolchain's own version when nothing was built.
	GoVersion string `json:"goVersion"`
	// Protobuf is the google.golang.org/protobuf version the cell asked for;
	// ProtobufLinked is the one in the binary's build info. ProtobufNote says
	// why they differ (MVS selected a higher version) when they do.
	Protobuf       string `json:"protobuf"`
	ProtobufLinked string `json:"protobufLinked"`
	ProtobufNote   string `json:"protobufNote,omitempty"`
	Cover          bool   `json:"cover"`
	Target         string `json:"target"`
	TargetKind     string `json:"targetKind"`
	// BinaryArch is the binary's real architecture (from its ELF header)
	// as GOARCH; HostArch the architecture of the machine that ran it.
	BinaryArch string `json:"binaryArch"`
	HostArch   string `json:"hostArch"`
	GOOS       string `json:"goos"`
	// Emulated is true when the binary ran under an emulator (an
	// architecture the machine running it does not execute natively);
	// Emulator says which: "qemu-user", "rosetta", another binfmt_misc
	// handler's name, or "unknown" (the engine VM's handlers cannot be
	// seen).
	Emulated bool   `json:"emulated"`
	Emulator string `json:"emulator,omitempty"`
	// EnvProbe is what an environment probe target (kind "probe")
	// reported from inside the cell.
	EnvProbe *EnvFacts `json:"probe,omitempty"`

	// What the cell was built from, for `gorepro explain` to tell apart
	// what changed between two runs. Source is the VCS state of a package
	// target's module directory (nil outside a git repository and for
	// targets gorepro generates); BuildList every module of the binary's
	// build info; ToolchainBuild the fingerprint of the toolchain's build
	// (Toolchain.Build), which differs between two builds of one Go
	// version.
	Source         *SourceState `json:"source,omitempty"`
	BuildList      []Module     `json:"buildList,omitempty"`
	ToolchainBuild string       `json:"toolchainBuild,omitempty"`
	// GoSource is how the toolchain was made, for kind gosource: which
	// commit, full or fast, built by this run or reused.
	GoSource *GoSource `json:"goSource,omitempty"`
	// Settings are how gorepro built and ran the cell, as the config said:
	// "runs", "timeout", "args", "env" (values redacted), "buildFlags",
	// "buildEnv", "cgo", "pass", "prepare", "modules". A change of
	// them between two runs is a change of gorepro's config, not of the
	// code.
	Settings map[string]string `json:"settings,omitempty"`
	// ToolchainEntry is the cell's toolchain as the config gave it, field
	// by field ("kind", "version", "goroot", "image", ...: config's JSON
	// names; a goroot inside the config's directory relative to it), and
	// TargetEntry the fields of its target that Settings leaves out
	// ("kind", "package", "dockerfile", "stage", "prepareWith", ...) and
	// the build timeout. With Settings they are all of the config that
	// reaches the cell: a change of the toolchain entry is a change of
	// toolchain, not of gorepro's config. Nil in runs made before they
	// were recorded.
	ToolchainEntry map[string]string `json:"toolchainEntry,omitempty"`
	TargetEntry    map[string]string `json:"targetEntry,omitempty"`

	Outcome Outcome `json:"outcome"`
	// Flaky is true when the runs did not all have the same outcome;
	// OutcomeCounts then says how many runs had which.
	Flaky         bool            `json:"flaky,omitempty"`
	OutcomeCounts map[Outcome]int `json:"outcomeCounts,omitempty"`
	// Signature identifies a crash without addresses or goroutine ids, e.g.
	// "fatal error: taggedPointerPack in runtime.netpollopen". Frames are the
	// first meaningful frames of the crashing goroutine.
	Signature string   `json:"signature"`
	Frames    []string `json:"frames,omitempty"`
	// Reason explains unavailable, build-error and fail outcomes in one line.
	Reason string `json:"reason,omitempty"`
	// EngineFailure is, on a cell unavailable because of its container
	// engine, the failure's kind ("registry error", "image absent",
	// "engine down", …: the toolchain's EngineFailure).
	EngineFailure string `json:"engineFailure,omitempty"`
	// Tail and Hint tell why a fail failed: the last lines its run printed
	// (at most five non-empty lines, cut short, secrets redacted) and, when
	// the target has no pass rule, the rule that would pass it.
	Tail []string `json:"tail,omitempty"`
	Hint string   `json:"hint,omitempty"`
	// BuildCrash is set on a build-error cell when a program crashed
	// while the cell was prepared or built (a generator that go run
	// built with the cell's toolchain, the go command, the compiler):
	// not the target's own crash, though often the same bug.
	BuildCrash *BuildCrash `json:"buildCrash,omitempty"`

	Runs       int         `json:"runs"`
	Crashes    int         `json:"crashes"`
	RunResults []RunResult `json:"runResults,omitempty"`

	BuildSeconds float64 `json:"buildSeconds"`
	RunSeconds   float64 `json:"runSeconds"`

	// Cached is true when this cell was not rebuilt or rerun because an
	// identical cell (same CacheKey) had already been recorded.
	Cached   bool   `json:"cached"`
	CacheKey string `json:"cacheKey,omitempty"`
	// Interrupted is true when the run was stopped before this cell finished.
	Interrupted bool `json:"interrupted,omitempty"`

	// Container is the provenance of a cell built with a kind image
	// toolchain: engine, engine host, platform and the exact images.
	Container *Container `json:"container,omitempty"`
	// Dockerfile says which FROM lines of a Dockerfile target gorepro
	// replaced by the cell's images (builderStage, builderFrom,
	// runtimeStage, runtimeFrom), in the copy it built; nil when it
	// built the Dockerfile as it is.
	Dockerfile *DockerfileCopy `json:"dockerfile,omitempty"`
	// KnownIssues are the known upstream issues whose signature this
	// cell's crash matches, checked against the cell's own facts.
	KnownIssues []KnownIssueMatch `json:"knownIssues,omitempty"`
	// Warnings are things that are off but did not stop the cell, such
	// as a toolchain that is not the Go version the config expected.
	Warnings []string `json:"warnings,omitempty"`

	Logs      Logs      `json:"logs"`
	Reproduce Reproduce `json:"reproduce"`
}

// BuildCrash is a crash of a program while a cell was prepared or built.
type BuildCrash struct {
	// Stage is "prepare" (the target's prepare commands), "build" (go
	// build) or StageToolchain.
	Stage string `json:"stage"`
	// Command is the command that failed, as the target wrote it ("go
	// generate ./...", "go build").
	Command string `json:"command"`
	// Program says which program crashed: "the go command", "the
	// compiler", "the linker", or "a program the toolchain built" (a
	// generator that go run or go generate ran).
	Program string `json:"program"`
	// Signature is the crash's signature, as for a cell's crash.
	Signature string   `json:"signature"`
	Frames    []string `json:"frames,omitempty"`
}

// StageToolchain is the BuildCrash stage of a toolchain whose go command
// crashed when gorepro asked its version, before any cell was built.
const StageToolchain = "toolchain"

// String says what crashed in one phrase, e.g. "a program built by the
// toolchain crashed while preparing: taggedPointerPack in
// runtime.netpollopen (go generate ./...)".
func (b BuildCrash) String() string {
	cmd := ""
	if b.Command != "" {
		cmd = " (" + b.Command + ")"
	}
	return b.Short() + cmd
}

// Short is String without the command: "a program built by the toolchain
// crashed while preparing: taggedPointerPack in runtime.netpollopen".
func (b BuildCrash) Short() string {
	while := "while building"
	switch b.Stage {
	case "prepare":
		while = "while preparing"
	case StageToolchain:
		while = "when asked its version"
		if b.Command == "make.bash" {
			while = "while building itself"
		}
	}
	return fmt.Sprintf("%s crashed %s: %s", b.Program, while, strings.TrimPrefix(b.Signature, "fatal error: "))
}

// SourceState is the VCS state of a target's module directory when the
// cell was built.
type SourceState struct {
	VCS    string `json:"vcs"`
	Commit string `json:"commit"`
	// Dirty is true when the directory had changes git would commit
	// (untracked files included, ignored files not): the commit alone
	// does not say what was built.
	Dirty bool `json:"dirty,omitempty"`
	// Time is the commit's author date, CommitTime its committer date
	// when that differs (a rebase, a cherry-pick).
	Time       time.Time `json:"time"`
	CommitTime time.Time `json:"commitTime,omitzero"`
	Subject    string    `json:"subject,omitempty"`
	Author     string    `json:"author,omitempty"`
}

// Module is one module of a binary's build list, as its build info has
// it: path, version and go.sum hash, and what replaced it, if anything
// ("../lib" or "example.com/fork v1.2.3").
type Module struct {
	Path    string `json:"path"`
	Version string `json:"version"`
	Sum     string `json:"sum,omitempty"`
	Replace string `json:"replace,omitempty"`
}

// KnownIssueMatch links a crash to a known upstream issue. Verdict is
// "cause" when every condition of the issue holds for the cell (Go version,
// binary and host architecture, emulation), else "similar".
type KnownIssueMatch struct {
	ID         string   `json:"id"`
	URL        string   `json:"url"`
	Verdict    string   `json:"verdict"`
	Why        []string `json:"why,omitempty"`
	Workaround string   `json:"workaround,omitempty"`
}

// Container records where a cell's container build and runs happened.
type Container struct {
	Engine        string `json:"engine"`
	EngineVersion string `json:"engineVersion"`
	// EngineHostArch is the architecture of the machine the engine runs
	// containers on (a Podman machine's VM), as GOARCH.
	EngineHostArch string `json:"engineHostArch"`
	Platform       string `json:"platform"`
	// BuilderPlatform is where the builder image ran (the engine host's
	// native platform when a runtime image is given).
	BuilderPlatform string `json:"builderPlatform,omitempty"`
	// Image is the builder image as configured, ImageID and ImageDigest
	// what it resolved to, ImageArch the architecture it is for.
	Image       string `json:"image"`
	ImageID     string `json:"imageID"`
	ImageDigest string `json:"imageDigest,omitempty"`
	ImageArch   string `json:"imageArch"`
	// ImagePulled is set when the engine pulled the builder image while
	// this run resolved the toolchain.
	ImagePulled bool `json:"imagePulled,omitempty"`
	// RuntimeImage and its resolution, when binaries run in another image.
	RuntimeImage       string `json:"runtimeImage,omitempty"`
	RuntimeImageID     string `json:"runtimeImageID,omitempty"`
	RuntimeImageDigest string `json:"runtimeImageDigest,omitempty"`
	RuntimeImageArch   string `json:"runtimeImageArch,omitempty"`
}

// DockerfileCopy is the copy of a Dockerfile target's Dockerfile that
// gorepro built for one cell, with FROM images replaced.
type DockerfileCopy struct {
	// Path is the target's Dockerfile, which gorepro never writes; Copy
	// the copy it built (--file) in its work directory, with the target's
	// build context.
	Path string `json:"path"`
	Copy string `json:"copy"`
	// Froms are the FROM lines whose image the copy replaces.
	Froms []FromChange `json:"froms"`
	// Notes say what was asked and left as it is, and why.
	Notes []string `json:"notes,omitempty"`
}

// FromChange is one FROM line whose image was replaced.
type FromChange struct {
	// Line is the line of the FROM in the Dockerfile; Stage its name
	// after AS ("" when it has none).
	Line  int    `json:"line"`
	Stage string `json:"stage,omitempty"`
	// Role is "builder" (the toolchain's builder image replaced it) or
	// "runtime" (its runtime image).
	Role string `json:"role"`
	// From is the image as the Dockerfile writes it, To the image the
	// copy names: pinned (repo@sha256:…, or the image ID of an image no
	// registry knows), so that a tag moved since cannot change it; ToRef
	// is the toolchain's reference To pins ("" when they are the same).
	// Variable is true when From is written with a variable
	// ("${BUILDER}"), replaced whole.
	From     string `json:"from"`
	To       string `json:"to"`
	ToRef    string `json:"toRef,omitempty"`
	Variable bool   `json:"variable,omitempty"`
}

// String says what changed in one line: "line 2 (stage builder): FROM
// registry.access.redhat.com/ubi9/go-toolset:1.25 → localhost/go@sha256:… (builder image localhost/go:1.26)".
func (f FromChange) String() string {
	stage := ""
	if f.Stage != "" {
		stage = " (stage " + f.Stage + ")"
	}
	image := f.Role + " image"
	if f.ToRef != "" && f.ToRef != f.To {
		image += " " + f.ToRef
	}
	return fmt.Sprintf("line %d%s: FROM %s → %s (%s)", f.Line, stage, f.From, f.To, image)
}

// RunResult is one execution of a cell's binary.
type RunResult struct {
	Index    int     `json:"index"`
	Outcome  Outcome `json:"outcome"`
	ExitCode int     `json:"exitCode"`
	// Signal names the signal that killed the process, if one did.
	Signal    string   `json:"signal,omitempty"`
	Seconds   float64  `json:"seconds"`
	Signature string   `json:"signature,omitempty"`
	Frames    []string `json:"frames,omitempty"`
	Reason    string   `json:"reason,omitempty"`
	// Tail and Hint are those of Cell, for this run.
	Tail []string `json:"tail,omitempty"`
	Hint string   `json:"hint,omitempty"`
	// Truncated is true when the captured output was cut (head and tail kept).
	Truncated bool   `json:"truncated,omitempty"`
	Log       string `json:"log,omitempty"`
}

// Logs holds the paths of a cell's logs, relative to the run directory.
type Logs struct {
	Build string   `json:"build,omitempty"`
	Runs  []string `json:"runs,omitempty"`
}

// Reproduce is what a person needs to redo a cell by hand: the commands, the
// directory they run in and the environment that differs from the default.
// Credentials in URLs are redacted. Dir, Env, Build, Run and RunEnv are as
// gorepro ran them on its host (paths in its work directory); Script is
// for another machine: for a build on the host, it starts in the root of a
// checkout of the target's module (or writes the generated reproducer's
// source inline), runs the prepare commands, makes the alternate go.mod in
// a temporary directory with go mod edit, builds and runs there. An image
// toolchain's Script is the engine commands, with gorepro's paths mounted.
type Reproduce struct {
	// Dir is where the build runs; Env the build environment gorepro set
	// and Build the build command.
	Dir   string   `json:"dir,omitempty"`
	Env   []string `json:"env,omitempty"`
	Build []string `json:"build,omitempty"`
	// Run is the command that runs the binary and RunEnv the variables
	// gorepro set for it.
	Run    []string `json:"run,omitempty"`
	RunEnv []string `json:"runEnv,omitempty"`
	// Sources is the run-relative directory holding a copy of what was
	// built when gorepro generated it (the reproducer module, or the
	// alternate go.mod and go.sum of a full-application target).
	Sources string `json:"sources,omitempty"`
	// Script is the same as copy-pasteable shell commands (see above).
	Script string `json:"script,omitempty"`
}

// BuildsComparable reports whether two build fingerprints (Toolchain.Build,
// Cell.ToolchainBuild) can be compared: both are set, and neither is a
// GOROOT's fingerprint of the older scheme ("goroot:", which hashed the
// runtime's sources only) beside one of the current scheme
// ("gorootfiles:"). A run recorded by an older gorepro compared with a
// new one would otherwise show every GOROOT as another build.
func BuildsComparable(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	scheme := func(s string) string { v, _, _ := strings.Cut(s, ":"); return v }
	sa, sb := scheme(a), scheme(b)
	return sa == sb || !(sa == "goroot" && sb == "gorootfiles" || sa == "gorootfiles" && sb == "goroot")
}

package record

// Analysis says, for each target of a run, which axes change the outcome,
// proved by pairs of cells of that target that differ in that axis alone,
// and describes the target's cells that did not pass in as few conditions
// as possible. Each target is its own program, so targets are analysed
// apart and never compared with each other; probe targets (gorepro's
// instrument) take no part. The cells that ran (pass, crash, fail,
// timeout) are compared; build errors are described apart, among every
// cell that was not unavailable (which says nothing about the code), and a
// target with one never "passes".
//
// When two descriptions on different axes fit the cells equally (the
// postmortem's "Go < 1.25.5" and "Red Hat's builds", whose Go versions and
// builds changed together), both are given, with the cell that would tell
// them apart. When a failing and a passing toolchain have the same Go
// version, the analysis says so and shows where the two builds differ.
type Analysis struct {
	// Targets holds one analysis per target that has compared or
	// left-out cells, in the order the targets first appear.
	Targets []TargetAnalysis `json:"targets"`
	// Summary is one line per target with cells that did not pass,
	// "<target>: <TargetAnalysis.Summary>", joined by newlines; when
	// every compared cell passed, one line saying so.
	Summary string `json:"summary"`
}

// TargetAnalysis is the analysis of one target's cells.
type TargetAnalysis struct {
	Target string `json:"target"`
	// Axes are the axes of the target's cells: toolchain, goVersion,
	// protobuf (when every compared cell has a version: "no protobuf" is
	// never a value of it), cover and arch.
	Axes []AxisFinding `json:"axes"`
	// Failing is the smallest description of the cells that did not pass,
	// e.g. "crash iff binaryArch != hostArch and go < go1.25.5", or "no
	// simple description; …" with the values of those cells.
	Failing string `json:"failing"`
	// FailingAxes are the axes Failing's conditions are on.
	FailingAxes []string `json:"failingAxes,omitempty"`
	// Alternatives are descriptions on other axes that fit the cells as
	// well as Failing, whose axes were never varied apart from Failing's:
	// the cells cannot tell them from Failing.
	Alternatives []Alternative `json:"alternatives,omitempty"`
	// BuildErrors describes the build-error cells among all the
	// target's cells that were not unavailable, like Failing: "build-error
	// iff toolchain=patched". Empty when every cell built.
	BuildErrors string `json:"buildErrors,omitempty"`
	// BuildCrashes say which programs crashed while the build-error
	// cells were prepared or built (Cell.BuildCrash), once each: "a program
	// built by the toolchain crashed while preparing: taggedPointerPack in
	// runtime.netpollopen".
	BuildCrashes []string `json:"buildCrashes,omitempty"`
	// Builds are the pairs of toolchains of the same Go version whose
	// cells differ in the toolchain alone and in the outcome: the same Go
	// version, different builds.
	Builds []BuildDifference `json:"builds,omitempty"`
	// Passed is true when every compared cell of the target passed.
	Passed bool `json:"passed,omitempty"`
	// NotTested says which protobuf versions the cells asked for were
	// never built, because the build list overruled them: "protobuf
	// v1.33.0 was not tested for controller: a dependency requires
	// v1.36.10 (required by example.com/dep v0.0.0)". Summary says it too.
	NotTested []string `json:"notTested,omitempty"`
	// Summary is Failing, the alternatives and what tells them apart, the
	// build differences, then what the other axes did, e.g. "…; protobuf
	// version and cover flag never change the outcome".
	Summary string `json:"summary"`
}

// AxisFinding is what changing one axis alone did to a target's outcome.
type AxisFinding struct {
	// Axis is toolchain, goVersion, protobuf (the linked version when
	// known, else the asked one), cover or arch (the binary and host
	// architectures as "amd64/arm64").
	Axis string `json:"axis"`
	// Values are the axis's distinct values among the compared cells; an
	// axis with fewer than two was not varied.
	Values []string `json:"values"`
	// With lists the axes that may change with this one, so that its
	// pairs may differ in them too: a toolchain is a Go version and a
	// build of it, and a Go version cannot change without the toolchain.
	With    []string `json:"with,omitempty"`
	Matters bool     `json:"matters"`
	// Pairs are up to three pairs of cells that differ only in this axis
	// (and in With) and have different outcomes: the proof that the axis
	// matters.
	Pairs []CellPair `json:"pairs,omitempty"`
	// Compared is how many pairs of cells differ only in this axis (and
	// in With), and Changed how many of those have different outcomes.
	Compared int `json:"compared"`
	Changed  int `json:"changed"`
}

// CellPair is two cells that differ only in one axis: A has the worse
// outcome. ValueA and ValueB are their values of that axis.
type CellPair struct {
	A        string  `json:"a"`
	B        string  `json:"b"`
	ValueA   string  `json:"valueA"`
	ValueB   string  `json:"valueB"`
	OutcomeA Outcome `json:"outcomeA"`
	OutcomeB Outcome `json:"outcomeB"`
}

// Alternative is a description of a target's failing cells that fits as
// well as TargetAnalysis.Failing.
type Alternative struct {
	Failing string   `json:"failing"`
	Axes    []string `json:"axes"`
	// Separating says which cell would tell the alternative from Failing,
	// and what each outcome of that cell would mean.
	Separating string `json:"separating"`
}

// BuildDifference is two toolchains of one Go version whose cells, alike
// in every other axis, had different outcomes: Bad's the worse one.
type BuildDifference struct {
	GoVersion   string  `json:"goVersion"`
	Bad         string  `json:"bad"`
	Good        string  `json:"good"`
	BadOutcome  Outcome `json:"badOutcome"`
	GoodOutcome Outcome `json:"goodOutcome"`
	// Differences are where the two builds differ, as recorded in the
	// run's toolchains: "GOROOT /a vs /b", "image digest sha256:… vs …",
	// "GOAMD64 v3 vs v1".
	Differences []string `json:"differences"`
	// Files says which files of the two GOROOTs differ, when both
	// toolchains' manifests were recorded.
	Files *FileDifference `json:"files,omitempty"`
	// Also are the other pairs of toolchains of GoVersion, with the same
	// outcomes, between which exactly Files differ (the same builds under
	// other names, such as several tags of two images): the difference is
	// said once for all of them. Their Differences are not kept.
	Also []BuildPair `json:"also,omitempty"`
}

// BuildPair names two toolchains, the bad and the good one.
type BuildPair struct {
	Bad  string `json:"bad"`
	Good string `json:"good"`
}

// FileDifference is what differs between the GOROOTs of two builds of one
// Go version, by the content hashes of their src/ and pkg/tool/ files.
type FileDifference struct {
	// Total is how many files the two have together; Changed are those in
	// both with different content, OnlyBad and OnlyGood those in one.
	Total    int      `json:"total"`
	Changed  []string `json:"changed,omitempty"`
	OnlyBad  []string `json:"onlyBad,omitempty"`
	OnlyGood []string `json:"onlyGood,omitempty"`
	// Diffs are unified diffs from the good build to the bad one of the
	// small differing Go sources whose two contents could be read.
	Diffs []FileDiff `json:"diffs,omitempty"`
}

// FileDiff is a unified diff of one file.
type FileDiff struct {
	Path string `json:"path"`
	Diff string `json:"diff"`
}

package record

// Explain is what `gorepro explain BASE NEW` found: for every cell whose
// verdict changed between two stored runs, what changed in its inputs and
// which change did it. The run that holds it has the probe cells in Cells.
type Explain struct {
	// Base and New are the runs compared, as IDs and paths.
	Base RunRef `json:"base"`
	New  RunRef `json:"new"`
	// Explanations has one entry per cause; cells with one cause share it.
	Explanations []Explanation `json:"explanations"`
	// Skipped lists changed cells that were not explained here, each with
	// why (for example, they ran on another architecture).
	Skipped []SkippedCell `json:"skipped,omitempty"`
	// Builds counts the probe cells built (cache hits excluded).
	Builds int `json:"builds"`
}

// RunRef names a stored run.
type RunRef struct {
	ID   string `json:"id"`
	Path string `json:"path"`
}

// SkippedCell is a changed cell explain left alone, and why.
type SkippedCell struct {
	CellID string `json:"cellID"`
	Change string `json:"change"`
	Reason string `json:"reason"`
}

// The kinds of cause an Explanation names.
const (
	CauseCommit         = "commit"          // a commit of the target's source
	CauseModule         = "module"          // a module version of the build list
	CauseGoVersion      = "go-version"      // a Go release
	CauseToolchainBuild = "toolchain-build" // same Go version, different build
	CauseGoCommit       = "go-commit"       // a commit of Go, between two releases or two gosource toolchains
	CauseConfig         = "config"          // gorepro's config or version only
	CauseUnexplained    = "unexplained"     // no recorded change, or no proof
)

// Explanation is the cause of the change of one or more cells.
type Explanation struct {
	// Cells are the changed cells (IDs in both runs) this cause explains;
	// Change is their change kind ("new-crash", "fixed", ...) and
	// Direction "regression" (good → bad) or "fix" (bad → good).
	Cells     []string `json:"cells"`
	Change    string   `json:"change"`
	Direction string   `json:"direction"`
	// Signature is set when a crash signature changed: a cell that crashed
	// with signature A in BASE and with B in NEW has two explanations,
	// one for A gone (Direction "fix", Signature A) and one for B new
	// ("regression", B), each with its own cause.
	Signature string `json:"signature,omitempty"`
	// Changed lists what differs between the two cells' recorded inputs,
	// one line per kind ("commit 1a2b3c → 4d5e6f (8 commits)", "3
	// modules: ...", "toolchain build ...", "config ...").
	Changed []string `json:"changed"`
	// Kind is the kind of cause (Cause*), Culprit the cause in one line
	// ("commit 4d5e6f \"lazy-init the map\" by Dev <dev@example.com>",
	// "example.com/lib v1.2.0"), and Explained whether the probes prove it.
	Kind      string `json:"kind"`
	Culprit   string `json:"culprit"`
	Explained bool   `json:"explained"`
	// Reason says why the change could not be explained, or what is
	// missing to explain it (versions with no toolchain).
	Reason string `json:"reason,omitempty"`
	// Commit is the culprit commit: of the target's source (CauseCommit)
	// or of Go (CauseGoCommit); Module and Version the culprit module
	// version, or Version the Go release (CauseGoVersion, and
	// CauseGoCommit found between two releases).
	Commit *SourceState `json:"commit,omitempty"`
	// Before is the commit right before the culprit on the searched
	// history (its last good, or last bad, commit), of the target's
	// source or of Go.
	Before  string `json:"before,omitempty"`
	Module  string `json:"module,omitempty"`
	Version string `json:"version,omitempty"`
	// Steps are the searches and cross-checks that led to the culprit, in
	// order, each with its conclusion.
	Steps []ExplainStep `json:"steps,omitempty"`
	// Evidence are the cells on both sides of the culprit: the probes that
	// prove it (or the two stored cells when nothing needed building).
	Evidence []Evidence `json:"evidence,omitempty"`
	// SideBySide holds, for a toolchain build change, what each side's
	// toolchain was: go env, GOROOT, build fingerprint, image digests.
	SideBySide []SideBySide `json:"sideBySide,omitempty"`
	// Files says which GOROOT files differ between BASE's toolchain (the
	// good side of FileDifference when the change is a regression) and
	// NEW's, when both runs stored their manifests.
	Files *FileDifference `json:"files,omitempty"`
	// Builds counts the probe cells built for this explanation.
	Builds int `json:"builds"`
}

// ExplainStep is one search or cross-check of an explanation.
type ExplainStep struct {
	// What is done, e.g. "bisect commits 1a2b3c..4d5e6f" or "NEW's source
	// with BASE's toolchain".
	What       string `json:"what"`
	Conclusion string `json:"conclusion"`
	// Probes are the probe cell IDs, in the order they ran.
	Probes []string `json:"probes,omitempty"`
	Builds int      `json:"builds"`
}

// Evidence is one cell on one side of a culprit.
type Evidence struct {
	// Side is "before" or "after" the culprit (the base run's side or the
	// new run's for stored cells); Input the input value it was built
	// from (a commit, module version, toolchain).
	Side      string  `json:"side"`
	Input     string  `json:"input"`
	CellID    string  `json:"cellID"`
	Outcome   Outcome `json:"outcome"`
	Signature string  `json:"signature,omitempty"`
	// Stored is true for a cell of BASE or NEW rather than a probe.
	Stored bool `json:"stored,omitempty"`
}

// SideBySide is one field of the two toolchains compared.
type SideBySide struct {
	Field string `json:"field"`
	Base  string `json:"base"`
	New   string `json:"new"`
}

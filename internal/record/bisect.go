package record

import "time"

// The directions of a bisection's flip and of an explanation's change.
const (
	DirectionRegression = "regression" // good before, bad after
	DirectionFix        = "fix"        // bad before, good after
)

// Bisect is the record of a `gorepro bisect` run, stored in results.json
// next to the cells its probes built: what was searched, and the search
// (BisectSearch, whose fields are stored inline).
type Bisect struct {
	// Axis is what was bisected: "protobuf", "module:PATH", "go",
	// "toolchain" or "commit". Fixed holds what every probe shared: the
	// other axes of the cell at one value each ("target", "cover", "arch",
	// "protobuf" unless bisected, "toolchain" unless the axis is go or
	// toolchain) and "runs", the runs per probe.
	Axis  string            `json:"axis"`
	Fixed map[string]string `json:"fixed"`
	// BadIf is the predicate that made a run bad (--bad-if).
	BadIf string `json:"badIf"`
	BisectSearch
	// Reproduce holds, for each side of the boundary ("before", "after"),
	// the commands that build and run it.
	Reproduce map[string]string `json:"reproduce,omitempty"`
	// Commits holds, on the commit axis, the commit of each side of the
	// boundary ("before", "after") with its subject and author.
	Commits map[string]SourceState `json:"commits,omitempty"`
	// GoBuilds counts, on the go-commit axis, the Go toolchains the
	// bisection built.
	GoBuilds *GoBuilds `json:"goBuilds,omitempty"`
	// Images is, on the image axis, the images of the boundary, what
	// differs between their Go installations and the pulls made.
	Images *BisectImages `json:"images,omitempty"`
}

// BisectImages is what a bisection of a repository's image history says
// about its images: the boundary's two images (Before, After), where
// their toolchains differ, and which candidates' images were pulled.
type BisectImages struct {
	// Repository is the repository searched (--image).
	Repository string `json:"repository"`
	// Before and After are the images of the boundary's sides; nil
	// without a boundary.
	Before *BisectImage `json:"before,omitempty"`
	After  *BisectImage `json:"after,omitempty"`
	// Build is where the toolchains of the boundary's bad and good image
	// differ when both have one Go version ("same Go version, different
	// build"), as the analysis says it of two builds; nil otherwise.
	Build *BuildDifference `json:"build,omitempty"`
	// Pulled are the candidates whose image the engine pulled (each at
	// most once), Pulls how many, and PullBound the most a search of the
	// candidates without skipped ones pulls: ceil(log2 n) + 2.
	Pulled    []string `json:"pulled"`
	Pulls     int      `json:"pulls"`
	PullBound int      `json:"pullBound"`
	// Reference is set when a second repository was given (--image
	// twice: the vendor's, then upstream's): its images of the boundary's
	// Go versions, run as separating cells, and what they show.
	Reference *ImageReference `json:"reference,omitempty"`
}

// ImageReference is what a second repository's images of the boundary's
// Go versions show about an image bisection's flip: whether the vendor's
// build or the Go version matters.
type ImageReference struct {
	// Repository is the second --image.
	Repository string `json:"repository"`
	// Probes are its images probed, one per Go version of the boundary
	// that it has (its newest build of it).
	Probes []ReferenceProbe `json:"probes"`
	// Matters is "build" (the vendor's build, not the Go version),
	// "version" (the Go version, whoever built it), "both" (the Go
	// version, and the vendor's build of the good side's version differs
	// from the reference's) or "undecided"; Verdict says it in a clause.
	Matters string `json:"matters"`
	Verdict string `json:"verdict"`
}

// ReferenceProbe is one separating probe: a reference image and its
// judged cell.
type ReferenceProbe struct {
	Image BisectImage `json:"image"`
	Probe BisectProbe `json:"probe"`
}

// BisectImage is one image of a bisected repository: a build.
type BisectImage struct {
	// Tag is the candidate's name (the image's most specific tag), Tags
	// every tag naming the image, Ref the image pinned by digest
	// (repo:tag@sha256:…).
	Tag    string   `json:"tag"`
	Tags   []string `json:"tags"`
	Digest string   `json:"digest"`
	Ref    string   `json:"ref"`
	// GoVersion is the Go version the image's config names; Created when
	// it was built.
	GoVersion string    `json:"goVersion"`
	Created   time.Time `json:"created"`
}

// GoBuilds counts the Go toolchains a go-commit bisection built: full
// (make.bash) and fast (the library of a commit on a built commit's
// tools); toolchains taken from the cache are not counted. Redone is set
// when a full build of the boundary disagreed with a fast one and the
// search was done again with full builds only.
type GoBuilds struct {
	Full   int  `json:"full"`
	Fast   int  `json:"fast"`
	Redone bool `json:"redone,omitempty"`
}

// BisectSearch is the stored form of a search over candidates: what
// package bisect's Search found, with what gorepro knows of each probe's
// cell, under the JSON names results.json has always had. The model does
// not depend on the public library: package bisectrecord converts a
// search's result into this form.
type BisectSearch struct {
	// Candidates are the candidates searched, in order.
	Candidates []string `json:"candidates"`
	// Probes are the probes in the order they ran.
	Probes []BisectProbe `json:"probes"`
	// Skipped lists the candidates judged skip, in candidate order.
	Skipped []string `json:"skipped"`
	// Direction is DirectionRegression (Before good, After bad) or
	// DirectionFix (Before bad, After good); "" when undecided.
	Direction string `json:"direction"`
	// Boundary is the adjacent pair of candidates (among those not
	// skipped) where the verdict flips; nil when the target is flaky or
	// nothing was decided.
	Boundary *BisectBoundary `json:"boundary"`
	// Between lists the skipped candidates strictly between
	// Boundary.Before and Boundary.After: the flip may be at any of them.
	Between []string `json:"between,omitempty"`
	// Builds counts the probes that really built a cell (cache hits
	// excluded), re-confirmations and an image bisection's separating
	// cells included.
	Builds int `json:"builds"`
	// Flaky is true when a re-confirmation disagreed with the first probe
	// of its candidate; FlakyVersions lists those candidates.
	Flaky         bool     `json:"flaky"`
	FlakyVersions []string `json:"flakyVersions,omitempty"`
	// Conclusion is one line, e.g. "fix: first good v1.35.0 (last bad
	// v1.34.2)" or "flaky: ...".
	Conclusion string `json:"conclusion"`
}

// BisectBoundary is where a bisection's verdict flips: the last candidate
// with the first verdict (Before) and the next one judged (After).
type BisectBoundary struct {
	Before string `json:"before"`
	After  string `json:"after"`
}

// BisectProbe is one probe of a bisection: the cell built and run for one
// candidate, and its verdict.
type BisectProbe struct {
	// Version is the candidate probed.
	Version string `json:"version"`
	// Outcome is the cell's (worst) outcome.
	Outcome Outcome `json:"outcome"`
	// Verdict is "good", "bad" or "skip" (the candidate could not be
	// judged).
	Verdict string `json:"verdict"`
	// Signature is the signature of the first bad run, or the cell's.
	Signature string `json:"signature,omitempty"`
	// Runs is the number of runs judged, BadRuns how many were bad.
	Runs    int `json:"runs"`
	BadRuns int `json:"badRuns"`
	// Built is true when the cell was really built (false for a cache
	// hit). NotRun is true when the cell was neither built nor taken from
	// the cache: its toolchain could not be found or used.
	Built  bool `json:"built"`
	NotRun bool `json:"notRun,omitempty"`
	// Confirmation is true for a re-confirmation probe of the boundary.
	Confirmation bool `json:"confirmation,omitempty"`
	// CellID is the ID of the probe's cell among the run's cells.
	CellID string `json:"cellID,omitempty"`
	// Reason is the cell's reason: why it was skipped, or why it failed.
	Reason string `json:"reason,omitempty"`
	// Toolchain is, on the go-commit axis, how the probe's Go toolchain
	// was made: "full, built in 212s", "fast on the tools of …, reused".
	Toolchain string `json:"toolchain,omitempty"`
}

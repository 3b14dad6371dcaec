// Package wording holds every sentence gorepro writes about its findings
// that is stored with a run, and the small text helpers every report is
// made of. Package compare decides (which axes matter, which cells
// changed) and returns the decision as structure; it calls this package at
// the point where it fills record.Analysis and compare.Comparison, whose
// sentences are part of results.json and diff.json. Package report and its
// renderers use the same helpers, so one wording serves the stored
// documents and what people read.
//
// # What it says
//
// The analysis of a target (record.TargetAnalysis): its failing cells as
// conditions joined by "and" ("crash iff binaryArch != hostArch and go <
// go1.25.5", GoBelow, ArchForeign, Equals, In, Iff), or the cells listed
// when no condition fits (NoSimpleDescription, CellTuple, CellTuples);
// which cell would tell two equal descriptions apart (TryCell,
// AnotherBuild, NoCombination); the same Go version in two builds
// (SameVersionDifferentBuild, ToolchainDifferences, FileDifference); what the other axes
// did (ChangesOutcome, NeverChange, NeverVariedAlone, NotVaried); the
// protobuf versions never built (NotTested) and the cells left out
// (LeftOut). Summary joins the clauses of a target's summary and
// AnalysisSummary the lines of a run's.
//
// A comparison of two runs: its warnings (DifferentConfigs,
// DifferentSchemas, DuplicateCells) and its one-line summary
// (ComparisonSummary).
//
// # Helpers
//
// OrDash, OneLine, JoinWords, Plural and Thousands: one of each, for
// every package that writes text for people.
package wording

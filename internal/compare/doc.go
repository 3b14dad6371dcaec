// Package compare works out what runs mean: which axes of a run change
// each target's outcome (Analyze) and which cells changed between two
// runs (Diff).
//
// # Which axes matter
//
// Analyze analyses each target apart (each is its own program; probe
// targets take no part). An axis changes the outcome only when two cells
// of one target that differ in it alone have different outcomes (a
// toolchain may bring its Go version along: a Go version cannot change
// without the toolchain). The cells that did not pass are described in as
// few conditions as possible ("crash iff binaryArch != hostArch and go <
// go1.25.5"). When descriptions on other axes fit as well and the cells
// never varied those axes apart, they are given too, with the cell that
// would tell them apart; when a failing and a passing toolchain have one Go
// version, the analysis says where the two builds differ.
//
// # Diff
//
// Diff matches the cells of two runs by ID and classifies every change of
// outcome (new-crash, fixed, new-flaky, signature-changed, only-in-base,
// …) for nightly jobs and `gorepro diff`. ExplainChanges and ExplainFiles
// hand a comparison and a toolchains' file difference to package explain,
// which cannot import this package (this one imports it).
//
// # Decisions here, sentences in report/wording
//
// This package decides; it writes no sentence of its own. The analysis
// and the comparison are stored (results.json, diff.json) with their
// sentences, so Analyze and Diff call package report/wording where they
// fill record.Analysis and Comparison: the conditions of a description,
// the cell that tells two apart, where two builds differ, the warnings
// and Comparison.Summary are all worded there, with the same helpers the
// reports use.
package compare

// Package report renders runs and comparisons for people and tools: the
// terminal table with its known-issue and analysis lines (WriteText), a
// Markdown bug report laid out like the golang/go issue template and kept
// under GitHub's comment limit (WriteMarkdown), JSON (WriteJSON), JUnit
// valid under the Jenkins schema (WriteJUnit) and a self-contained HTML
// page (WriteHTML). Every run format goes through one registry (Formats,
// RendererFor), and so do the formats of a comparison (DiffFormats,
// DiffRendererFor). Renderers read a run's logs from an fs.FS to quote
// them, and pass everything taken from the run through package redact.
//
// # Facts once, worded per format
//
// What both the Markdown report and the HTML page state about a run — its
// toolchains (derived from the cells for runs recorded before gorepro
// stored them), how long it took, the container engines, where binaries
// ran natively or under emulation, the images of a container toolchain,
// the order of go env variables — is derived once by newRunFacts
// (facts.go); each format words it its own way. The Markdown report is
// written section by section, one file per section of the Go issue
// template: markdown_goversion.go ("What version of Go"),
// markdown_environment.go (OS, processor, go env), markdown_whatwasdone.go
// (the matrix, the reproducer's source, the commands),
// markdown_whathappened.go (known issues, pivot tables),
// markdown_crashes.go and markdown_outcomes.go (crash signatures, other
// outcomes), markdown_expected.go (what was expected, every cell).
//
// The sentences stored with a run (the analysis, a comparison's warnings
// and summary) and the small text helpers are in subpackage wording.
//
// The text commands print around their work is here too, so that report
// owns every sentence: check's verdict line (CheckLine), a bisection's
// probes and conclusion (WriteBisectText), the toolchains table
// (WriteToolchains) and what merge says about its inputs (MergeNotes).
package report

// Package report renders runs and comparisons for people and tools: the
// terminal table with its known-issue and analysis lines (WriteText), a
// Markdown bug report laid out like the golang/go issue template and kept
// under GitHub's comment limit (WriteMarkdown), JSON (WriteJSON), JUnit
// valid under the Jenkins schema (WriteJUnit) and a self-contained HTML
// page (WriteHTML). Every run format goes through one registry (Formats,
// RendererFor), and so do the formats of a comparison (DiffFormats,
// DiffRendererFor). Renderers read a run's logs from an fs.FS to quote
// them, and pass everything taken from the run through package redact.
// The text commands print around their work is here too, so that report
// owns every sentence: check's verdict line (CheckLine), a bisection's
// probes and conclusion (WriteBisectText), the toolchains table
// (WriteToolchains) and what merge says about its inputs (MergeNotes).
package report

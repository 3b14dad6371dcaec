// Package record defines what gorepro records of a run, the document
// written to results.json: one Run with a Cell per combination of
// toolchain, protobuf version, cover flag, target and architecture, each
// with its Outcome, crash signature, runs, logs and the commands that
// reproduce it, plus the toolchains as resolved, the bisection (Bisect)
// and the analysis of which axes matter (Analysis) when there is one.
//
// It is the model only: reading a results.json and checking its schema
// version (ReadFile) is here, storing run directories is package
// runstore's, rendering is package report's, comparing and analysing runs
// is package compare's. SchemaVersion says which shape of the document a
// gorepro writes; a field that changes meaning or disappears changes it.
//
// The model depends on no other gorepro package, the public library
// included: a bisection's search is stored as its own BisectSearch (the
// search's result with each probe's cell), and package bisectrecord
// converts package bisect's Result into it where a bisection becomes a
// record.
package record

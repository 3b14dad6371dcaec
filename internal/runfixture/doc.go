// Package runfixture holds what the tests of the run packages (record,
// compare, report, runstore) share: synthetic cells over chosen axes
// (Grid, PostmortemCells), a sample run with one cell of each kind the
// renderers treat differently (SampleRun), the two real recorded runs in
// testdata (Recorded, RecordedPair; see testdata/recorded-src/README.md),
// golden files (CheckGolden, rewritten by go test -update in every
// package that uses it) and fuzz seeds from files (AddFuzzSeeds).
//
// It is test support: its helpers report failures through testing.TB.
package runfixture

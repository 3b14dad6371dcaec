// Package runstore keeps run directories: <out>/<run-id>/ with
// results.json, results.md, junit.xml, report.html and the cells' files
// under cells/<cell-id>/, written under a temporary name and renamed into
// place when complete (Store, Draft: a run being written), with
// <out>/latest pointing at the newest run. Load reads a run back from a
// run directory, a results.json or a results root; Merge and
// Draft.CopyMerged put the shards of a distributed run (`gorepro matrix
// --shard k/n`) back together, refusing inputs that do not make one
// matrix.
//
// runstore only stores: it depends on the model (package record) and
// never renders or analyses. The reports that Draft.Commit writes are
// bytes the caller rendered (package runlife renders them from the run,
// analyses it and commits, in one place), and a comparison with a
// baseline is files the caller wrote with Draft.WriteFile.
package runstore

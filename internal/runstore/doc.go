// Package runstore keeps run directories: <out>/<run-id>/ with
// results.json, results.md, junit.xml, report.html and the cells' logs
// under cells/<cell-id>/, written under a temporary name and renamed into
// place when complete (Store, Draft: a run being written), with <out>/latest pointing at the
// newest run. Load reads a run back from a run directory, a results.json
// or a results root; Merge and WriteMerged put the shards of a
// distributed run (`gorepro matrix --shard k/n`) back together, refusing
// inputs that do not make one matrix.
package runstore

package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gorepro/gorepro/internal/runstore"
)

// cmdCells is the script command `cells RUN...`: it prints the cells of the
// runs (anything runstore.Load accepts), all together, one line per cell,
// sorted: "id outcome signature". A cell twice in the runs prints twice, so
// `cmp stdout` against an unsharded run's lines proves that shards cover
// every cell exactly once. It fails when a log or the sources a cell
// records are missing from its run directory.
func cmdCells(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: cells RUN...")
	}
	var lines []string
	for _, arg := range args {
		run, dir, err := runstore.Load(ts.MkAbs(arg))
		ts.Check(err)
		for _, c := range run.Cells {
			files := append([]string{c.Logs.Build, c.Reproduce.Sources}, c.Logs.Runs...)
			for _, f := range files {
				if f == "" {
					continue
				}
				if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
					ts.Fatalf("cells: %s: cell %s: %v", arg, c.ID, err)
				}
			}
			lines = append(lines, strings.TrimSpace(fmt.Sprintf("%s %s %s", c.ID, c.Outcome, c.Signature)))
		}
	}
	slices.Sort(lines)
	for _, l := range lines {
		fmt.Fprintln(ts.Stdout(), l)
	}
}

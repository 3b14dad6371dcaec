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

// cmdWrap is the script command `wrap FORM IN OUT`: it writes IN to OUT the
// way logs reach bug reports, so that scripts can hand gorepro diagnose a
// real crash's output in the forms people paste. The forms:
//   - gha: GitHub Actions timestamps on every line, the first line cut
//     inside its timestamp (a paste that starts mid-line);
//   - buildkit: BuildKit step prefixes ("#6 0.088 ") after a step header;
//   - logcat: Android logcat threadtime headers with the tag Go, and lines
//     of a second tag, GoLog, interleaved;
//   - markdown: in a code fence, with a stray backtick glued to the first
//     line.
func cmdWrap(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: wrap gha|buildkit|logcat|markdown IN OUT")
	}
	lines := strings.Split(strings.TrimSuffix(ts.ReadFile(args[1]), "\n"), "\n")
	var b strings.Builder
	switch args[0] {
	case "gha":
		for i, l := range lines {
			stamp := fmt.Sprintf("2026-12-01T09:16:43.%07dZ ", 6370024+i)
			if i == 0 {
				stamp = stamp[17:] // "3.6370024Z ": cut inside the timestamp
			}
			b.WriteString(stamp + l + "\n")
		}
	case "buildkit":
		b.WriteString("#6 [2/3] RUN /app/controller\n")
		for i, l := range lines {
			fmt.Fprintf(&b, "#6 %d.%03d %s\n", i/1000, i%1000, l)
		}
	case "logcat":
		for i, l := range lines {
			if i%4 == 1 {
				fmt.Fprintf(&b, "12-01 09:16:43.%03d 11258 11352 I GoLog   : worker %d idle\n", i%1000, i)
			}
			fmt.Fprintf(&b, "12-01 09:16:43.%03d 11258 11351 E Go      : %s\n", i%1000, l)
		}
	case "markdown":
		b.WriteString("Here is the crash:\n\n```\n`" + strings.Join(lines, "\n") + "\n```\n")
	default:
		ts.Fatalf("wrap: unknown form %q", args[0])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte(b.String()), 0o644))
}

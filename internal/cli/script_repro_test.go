package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gorepro/gorepro/internal/classify"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runstore"
)

// cmdReproScript is the script command `reproscript RUN CELL json|markdown
// OUT`: it writes to OUT the commands that reproduce cell CELL of the run
// RUN, as a person copies them: the cell's reproduce script from
// results.json, or the sh block under the cell's "Commands …" heading of
// results.md.
func cmdReproScript(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: reproscript RUN CELL json|markdown OUT")
	}
	run, dir, err := runstore.Load(ts.MkAbs(args[0]))
	ts.Check(err)
	var script string
	switch args[2] {
	case "json":
		c := findCell(ts, run, args[1])
		script = c.Reproduce.Script
	case "markdown":
		md, err := os.ReadFile(filepath.Join(dir, "results.md"))
		ts.Check(err)
		script = markdownCommands(ts, string(md), args[1])
	default:
		ts.Fatalf("reproscript: %q is neither json nor markdown", args[2])
	}
	if strings.TrimSpace(script) == "" {
		ts.Fatalf("reproscript: cell %s has no reproduce commands", args[1])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[3]), []byte(script+"\n"), 0o644))
}

// markdownCommands returns the sh block that follows the <details>
// summary of cell id's commands in a results.md.
func markdownCommands(ts *testscript.TestScript, md, id string) string {
	_, rest, ok := strings.Cut(md, "<summary>Commands ")
	for ok && !strings.Contains(strings.SplitN(rest, "\n", 2)[0], "<code>"+id+"</code>") {
		_, rest, ok = strings.Cut(rest, "<summary>Commands ")
	}
	if !ok {
		ts.Fatalf("reproscript: results.md shows no commands of cell %s", id)
	}
	m := regexp.MustCompile("(?s)\n(`{3,})sh\n(.*?)\n`{3,}\n").FindStringSubmatch(rest)
	if m == nil {
		ts.Fatalf("reproscript: no sh block after the commands of cell %s in results.md", id)
	}
	return m[2]
}

// cmdRunRepro is the script command `runrepro RUN CELL SCRIPT DIR`: it
// runs SCRIPT with `bash -euo pipefail` in DIR, in a fresh environment
// without gorepro's (no GOREPRO_CACHE), classifies what it printed as the
// matrix classifies a run, prints "CELL outcome signature", and fails
// unless outcome and signature are those CELL of RUN recorded.
func cmdRunRepro(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: runrepro RUN CELL SCRIPT DIR")
	}
	run, _, err := runstore.Load(ts.MkAbs(args[0]))
	ts.Check(err)
	c := findCell(ts, run, args[1])
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOREPRO_") {
			env = append(env, kv)
		}
	}
	for _, k := range []string{"HOME", "PATH", "GOCACHE", "GOMODCACHE", "GOPATH", "GOPROXY", "GOSUMDB", "GONOSUMDB", "GOPRIVATE", "GOINSECURE"} {
		if v := ts.Getenv(k); v != "" {
			env = proc.Environ(env, k+"="+v)
		}
	}
	// The outcome is judged on what the last command (the run of the
	// binary) printed: a prepare or build step that dies of the same crash
	// (a generator built by a crashing toolchain) must not pass for it.
	script, err := os.ReadFile(ts.MkAbs(args[2]))
	ts.Check(err)
	lines := strings.Split(strings.TrimRight(string(script), "\n"), "\n")
	last := len(lines) - 1
	for last > 0 && (strings.TrimSpace(lines[last]) == "" || strings.HasPrefix(strings.TrimSpace(lines[last]), "#")) {
		last--
	}
	const ranMarker = "gorepro-runrepro: the steps before the run succeeded"
	marked := slices.Concat(lines[:last], []string{"echo '" + ranMarker + "'"}, lines[last:])
	markedPath := ts.MkAbs(args[2] + ".marked")
	ts.Check(os.WriteFile(markedPath, []byte(strings.Join(marked, "\n")+"\n"), 0o644))
	res, err := proc.Run(context.Background(), proc.Cmd{
		Argv:    []string{"bash", "-euo", "pipefail", markedPath},
		Dir:     ts.MkAbs(args[3]),
		Env:     env,
		Timeout: 5 * time.Minute,
	})
	ts.Check(err)
	ts.Logf("runrepro: exit status %d:\n%s", res.ExitCode, res.Output)
	_, runOutput, ok := bytes.Cut(res.Output, []byte(ranMarker+"\n"))
	if !ok {
		ts.Fatalf("runrepro: a step before the run of the binary failed (exit status %d)", res.ExitCode)
	}
	v := classify.Classify(classify.Input{Output: runOutput, ExitCode: res.ExitCode, Signal: res.Signal, TimedOut: res.TimedOut})
	fmt.Fprintln(ts.Stdout(), strings.TrimSpace(fmt.Sprintf("%s %s %s", c.ID, v.Outcome, v.Signature)))
	if v.Outcome != c.Outcome || v.Signature != c.Signature {
		ts.Fatalf("runrepro: the commands gave %s %q, the cell recorded %s %q", v.Outcome, v.Signature, c.Outcome, c.Signature)
	}
}

// findCell returns the cell id of run, failing the script without it.
func findCell(ts *testscript.TestScript, run *record.Run, id string) record.Cell {
	for _, c := range run.Cells {
		if c.ID == id {
			return c
		}
	}
	ts.Fatalf("no cell %s in the run", id)
	return record.Cell{}
}

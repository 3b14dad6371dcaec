package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"

	"github.com/gorepro/gorepro/internal/modtree"
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

// cmdModProxy is the script command `modproxy SRC OUT`: it turns the
// module trees SRC/<path>@<version> into a GOPROXY=file://OUT module proxy
// (list, .info, .mod and .zip of every version), so that scripts can
// bisect module versions the test writes itself, with no network.
func cmdModProxy(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: modproxy SRC OUT")
	}
	src, out := ts.MkAbs(args[0]), ts.MkAbs(args[1])
	versions := map[string][]string{}
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() || !strings.Contains(d.Name(), "@") {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		path, v, _ := strings.Cut(filepath.ToSlash(rel), "@")
		escaped, err := module.EscapePath(path)
		if err != nil {
			return err
		}
		dir := filepath.Join(out, filepath.FromSlash(escaped), "@v")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		mv := module.Version{Path: path, Version: v}
		modData, err := os.ReadFile(filepath.Join(p, "go.mod"))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, v+".mod"), modData, 0o644); err != nil {
			return err
		}
		info := fmt.Sprintf(`{"Version":%q,"Time":"2026-01-01T00:00:00Z"}`, v)
		if err := os.WriteFile(filepath.Join(dir, v+".info"), []byte(info), 0o644); err != nil {
			return err
		}
		zf, err := os.Create(filepath.Join(dir, v+".zip"))
		if err != nil {
			return err
		}
		if err := modzip.CreateFromDir(zf, mv, p); err != nil {
			zf.Close()
			return err
		}
		versions[dir] = append(versions[dir], v)
		if err := zf.Close(); err != nil {
			return err
		}
		return filepath.SkipDir
	})
	ts.Check(err)
	for dir, vs := range versions {
		ts.Check(os.WriteFile(filepath.Join(dir, "list"), []byte(strings.Join(vs, "\n")+"\n"), 0o644))
	}
}

// cmdGorootCopy is the script command `gorootcopy SRC DST`: DST becomes a
// copy of the Go tree SRC, hard links where the two share a file system
// (as internal/crashfixture makes the injected GOROOT). A script must
// remove a file of DST before it writes one there: writing through a hard
// link would change SRC.
func cmdGorootCopy(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: gorootcopy SRC DST")
	}
	ts.Check(modtree.Copy(ts.MkAbs(args[0]), ts.MkAbs(args[1]), modtree.CopyOptions{Link: true, KeepHidden: true}))
}

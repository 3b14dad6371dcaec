// Package faults is gorepro's fault suite (make faults): it runs the real
// gorepro binary against hostile programs, signals, full and read-only
// disks, a shared cache, crafted run directories and a container engine
// that dies mid-run, and checks for each scenario that nothing was lost
// (finished cells are stored, no partial run directory remains) and
// nothing leaked (no process, container, worktree or temporary
// directory). It prints a table: scenario, expected, observed.
//
// It runs only when GOREPRO_FAULTS=1 (make faults sets it);
// GOREPRO_FAULTS_RUNS=N runs each scenario N times with one fixture (make
// stress runs the leak scenarios so, under CPU load). Scenarios that
// need root (mounting small file systems) or a container engine say
// "skipped" and why; with GOREPRO_REQUIRE_ENGINE=1 (CI) a missing engine
// fails the engine scenario instead.
package faults

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
)

// row is one line of the table.
type row struct {
	scenario, expected, observed string
	ok, skipped                  bool
}

// table collects the rows; TestMain prints it.
type table struct {
	mu   sync.Mutex
	rows []row
}

func (tb *table) add(r row) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.rows = append(tb.rows, r)
}

// print writes the table to w.
func (tb *table) print(w *os.File) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tEXPECTED\tOBSERVED\tRESULT")
	for _, r := range tb.rows {
		result := "ok"
		switch {
		case r.skipped:
			result = "skipped"
		case !r.ok:
			result = "FAILED"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.scenario, r.expected, r.observed, result)
	}
	_ = tw.Flush()
}

// TestFaults runs every scenario.
func TestFaults(t *testing.T) {
	if os.Getenv("GOREPRO_FAULTS") != "1" {
		t.Skip("the fault suite runs with GOREPRO_FAULTS=1 (make faults)")
	}
	suite := &table{}
	// The table goes to stdout at the end (make faults runs go test -v).
	defer func() {
		fmt.Println()
		suite.print(os.Stdout)
	}()
	runs := 1
	if v := os.Getenv("GOREPRO_FAULTS_RUNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("GOREPRO_FAULTS_RUNS=%q: want a whole number of runs, at least 1", v)
		}
		runs = n
	}
	f := newFixture(t)
	for range runs {
		for _, sc := range scenarios() {
			// Runs after the first are named "<scenario>#01", …: select
			// them with a -run pattern without a trailing $.
			t.Run(sc.name, func(t *testing.T) {
				r := sc.run(t, f)
				r.scenario = sc.name
				suite.add(r)
				if !r.ok && !r.skipped {
					t.Errorf("%s: expected %s, observed %s", sc.name, r.expected, r.observed)
				}
				if left := f.leaks(t); left != "" {
					t.Errorf("%s leaked: %s", sc.name, left)
					suite.add(row{scenario: sc.name + " (leaks)", expected: "nothing left", observed: left})
				}
			})
		}
	}
}

// scenario is one fault.
type scenario struct {
	name string
	run  func(t *testing.T, f *fixture) row
}

// fixture is a built gorepro and a module of hostile programs, with one
// cache shared by the scenarios.
type fixture struct {
	dir, bin, cache string
}

// newFixture builds gorepro and writes the programs.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{dir: dir, bin: filepath.Join(dir, "gorepro"), cache: filepath.Join(dir, "cache")}
	out, err := exec.Command("go", "build", "-o", f.bin, "../../cmd/gorepro").CombinedOutput()
	if err != nil {
		t.Fatalf("building gorepro: %v\n%s", err, out)
	}
	writeFiles(t, filepath.Join(dir, "app"), programs())
	return f
}

// programs are the hostile programs, one main package each.
func programs() map[string]string {
	return map[string]string{
		"go.mod":            "module example.com/app\n\ngo 1.23\n",
		"cmd/quick/main.go": "package main\n\nfunc main() { println(\"ok\") }\n",
		"cmd/crasher/main.go": `package main

func main() { var m map[string]int; m["x"]++ }
`,
		// daemon starts a copy of itself in a new session and exits 0.
		"cmd/daemon/main.go": `package main

import (
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		time.Sleep(time.Hour)
		return
	}
	self, _ := os.Executable()
	cmd := exec.Command(self, "child")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		panic(err)
	}
	time.Sleep(200 * time.Millisecond)
}
`,
		// doublefork starts a child that starts a grandchild in a new session
		// and exits, so that the grandchild is orphaned; then it exits 0.
		"cmd/doublefork/main.go": `package main

import (
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	self, _ := os.Executable()
	switch {
	case len(os.Args) > 1 && os.Args[1] == "grandchild":
		time.Sleep(time.Hour)
		return
	case len(os.Args) > 1 && os.Args[1] == "child":
		cmd := exec.Command(self, "grandchild")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		_ = cmd.Start()
		return
	}
	_ = exec.Command(self, "child").Run()
	time.Sleep(200 * time.Millisecond)
}
`,
		// stubborn ignores SIGTERM, SIGINT and SIGQUIT and hangs.
		"cmd/stubborn/main.go": `package main

import (
	"os/signal"
	"syscall"
	"time"
)

func main() {
	signal.Ignore(syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGHUP)
	for {
		time.Sleep(time.Hour)
	}
}
`,
	}
}

// writeFiles writes files under root.
func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// config writes a toolchains.json for targets (names of cmd/ programs)
// with the local toolchain (and extra toolchains, JSON objects) and
// returns its path.
func (f *fixture) config(t *testing.T, name string, targets []string, extra ...string) string {
	t.Helper()
	var ts []string
	for _, target := range targets {
		ts = append(ts, fmt.Sprintf(`{"name": %q, "kind": "package", "dir": "app", "package": "./cmd/%s", "timeout": "3s"}`, target, target))
	}
	toolchains := append([]string{`{"name": "local", "kind": "local"}`}, extra...)
	path := filepath.Join(f.dir, name)
	writeFiles(t, f.dir, map[string]string{name: fmt.Sprintf(`{"toolchains": [%s], "protobuf": ["v1.36.10"], "cover": [false], "pull": "never", "targets": [%s]}`,
		strings.Join(toolchains, ", "), strings.Join(ts, ", "))})
	return path
}

// gorepro returns an unstarted gorepro command in the fixture.
func (f *fixture) gorepro(args ...string) *exec.Cmd {
	cmd := exec.Command(f.bin, args...)
	cmd.Dir = f.dir
	cmd.Env = append(os.Environ(), "GOREPRO_CACHE="+f.cache, "NO_COLOR=1")
	return cmd
}

// leaks lists what the fixture's programs and gorepro left: running
// processes whose executable is in the fixture, containers labelled
// gorepro, temporary directories in the cache. "" when nothing.
func (f *fixture) leaks(t *testing.T) string {
	t.Helper()
	var left []string
	if procs := processesUnder(f.dir); len(procs) > 0 {
		left = append(left, fmt.Sprintf("%d processes (%s)", len(procs), strings.Join(procs, ", ")))
	}
	if ids := f.containers(); len(ids) > 0 {
		left = append(left, fmt.Sprintf("containers %s", strings.Join(ids, " ")))
	}
	tmps, _ := filepath.Glob(filepath.Join(f.cache, "cells", "*", ".tmp-*"))
	if len(tmps) > 0 {
		left = append(left, fmt.Sprintf("%d temporary cache entries", len(tmps)))
	}
	return strings.Join(left, "; ")
}

// containers lists the IDs of the containers labelled gorepro that the
// fixture's gorepro made: those that mount a directory of the fixture (the
// module, the cache), not those of another gorepro on the machine.
func (f *fixture) containers() []string {
	return f.mounting("label=gorepro")
}

// builders lists the IDs of the fixture's builder containers (label
// gorepro.role=builder), running or not.
func (f *fixture) builders() []string {
	return f.mounting("label=gorepro.role=builder")
}

// mounting lists the IDs of the containers that match the podman ps
// filter and mount a directory of the fixture.
func (f *fixture) mounting(filter string) []string {
	if _, err := exec.LookPath("podman"); err != nil {
		return nil
	}
	out, err := exec.Command("podman", "ps", "-a", "--filter", filter, "--format", "{{.ID}} {{.Mounts}}").Output()
	if err != nil {
		return nil
	}
	var ids []string
	for line := range strings.Lines(string(out)) {
		if id, mounts, _ := strings.Cut(strings.TrimSpace(line), " "); strings.Contains(mounts, f.dir) {
			ids = append(ids, id)
		}
	}
	return ids
}

// processesUnder lists live processes whose executable lies under dir.
func processesUnder(dir string) []string {
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err != nil || !strings.HasPrefix(exe, dir) {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		if i := bytes.LastIndexByte(stat, ')'); i > 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			continue // exited, waiting to be reaped
		}
		found = append(found, e.Name()+":"+filepath.Base(exe))
	}
	return found
}

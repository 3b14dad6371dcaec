package cellbuild

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/modtree"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/toolchain"
)

// writeTree writes files (slash-separated path → content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
}

// generatedApp lays out <root>/app, a main package embedding data.txt that
// `go generate` produces (and .gitignore ignores), which imports
// <root>/lib through a relative replace directive. Every run of the
// generator appends a line to the returned counter file, outside the tree.
func generatedApp(t *testing.T) (app, counter string) {
	t.Helper()
	root := t.TempDir()
	app = filepath.Join(root, "app")
	counter = filepath.Join(root, "generator-runs")
	writeTree(t, root, map[string]string{
		"lib/go.mod": "module example.com/lib\n\ngo 1.24\n",
		"lib/lib.go": "package lib\n\n// Greeting is what the app prints first.\nfunc Greeting() string { return \"hello from lib\" }\n",
		"app/go.mod": "module example.com/app\n\ngo 1.24\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n",
		"app/main.go": `package main

import (
	_ "embed"
	"fmt"

	"example.com/lib"
)

//go:generate go run ./gen ` + counter + `

//go:embed data.txt
var data string

func main() { fmt.Printf("%s; data: %s", lib.Greeting(), data) }
`,
		"app/gen/main.go": `// Command gen writes data.txt and counts its runs in the file named by its argument.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := os.WriteFile("data.txt", []byte("generated\n"), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	f, err := os.OpenFile(os.Args[1], os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	fmt.Fprintln(f, "run")
}
`,
		"app/fail/main.go": `// Command fail fails as a generator that cannot reach its input does.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("fetching the spec")
	fmt.Fprintln(os.Stderr, "boom: cannot reach the spec server")
	os.Exit(3)
}
`,
		"app/.gitignore": "data.txt\n",
		"app/.git/HEAD":  "ref: refs/heads/main\n",
	})
	require.NoError(t, os.WriteFile(filepath.Join(app, "run.sh"), []byte("#!/bin/sh\necho run\n"), 0o755))
	return app, counter
}

// generatorRuns counts the lines the generator appended to counter.
func generatorRuns(t *testing.T, counter string) int {
	t.Helper()
	data, err := os.ReadFile(counter)
	if os.IsNotExist(err) {
		return 0
	}
	require.NoError(t, err)
	return strings.Count(string(data), "run\n")
}

// preparedEntries lists what <workDir>/prepared holds.
func preparedEntries(t *testing.T, workDir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(workDir, preparedDir))
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestBuildPackagePrepare(t *testing.T) {
	ctx := context.Background()
	local := resolve(t, config.Toolchain{Name: "local", Kind: config.KindLocal})
	app, counter := generatedApp(t)
	before, err := modtree.Hash(app, modtree.HashOptions{Format: modtree.Exact})
	require.NoError(t, err)
	digest := treeDigest(t, app)
	workDir := t.TempDir()
	outDir := t.TempDir()
	generate := [][]string{{"go", "generate", "."}}
	target := func(prepare [][]string) config.Target {
		return config.Target{Name: "app", Kind: config.TargetPackage, Dir: app, Package: ".", Prepare: prepare}
	}

	// Each step builds on the ones before it: the prepared copy is made
	// once and re-used until the tree changes.
	steps := []struct {
		name     string
		prepare  [][]string
		cover    bool
		protobuf string
		edit     map[string]string // files to change in the user's tree first
		ok       bool
		sameCopy bool   // builds the copy the build before built
		reason   string // for a failed build: the whole reason
		runs     int    // generator runs so far
		log      []string
	}{
		{name: "without prepare", ok: false, runs: 0,
			reason: `main.go:12:12: pattern data.txt: no matching files found; a //go:embed file is missing: if a step such as go generate produces it, add that step to the target's "prepare", such as "prepare": [["go", "generate", "."]] (package . has //go:generate lines)`},
		{name: "with prepare", prepare: generate, ok: true, runs: 1,
			log: []string{"for prepare (renamed to ", "$ cd ", " && env GOTOOLCHAIN=local GOROOT= GOWORK=off " + local.GoCmd + " generate .\n"}},
		{name: "another cell re-uses the copy", prepare: generate, cover: true, ok: true, sameCopy: true, runs: 1,
			log: []string{", re-used (the prepare commands ran when it was made: "}},
		{name: "with a protobuf override", prepare: generate, protobuf: "v1.36.10", ok: true, sameCopy: true, runs: 1,
			log: []string{", re-used (the prepare commands ran when it was made: ", "-modfile="}},
		{name: "an edited tree is prepared again", prepare: generate, ok: true, runs: 2,
			edit: map[string]string{"README.md": "edited\n"}, log: []string{"for prepare (renamed to "}},
		{name: "failing command", prepare: [][]string{{"go", "generate", "."}, {"go", "run", "./fail"}}, ok: false, runs: 3,
			reason: "prepare: go run ./fail: exit status 1: boom: cannot reach the spec server",
			log:    []string{"fetching the spec\n", "boom: cannot reach the spec server\n", "# prepare: exit status 1: boom"}},
		{name: "program not found", prepare: [][]string{{"gorepro-no-such-program", "--flag"}}, ok: false, runs: 3,
			reason: `prepare: gorepro-no-such-program --flag: cannot start: exec: "gorepro-no-such-program": executable file not found in $PATH`},
		{name: "embed still missing after prepare", prepare: [][]string{{"true"}}, ok: false, runs: 3,
			reason: `main.go:12:12: pattern data.txt: no matching files found; a //go:embed file is missing after prepare ran: check that a "prepare" step produces it`},
	}
	var lastDir string
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.edit != nil {
				writeTree(t, app, st.edit)
				before, err = modtree.Hash(app, modtree.HashOptions{Format: modtree.Exact})
				require.NoError(t, err)
				digest = treeDigest(t, app)
			}
			bin := filepath.Join(outDir, strings.ReplaceAll(st.name, " ", "_"), "app")
			r := Build(ctx, Spec{Toolchain: local, Target: target(st.prepare), Cover: st.cover, Protobuf: st.protobuf, WorkDir: workDir, Output: bin})
			log := string(r.Log)
			if st.ok {
				require.True(t, r.OK, "%s: %s\n%s", r.Outcome, r.Reason, log)
				assert.Contains(t, string(runBinary(t, bin)), "hello from lib; data: generated\n")
				assert.True(t, strings.HasPrefix(r.Reproduce.Dir, filepath.Join(workDir, preparedDir)+"/"), r.Reproduce.Dir)
				assert.Equal(t, preparedModule, filepath.Base(r.Reproduce.Dir))
				assert.FileExists(t, filepath.Join(r.Reproduce.Dir, "data.txt"))
				assert.NoDirExists(t, filepath.Join(r.Reproduce.Dir, ".git"), "hidden directories are not copied")
				assert.FileExists(t, filepath.Join(r.Reproduce.Dir, ".gitignore"), "hidden files are")
				if st.sameCopy {
					assert.Equal(t, lastDir, r.Reproduce.Dir, "the same prepared copy")
					assert.NotContains(t, log, "for prepare (renamed to ", "no prepare command ran")
				} else {
					assert.NotEqual(t, lastDir, r.Reproduce.Dir, "a new prepared copy")
				}
				lastDir = r.Reproduce.Dir
			} else {
				assert.False(t, r.OK)
				assert.Equal(t, record.BuildError, r.Outcome)
				assert.Equal(t, st.reason, r.Reason, log)
			}
			for _, want := range st.log {
				assert.Contains(t, log, want)
			}
			assert.Equal(t, st.runs, generatorRuns(t, counter))

			// The user's tree is never written, and no temporary
			// directory is left behind.
			after, err := modtree.Hash(app, modtree.HashOptions{Format: modtree.Exact})
			require.NoError(t, err)
			assert.Equal(t, before, after)
			assert.Equal(t, digest, treeDigest(t, app))
			assert.NoFileExists(t, filepath.Join(app, "data.txt"))
			for _, name := range preparedEntries(t, workDir) {
				assert.NotContains(t, name, ".tmp-", "temporary directory left behind")
			}
		})
	}
	assert.Len(t, preparedEntries(t, workDir), 3, "one prepared copy per tree and commands that succeeded")
}

func TestBuildPackagePrepareTimeout(t *testing.T) {
	local := resolve(t, config.Toolchain{Name: "local", Kind: config.KindLocal})
	app, _ := generatedApp(t)
	workDir := t.TempDir()
	start := time.Now()
	r := Build(context.Background(), Spec{
		Toolchain: local, WorkDir: workDir, Output: filepath.Join(t.TempDir(), "app"), Timeout: time.Second,
		Target: config.Target{Name: "app", Kind: config.TargetPackage, Dir: app, Package: ".", Prepare: [][]string{{"sleep", "30"}}},
	})
	assert.Less(t, time.Since(start), 20*time.Second)
	assert.Equal(t, record.BuildError, r.Outcome)
	assert.Equal(t, "prepare: sleep 30: timed out after 1s", r.Reason)
	assert.Empty(t, preparedEntries(t, workDir), "nothing left behind")
}

// Cells of one target prepare concurrently: each gets a complete copy,
// all end up building the same one, and no temporary copy is left.
func TestBuildPackagePrepareConcurrent(t *testing.T) {
	ctx := context.Background()
	local := resolve(t, config.Toolchain{Name: "local", Kind: config.KindLocal})
	app, counter := generatedApp(t)
	workDir := t.TempDir()
	outDir := t.TempDir()
	target := config.Target{Name: "app", Kind: config.TargetPackage, Dir: app, Package: ".", Prepare: [][]string{{"go", "generate", "."}}}

	const cells = 4
	results := make([]*Result, cells)
	var wg sync.WaitGroup
	for i := range cells {
		wg.Go(func() {
			results[i] = Build(ctx, Spec{Toolchain: local, Target: target, WorkDir: workDir,
				Output: filepath.Join(outDir, string(rune('a'+i)), "app")})
		})
	}
	wg.Wait()
	for _, r := range results {
		require.True(t, r.OK, "%s: %s\n%s", r.Outcome, r.Reason, r.Log)
		assert.Equal(t, results[0].Reproduce.Dir, r.Reproduce.Dir)
		assert.Equal(t, "hello from lib; data: generated\n", string(runBinary(t, r.Binary)))
	}
	winners := 0
	for _, r := range results {
		log := string(r.Log)
		if strings.Contains(log, "for prepare (renamed to ") && !strings.Contains(log, "another build prepared the same copy first") {
			winners++
		}
	}
	assert.Equal(t, 1, winners, "exactly one build's copy is used")
	runs := generatorRuns(t, counter)
	t.Logf("the generator ran %d times for %d concurrent cells", runs, cells)
	assert.GreaterOrEqual(t, runs, 1)
	assert.LessOrEqual(t, runs, cells)
	assert.Len(t, preparedEntries(t, workDir), 1, "one prepared copy, no temporary ones")

	// Afterwards every cell re-uses it.
	r := Build(ctx, Spec{Toolchain: local, Target: target, WorkDir: workDir, Output: filepath.Join(outDir, "later", "app")})
	require.True(t, r.OK, "%s: %s\n%s", r.Outcome, r.Reason, r.Log)
	assert.Equal(t, runs, generatorRuns(t, counter))
}

// hintCase is a case of TestPrepareHint: the hint for a build of target
// whose output is out.
type hintCase struct {
	name   string
	target config.Target
	out    string
	want   string
}

func TestPrepareHint(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"go.mod":             "module example.com/ctl\n\ngo 1.24\n",
		"cmd/ctl/main.go":    "package main\n\nfunc main() {}\n",
		"cmd/gen/main.go":    "package main\n\n//go:generate go run ./tool\nfunc main() {}\n",
		"pkg/audit/audit.go": "package audit\n\n//go:generate go run ../../hack/gen\n",
		"pkg/plain/plain.go": "package plain\n\n// //go:generate in a comment does not count\n",
		"pkg/indented/x.go":  "package indented\n\n\t//go:generate not at the start of the line\n",
	})
	const embed = "# example.com/ctl/pkg/audit\npkg/audit/audit.go:12:12: pattern openapi_spec_data.yaml: no matching files found\n"
	pkgTarget := func(pkg string, prepare ...[]string) config.Target {
		return config.Target{Name: "ctl", Kind: config.TargetPackage, Dir: dir, Package: pkg, Prepare: prepare}
	}
	tests := []hintCase{
		{"embed missing in a package with go:generate", pkgTarget("./cmd/ctl"), embed,
			`; a //go:embed file is missing: if a step such as go generate produces it, add that step to the target's "prepare", such as "prepare": [["go", "generate", "./pkg/audit"]] (package ./pkg/audit has //go:generate lines)`},
		{"embed missing elsewhere", pkgTarget("./cmd/ctl"), "./pkg/plain/plain.go:3:12: pattern x.txt: no matching files found\n",
			`; a //go:embed file is missing: if a step such as go generate produces it, add that step to the target's "prepare"`},
		{"embed missing after prepare", pkgTarget("./cmd/ctl", []string{"go", "generate", "./..."}), embed,
			`; a //go:embed file is missing after prepare ran: check that a "prepare" step produces it`},
		{"failing package has go:generate lines", pkgTarget("./cmd/ctl"), "# example.com/ctl/pkg/audit\n./pkg/audit/audit.go:5:2: undefined: specData\n",
			`; package ./pkg/audit has //go:generate lines: if the build needs what they produce, add "prepare": [["go", "generate", "./pkg/audit"]] to the target`},
		{"main package has go:generate lines", pkgTarget("./cmd/gen"), "go: some other failure\n",
			`; package ./cmd/gen has //go:generate lines: if the build needs what they produce, add "prepare": [["go", "generate", "./cmd/gen"]] to the target`},
		{"main package as an import path", pkgTarget("example.com/ctl/cmd/gen"), "go: some other failure\n",
			`; package ./cmd/gen has //go:generate lines: if the build needs what they produce, add "prepare": [["go", "generate", "./cmd/gen"]] to the target`},
		{"go:generate lines but prepare set", pkgTarget("./cmd/gen", []string{"go", "generate", "./..."}), "./cmd/gen/main.go:4:1: syntax error\n", ""},
		{"no go:generate lines", pkgTarget("./cmd/ctl"), "./pkg/plain/plain.go:3:1: syntax error\n", ""},
		{"go:generate not at the start of a line", pkgTarget("./cmd/ctl"), "./pkg/indented/x.go:3:1: syntax error\n", ""},
		{"file outside the module", pkgTarget("./cmd/ctl"), "/elsewhere/pkg/audit/audit.go:3:1: syntax error\n", ""},
		{"not a package target", config.Target{Name: "r", Kind: config.TargetRepro}, embed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, prepareHint(tt.target, []byte(tt.out), false))
		})
	}
	// A target given on the command line (gorepro check --dir): the hint
	// names --prepare, quoted for the shell.
	byFlag := []hintCase{
		{"embed missing in a package with go:generate", pkgTarget("./cmd/ctl"), embed,
			`; a //go:embed file is missing: if a step such as go generate produces it, run it first with --prepare 'go generate ./pkg/audit' (package ./pkg/audit has //go:generate lines)`},
		{"embed missing elsewhere", pkgTarget("./cmd/ctl"), "./pkg/plain/plain.go:3:12: pattern x.txt: no matching files found\n",
			`; a //go:embed file is missing: if a step such as go generate produces it, run it first with --prepare, such as --prepare 'go generate ./...'`},
		{"embed missing after prepare", pkgTarget("./cmd/ctl", []string{"go", "generate", "./..."}), embed,
			`; a //go:embed file is missing after prepare ran: check that a --prepare step produces it`},
		{"failing package has go:generate lines", pkgTarget("./cmd/ctl"), "# example.com/ctl/pkg/audit\n./pkg/audit/audit.go:5:2: undefined: specData\n",
			`; package ./pkg/audit has //go:generate lines: if the build needs what they produce, run them first with --prepare 'go generate ./pkg/audit'`},
		{"no go:generate lines", pkgTarget("./cmd/ctl"), "./pkg/plain/plain.go:3:1: syntax error\n", ""},
	}
	for _, tt := range byFlag {
		t.Run("check/"+tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, prepareHint(tt.target, []byte(tt.out), true))
		})
	}
}

func TestPrepareErrorLine(t *testing.T) {
	tests := []struct{ name, out, want string }{
		{"progress before the error", "fetching the spec\nerror: cannot reach the spec server\nexit status 3\n", "error: cannot reach the spec server"},
		{"go generate trailer", "boom\nexit status 3\nmain.go:10: running \"go\": exit status 1\n", "boom"},
		{"compiler error", "# example.com/app/gen\ngen/main.go:5:2: undefined: x\n", "gen/main.go:5:2: undefined: x"},
		{"only a trailer", "exit status 1\n", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, prepareErrorLine([]byte(tt.out)))
		})
	}
}

func TestPrepareCommandsAndEnv(t *testing.T) {
	prepare := [][]string{{"go", "generate", "./pkg/audit"}, {"sh", "-c", "go version"}, {"/usr/bin/go", "env"}}
	tests := []struct {
		name      string
		toolchain *toolchain.Resolved
		argv      [][]string
		env       []string
	}{
		{"local toolchain", &toolchain.Resolved{GoCmd: "/sdk/go1.25.5/bin/go", Env: []string{"GOTOOLCHAIN=local", "GOROOT=/sdk/go1.25.5"}},
			[][]string{{"/sdk/go1.25.5/bin/go", "generate", "./pkg/audit"}, {"sh", "-c", "go version"}, {"/usr/bin/go", "env"}},
			[]string{"GOTOOLCHAIN=local", "GOROOT=/sdk/go1.25.5", "GOWORK=off"}},
		{"image toolchain: the host's go on PATH", &toolchain.Resolved{GoCmd: "/usr/local/go/bin/go", Env: []string{"GOTOOLCHAIN=local"}, Container: &toolchain.Container{}},
			prepare, []string{"GOWORK=off"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Spec{Toolchain: tt.toolchain, Target: config.Target{Kind: config.TargetPackage, Prepare: prepare}}
			var argv [][]string
			for _, c := range prepareCommands(s) {
				argv = append(argv, c.argv)
			}
			assert.Equal(t, tt.argv, argv)
			assert.Equal(t, tt.env, prepareEnv(s))
			assert.Equal(t, [][]string{{"go", "generate", "./pkg/audit"}, {"sh", "-c", "go version"}, {"/usr/bin/go", "env"}}, prepare, "the target is not changed")
		})
	}
}

func TestRenamePrepared(t *testing.T) {
	tests := []struct {
		name     string
		existing map[string]string // dest's files before; nil: no dest
		want     string            // whose copy dest holds afterwards
	}{
		{"no destination yet", nil, "mine"},
		{"another build got there first", map[string]string{preparedMarker: "", "module/who": "theirs"}, "theirs"},
		{"an incomplete destination is replaced", map[string]string{"module/who": "incomplete", "module/ro/x": "read-only directory"}, "mine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			dest := filepath.Join(parent, "key")
			if tt.existing != nil {
				writeTree(t, dest, tt.existing)
				if _, ok := tt.existing["module/ro/x"]; ok {
					require.NoError(t, os.Chmod(filepath.Join(dest, "module", "ro"), 0o500))
				}
			}
			tmp, err := os.MkdirTemp(parent, "key.tmp-")
			require.NoError(t, err)
			writeTree(t, tmp, map[string]string{preparedMarker: "", "module/who": "mine"})

			theirs, err := renamePrepared(tmp, dest)
			require.NoError(t, err)
			assert.Equal(t, tt.want == "theirs", theirs)
			assert.True(t, prepared(dest))
			who, err := os.ReadFile(filepath.Join(dest, "module", "who"))
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(who))
			entries, err := os.ReadDir(parent)
			require.NoError(t, err)
			var names []string
			for _, e := range entries {
				if filepath.Join(parent, e.Name()) != tmp {
					names = append(names, e.Name())
				}
			}
			assert.Equal(t, []string{"key"}, names, "nothing but dest (and tmp, for the caller to remove)")
		})
	}
}

// TestPrepareKeyFollowsTheToolchain: the prepared copy a generator made
// is not reused once the toolchain whose go command ran it changed (a Go
// tree edited in place has another identity), and is with the same one.
func TestPrepareKeyFollowsTheToolchain(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module m\n"), 0o644))
	cmds := []prepareCmd{{written: []string{"go", "generate", "./..."}, argv: []string{"/go/bin/go", "generate", "./..."}}}
	key := func(id string) string {
		k, err := prepareKey(dir, "", cmds, []string{"GOWORK=off"}, id)
		require.NoError(t, err)
		return k
	}
	assert.Equal(t, key("kind=goroot files(a)"), key("kind=goroot files(a)"))
	assert.NotEqual(t, key("kind=goroot files(a)"), key("kind=goroot files(b)"))
	assert.NotEqual(t, key(""), key("kind=goroot files(a)"))
}

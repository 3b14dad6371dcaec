package docstest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/cli"
	"github.com/gorepro/gorepro/internal/config"
)

// notAConfig marks, on the line before its fence, a json block that is a
// fragment of a config rather than a whole one.
const notAConfig = "<!-- not a config -->"

// languages are the fence languages the docs may use.
var languages = map[string]bool{"json": true, "sh": true, "console": true, "yaml": true, "text": true}

// externalPrograms are the programs of examples that are not gorepro's:
// they are not checked, only recognised.
var externalPrograms = map[string]bool{
	"brew": true, "podman": true, "docker": true, "kubectl": true, "git": true, "cd": true, "cp": true,
	"mv": true, "rm": true, "sed": true, "cat": true, "mktemp": true, "exit": true, "./make.bash": true, "[": true,
	"tar": true, "sha256sum": true, "install": true,
}

// block is one fenced block of a Markdown file.
type block struct {
	file      string
	line      int // of the first line inside the fence
	lang      string
	text      string
	notConfig bool
}

func (b block) String() string { return fmt.Sprintf("%s:%d", b.file, b.line) }

// repoRoot returns the repository's root directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, self, _, ok := runtime.Caller(0)
	require.True(t, ok)
	return filepath.Join(filepath.Dir(self), "..", "..")
}

// readBlocks returns the fenced blocks of the Markdown file rel (relative
// to root).
func readBlocks(t *testing.T, root, rel string) []block {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, rel))
	require.NoError(t, err)
	lines := strings.Split(string(data), "\n")
	var blocks []block
	for i := 0; i < len(lines); i++ {
		lang, ok := strings.CutPrefix(lines[i], "```")
		if !ok {
			continue
		}
		b := block{file: rel, line: i + 2, lang: strings.TrimSpace(lang)}
		for j := i - 1; j >= 0; j-- {
			if s := strings.TrimSpace(lines[j]); s != "" {
				b.notConfig = s == notAConfig
				break
			}
		}
		var body []string
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
			body = append(body, lines[i])
		}
		require.Less(t, i, len(lines), "%s: the fence is not closed", b)
		b.text = strings.Join(body, "\n")
		blocks = append(blocks, b)
	}
	return blocks
}

// docFiles are the Markdown files whose examples must work.
func docFiles(t *testing.T, root string) []string {
	t.Helper()
	files := []string{"README.md", "results/README.md"}
	more, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	require.NoError(t, err)
	for _, m := range more {
		files = append(files, filepath.Join("docs", filepath.Base(m)))
	}
	return files
}

// TestExamples checks every config and command example of the docs, and
// runs the commands that can run here.
func TestExamples(t *testing.T) {
	root := repoRoot(t)
	var blocks []block
	for _, f := range docFiles(t, root) {
		blocks = append(blocks, readBlocks(t, root, f)...)
	}
	require.NotEmpty(t, blocks)
	c := newChecker(t, root)
	for _, b := range blocks {
		if !languages[b.lang] {
			t.Errorf("%s: fence language %q: use one of json, sh, console, yaml or text (text for output and other non-examples)", b, b.lang)
		}
	}
	for _, b := range blocks {
		if b.lang == "json" && !b.notConfig {
			c.checkConfig(b.String(), b.text)
		}
	}
	commands := 0
	for _, b := range blocks {
		switch b.lang {
		case "sh", "console":
			commands += c.checkScript(b, b.text, b.line)
		case "yaml":
			commands += c.checkYAML(b)
		}
	}
	t.Logf("%d blocks: %d configs validated, %d commands checked, %d gorepro commands run", len(blocks), c.configs, commands, c.ran)
	require.Positive(t, c.ran, "no example ran")
}

// checker checks examples. names are the toolchain and target names
// configured in toolchains.json or in a config of the docs, which commands
// may name.
type checker struct {
	t           *testing.T
	root        string
	names       map[string]bool
	makeTargets map[string]bool
	sandbox     string
	// schema validates the config examples as editors would.
	schema *jsonschema.Schema
	// configs and ran count the configs validated and the commands run.
	configs, ran int
}

func newChecker(t *testing.T, root string) *checker {
	c := &checker{t: t, root: root, names: map[string]bool{}, makeTargets: map[string]bool{}, schema: compileSchema(t)}
	shipped, err := config.Load(filepath.Join(root, "toolchains.json"))
	require.NoError(t, err)
	c.addNames(shipped)
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	require.NoError(t, err)
	for _, m := range regexp.MustCompile(`(?m)^([a-z][a-z0-9-]*):`).FindAllStringSubmatch(string(makefile), -1) {
		c.makeTargets[m[1]] = true
	}
	c.sandbox = newSandbox(t, root)
	c.makeShards()
	return c
}

func (c *checker) addNames(cfg *config.Config) {
	for _, tc := range cfg.Toolchains {
		c.names[tc.Name] = true
	}
	for _, tg := range cfg.Targets {
		c.names[tg.Name] = true
	}
}

// checkConfig validates text as a toolchains.json, in a directory of its
// own where the modules and files its targets name exist; where names the
// example.
func (c *checker) checkConfig(where, text string) {
	c.t.Helper()
	c.configs++
	dir := filepath.Join(c.t.TempDir(), "work")
	require.NoError(c.t, os.MkdirAll(dir, 0o755))
	var raw struct {
		Targets []struct {
			Kind, Dir, Package, Dockerfile, Context string
		} `json:"targets"`
	}
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		c.t.Errorf("%s: not JSON (%v); mark a fragment with %s on the line before its fence", where, err, notAConfig)
		return
	}
	for i, tg := range raw.Targets {
		for field, p := range map[string]string{"dir": tg.Dir, "dockerfile": tg.Dockerfile, "context": tg.Context} {
			if p != "" && (filepath.IsAbs(p) || strings.HasPrefix(p, "~")) {
				c.t.Errorf("%s: targets[%d].%s %q: write it relative to the config file, as a user's would be", where, i, field, p)
			}
		}
		switch tg.Kind {
		case "package":
			mod := filepath.Join(dir, tg.Dir)
			pkg := filepath.Join(mod, filepath.FromSlash(tg.Package))
			require.NoError(c.t, os.MkdirAll(pkg, 0o755))
			require.NoError(c.t, os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/"+filepath.Base(mod)+"\n\ngo 1.26\n"), 0o644))
			require.NoError(c.t, os.WriteFile(filepath.Join(pkg, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644))
		case "dockerfile":
			df := filepath.Join(dir, tg.Dockerfile)
			require.NoError(c.t, os.MkdirAll(filepath.Dir(df), 0o755))
			require.NoError(c.t, os.WriteFile(df, []byte("FROM scratch\n"), 0o644))
			if tg.Context != "" {
				require.NoError(c.t, os.MkdirAll(filepath.Join(dir, tg.Context), 0o755))
			}
		}
	}
	path := filepath.Join(dir, "toolchains.json")
	require.NoError(c.t, os.WriteFile(path, []byte(text), 0o644))
	cfg, err := config.Load(path)
	if err != nil {
		c.t.Errorf("%s: the config example is rejected:\n%v", where, err)
		return
	}
	c.addNames(cfg)
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	require.NoError(c.t, err)
	if err := c.schema.Validate(doc); err != nil {
		c.t.Errorf("%s: gorepro accepts the config example, its JSON Schema (gorepro config schema) rejects it:\n%v", where, err)
	}
}

// compileSchema compiles the config's JSON Schema with a real validator.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := config.Schema()
	require.NoError(t, err)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	compiler := jsonschema.NewCompiler()
	require.NoError(t, compiler.AddResource(config.SchemaID, doc))
	sch, err := compiler.Compile(config.SchemaID)
	require.NoError(t, err)
	return sch
}

// checkScript checks the commands of a shell script that starts at line
// of b's file, and returns how many it checked.
func (c *checker) checkScript(b block, script string, line int) int {
	for i, l := range strings.Split(script, "\n") {
		code, _, _ := strings.Cut(l, " #")
		if m := placeholderRE.FindString(code); m != "" {
			c.t.Errorf("%s:%d: %s is a placeholder, not shell: write a variable (\"$BAD\") and say what it holds", b.file, line+i, strings.TrimSpace(m))
			return 0
		}
	}
	cmds, err := parseShell(script, line)
	if err != nil {
		c.t.Errorf("%s: cannot read the shell example: %v", b, err)
		return 0
	}
	for _, sc := range cmds {
		where := fmt.Sprintf("%s:%d", b.file, sc.line)
		if strings.HasSuffix(sc.stdout, ".json") && sc.heredoc != "" {
			// cat > x.json <<EOF: a config the example writes.
			c.checkConfig(where, expandVars(sc.heredoc, c.t.TempDir()))
		}
		c.checkCommand(b, where, sc.words, sc)
	}
	return len(cmds)
}

// placeholderRE finds a placeholder such as <bad-commit>, which a shell
// reads as redirections.
var placeholderRE = regexp.MustCompile(`(?:^|[\s(])<[A-Za-z][A-Za-z0-9 _-]*>`)

// checkCommand checks one simple command.
func (c *checker) checkCommand(b block, where string, words []string, sc shellCommand) {
	for len(words) > 0 && regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`).MatchString(words[0]) {
		words = words[1:] // VAR=value before the command
	}
	if len(words) == 0 {
		return
	}
	switch prog := words[0]; {
	case prog == "gorepro":
		c.gorepro(where, words[1:], sc)
	case prog == "go" && len(words) > 2 && words[1] == "run" && words[2] == "./cmd/gorepro":
		c.gorepro(where, words[3:], sc)
	case prog == "go":
		// another go command (go test, go env): the go command's own.
	case prog == "git" && len(words) > 2 && words[1] == "bisect" && words[2] == "run":
		c.checkCommand(b, where, words[3:], shellCommand{line: sc.line})
	case prog == "exec" || prog == "sudo" || prog == "time":
		c.checkCommand(b, where, words[1:], sc)
	case (prog == "sh" || prog == "bash") && len(words) > 2 && words[1] == "-c":
		c.checkScript(block{file: b.file, line: sc.line}, words[2], sc.line)
	case (prog == "sh" || prog == "bash") && len(words) > 1:
		c.script(where, words[1:])
	case prog == "make":
		for _, w := range words[1:] {
			if !strings.Contains(w, "=") && !c.makeTargets[w] {
				c.t.Errorf("%s: make %s: the Makefile has no such target", where, w)
			}
		}
	case strings.HasPrefix(prog, "scripts/"):
		c.script(where, words)
	case !externalPrograms[prog]:
		c.t.Errorf("%s: %q is neither gorepro, make, a script of scripts/ nor a known external program: check it and add it to externalPrograms", where, prog)
	}
}

// script checks a command of a script of this repository: it exists, and
// its usage comment lists every option given.
func (c *checker) script(where string, words []string) {
	data, err := os.ReadFile(filepath.Join(c.root, words[0]))
	if err != nil {
		c.t.Errorf("%s: %s: %v", where, words[0], err)
		return
	}
	for _, w := range words[1:] {
		if w == "--" {
			break
		}
		if strings.HasPrefix(w, "-") && !regexp.MustCompile(`(?m)^#.*\s`+regexp.QuoteMeta(w)+`[, ]`).Match(data) {
			c.t.Errorf("%s: %s has no option %s in its usage comment", where, words[0], w)
		}
	}
}

// checkYAML checks the gorepro commands of a CI definition's shell lines,
// with the CI system's variables given sample values.
func (c *checker) checkYAML(b block) int {
	vars := strings.NewReplacer(
		"$CI_NODE_INDEX", "1", "$CI_NODE_TOTAL", "4", "$ARCH", "amd64",
		"$(params.shard)", "1", "$(params.shards)", "4", "$(workspaces.results.path)", "workspace/results",
	)
	lines := strings.Split(b.text, "\n")
	n := 0
	for i := 0; i < len(lines); i++ {
		s := strings.TrimSpace(lines[i])
		s = strings.TrimPrefix(s, "- ")
		if strings.HasPrefix(s, "#") || !strings.Contains(s, "gorepro ") {
			continue
		}
		first := i
		for strings.HasSuffix(s, "\\") && i+1 < len(lines) {
			i++
			s = strings.TrimSuffix(s, "\\") + " " + strings.TrimSpace(lines[i])
		}
		n += c.checkScript(b, vars.Replace(s), b.line+first)
	}
	return n
}

// gorepro checks a gorepro command line against the real command tree and
// runs it when it can run here.
func (c *checker) gorepro(where string, args []string, sc shellCommand) {
	c.t.Helper()
	var stdout, stderr bytes.Buffer
	root := cli.NewRootCmd(cli.Deps{Stdout: &stdout, Stderr: &stderr})
	cmd, rest, err := root.Find(args)
	if err != nil || cmd == root {
		c.t.Errorf("%s: gorepro %s: no such command (%v)", where, strings.Join(args, " "), err)
		return
	}
	if err := cmd.ParseFlags(rest); err != nil {
		c.t.Errorf("%s: gorepro %s: %v", where, strings.Join(args, " "), err)
		return
	}
	if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
		c.t.Errorf("%s: gorepro %s: %v", where, strings.Join(args, " "), err)
		return
	}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		values := []string{f.Value.String()}
		if s, ok := f.Value.(pflag.SliceValue); ok {
			values = s.GetSlice()
		}
		if complete, ok := cmd.GetFlagCompletionFunc(f.Name); ok {
			valid, _ := complete(cmd, nil, "")
			for _, v := range values {
				if !validValue(v, valid) {
					c.t.Errorf("%s: gorepro %s --%s %s: %q is not one of %v", where, cmd.Name(), f.Name, f.Value, v, valid)
				}
			}
		}
		if c.namesConfigured(cmd, f.Name) {
			for _, v := range values {
				if !c.names[v] && !strings.Contains(v, "$") && !(cmd.Name() == "check" && checkToolchainSpec(v)) {
					c.t.Errorf("%s: gorepro %s --%s %s: %q is configured neither in toolchains.json nor in a config of the docs", where, cmd.Name(), f.Name, f.Value, v)
				}
			}
		}
	})
	c.run(where, cmd, args, sc)
}

// validValue says whether v is one of the values a flag's completion
// offers (valid), a comma-separated list of them, or starts with one that
// ends in "~" (signature~REGEX) — or holds a shell variable.
func validValue(v string, valid []string) bool {
	if slices.Contains(valid, v) || strings.Contains(v, "$") {
		return true
	}
	for _, part := range strings.Split(v, ",") {
		ok := slices.ContainsFunc(valid, func(p string) bool {
			return part == p || (strings.HasSuffix(p, "~") && strings.HasPrefix(part, p) && len(part) > len(p))
		})
		if !ok {
			return false
		}
	}
	return true
}

// namesConfigured says whether flag of cmd takes configured names.
func (c *checker) namesConfigured(cmd *cobra.Command, flag string) bool {
	switch flag {
	case "toolchain", "target":
		return true
	case "from", "to", "versions":
		axis, _ := cmd.Flags().GetString("axis")
		return cmd.Name() == "bisect" && axis == "toolchain"
	}
	return false
}

// checkToolchainSpec says whether v is one of check's own toolchain forms:
// local, goroot:PATH, gotoolchain:VERSION or a Go version.
func checkToolchainSpec(v string) bool {
	return v == "local" || strings.Contains(v, ":") || regexp.MustCompile(`^go1\.\d+(\.\d+)?$`).MatchString(v)
}

// runnable are the commands that run here without a network or a
// container engine: they read logs and stored runs, or build and run the
// sandbox's small matrix (matrix, merge, toolchains).
var runnable = map[string]bool{"diagnose": true, "report": true, "diff": true, "version": true, "matrix": true, "merge": true, "toolchains": true}

// sandboxNames are the toolchains and targets of the sandbox's
// toolchains.json.
var sandboxNames = map[string]bool{"local": true, "env": true}

// runsHere says whether a gorepro command can run in the sandbox: it is
// runnable, has no shell variable, glob or path outside the sandbox, and a
// matrix names only the
// sandbox's config, toolchains, targets and the native arch.
func runsHere(cmd *cobra.Command, args []string) bool {
	outside := func(a string) bool { // a variable, a glob, or a path outside the sandbox
		return strings.ContainsAny(a, "$*") || strings.HasPrefix(a, "/") || strings.Contains(a, "=/") || strings.HasPrefix(a, "..")
	}
	if !runnable[cmd.Name()] || slices.ContainsFunc(args, outside) {
		return false
	}
	if cmd.Name() != "matrix" && cmd.Name() != "toolchains" {
		return true
	}
	ok := true
	cmd.Flags().Visit(func(f *pflag.Flag) {
		values := []string{f.Value.String()}
		if s, isSlice := f.Value.(pflag.SliceValue); isSlice {
			values = s.GetSlice()
		}
		for _, v := range values {
			switch f.Name {
			case "config":
				ok = ok && v == "toolchains.json"
			case "toolchain", "target":
				ok = ok && sandboxNames[v]
			case "arch":
				ok = ok && v == "native"
			case "baseline":
				ok = false
			}
		}
	})
	return ok
}

// run runs a gorepro command that can run here, in the sandbox, and
// requires exit status 0 (or 1 where a policy may match).
func (c *checker) run(where string, cmd *cobra.Command, args []string, sc shellCommand) {
	c.t.Helper()
	if !runsHere(cmd, args) {
		return
	}
	var stdout, stderr bytes.Buffer
	deps := c.sandboxDeps(&stdout, &stderr)
	c.t.Chdir(c.sandbox)
	if slices.Contains(args, "-") {
		// diagnose -: the log on stdin.
		in, err := os.Open(filepath.Join(c.sandbox, "crash.log"))
		require.NoError(c.t, err)
		defer in.Close()
		root := cli.NewRootCmd(deps)
		root.SetIn(in)
		root.SetArgs(args)
		if err := root.ExecuteContext(context.Background()); err != nil {
			c.t.Errorf("%s: gorepro %s: %v\n%s", where, strings.Join(args, " "), err, stderr.String())
		}
		c.ran++
		return
	}
	status := cli.Main(context.Background(), args, deps)
	allowed := []int{0}
	if cmd.Name() == "diff" || cmd.Name() == "matrix" {
		allowed = append(allowed, 1) // --fail-on matched: data, not an error
	}
	c.t.Logf("%s: ran gorepro %s: exit %d", where, strings.Join(args, " "), status)
	if !slices.Contains(allowed, status) {
		c.t.Errorf("%s: gorepro %s exited %d:\n%s", where, strings.Join(args, " "), status, stderr.String())
	}
	if stdout.Len() == 0 && sc.stdout == "" && !slices.Contains(args, "--quiet") {
		c.t.Errorf("%s: gorepro %s printed nothing", where, strings.Join(args, " "))
	}
	c.ran++
}

// sandboxDeps are the Deps of a command run in the sandbox: its own cache.
func (c *checker) sandboxDeps(stdout, stderr *bytes.Buffer) cli.Deps {
	cache := filepath.Join(c.sandbox, ".gorepro-cache")
	return cli.Deps{Stdout: stdout, Stderr: stderr, Version: "docs-example", Getenv: func(name string) string {
		if name == "GOREPRO_CACHE" {
			return cache
		}
		return ""
	}}
}

// sandboxConfig is the sandbox's toolchains.json: the local go and the
// environment probe, one cell that builds in seconds.
const sandboxConfig = `{
  "toolchains": [{"name": "local", "kind": "local"}],
  "protobuf": ["v1.36.10"],
  "targets": [{"name": "env", "kind": "probe"}]
}
`

// makeShards runs the sandbox's matrix as the shards 1, 3 and 4 of 4 into
// shard1, shard3 and shard4, the CI jobs the docs' shard example does not
// show (it shows shard 2).
func (c *checker) makeShards() {
	c.t.Chdir(c.sandbox)
	for _, k := range []string{"1", "3", "4"} {
		var stdout, stderr bytes.Buffer
		status := cli.Main(context.Background(), []string{"matrix", "--shard", k + "/4", "--out", "shard" + k}, c.sandboxDeps(&stdout, &stderr))
		require.Contains(c.t, []int{0, 1}, status, "shard %s/4:\n%s", k, stderr.String())
	}
}

// newSandbox makes the directory the runnable examples run in: a small
// toolchains.json (sandboxConfig), a crash log (crash.log, the
// postmortem's), and the stored runs they name, copies of the recorded
// runs of internal/runfixture.
func newSandbox(t *testing.T, root string) string {
	dir := t.TempDir()
	log, err := os.ReadFile(filepath.Join(root, "internal", "diagnose", "testdata", "seed_extended.log"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "crash.log"), log, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "toolchains.json"), []byte(sandboxConfig), 0o644))
	recorded := filepath.Join(root, "internal", "runfixture", "testdata", "recorded")
	next := filepath.Join(root, "internal", "runfixture", "testdata", "recorded-next")
	for _, d := range []struct{ from, to string }{
		{recorded, "results/20261127T113000Z-3f2a"},
		{next, "results/20261128T113000Z-4b3c"},
		{recorded, "nightly-1"},
		{next, "nightly-2"},
		{recorded, "last-night"},
		{next, "tonight"},
	} {
		require.NoError(t, os.CopyFS(filepath.Join(dir, d.to), os.DirFS(d.from)))
	}
	require.NoError(t, os.Symlink("20261128T113000Z-4b3c", filepath.Join(dir, "results", "latest")))
	data, err := os.ReadFile(filepath.Join(recorded, "results.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "results", "baseline.json"), data, 0o644))
	return dir
}

// expandVars replaces $NAME and ${NAME} in text with a path under dir.
func expandVars(text, dir string) string {
	return regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`).ReplaceAllStringFunc(text, func(m string) string {
		return filepath.Join(dir, strings.Trim(m, "${}"))
	})
}

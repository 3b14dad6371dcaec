package cellbuild

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/redact"
	"github.com/gorepro/gorepro/internal/toolchain"
	"github.com/gorepro/gorepro/repro"
)

// ScriptTmpVar is the shell variable a reproduce script sets to the
// temporary directory (mktemp -d) that holds what it makes: the binary,
// the alternate go.mod and go.sum, the generated reproducer's source.
const ScriptTmpVar = "GOREPRO_TMP"

// scriptTmp stands for the script's temporary directory in the words of a
// command until they are quoted (see scriptWord).
const scriptTmp = "\x00GOREPRO_TMP\x00"

// reproduce describes a build for a person to redo it: dir, the variables
// gorepro set and the argv, all redacted, as gorepro ran them here, and
// script, the commands that redo it on another machine.
func reproduce(dir string, setEnv, argv []string, script string) record.Reproduce {
	env := make([]string, len(setEnv))
	for i, kv := range setEnv {
		env[i] = redact.Env(kv)
	}
	return record.Reproduce{
		Dir:    dir,
		Env:    env,
		Build:  redactArgv(argv),
		Script: script,
	}
}

// localScript is the one-line command gorepro ran for a build, for the
// build log: `cd DIR && env K=V ... ARGV...`, redacted.
func localScript(r record.Reproduce) string {
	return Script(r.Dir, r.Env, r.Build)
}

// portableScript returns the shell commands that redo the build of s on
// another machine, with nothing from gorepro's work directory: a package
// target's from the root of a checkout of its module (the prepare
// commands, then the alternate go.mod made with go mod edit in a
// temporary directory), the reproducer and the probe from their source
// written inline. The binary is "$GOREPRO_TMP/<name of output>"; RunScript
// runs it. setEnv and argv are the build's, as gorepro ran it.
func portableScript(s Spec, src source, setEnv, argv []string) (string, error) {
	tcEnv, goWord := portableGo(s.Toolchain)
	buildEnv := portableEnv(s.Toolchain, setEnv, tcEnv)
	w := &scriptWriter{}
	if s.Toolchain.Kind == config.KindGoroot {
		fmt.Fprintf(&w.b, "# The toolchain is the Go installed in %s (%s).\n", s.Toolchain.GOROOT, s.Toolchain.GoVersion)
	}
	var err error
	switch s.Target.Kind {
	case config.TargetPackage:
		err = w.packageSteps(s, src, tcEnv, goWord)
	default: // the reproducer and the probe: generated, written out here
		err = w.generatedSource(s, src)
	}
	if err != nil {
		return "", err
	}
	w.envLine(buildEnv, portableArgv(argv, goWord, s.Output, src.modArgs)...)
	return strings.TrimSuffix(w.b.String(), "\n"), nil
}

// scriptWriter writes a reproduce script, one command a line.
type scriptWriter struct{ b strings.Builder }

// line writes one command of words, each quoted for the shell (scriptWord).
func (w *scriptWriter) line(words ...string) {
	for i, word := range words {
		if i > 0 {
			w.b.WriteByte(' ')
		}
		w.b.WriteString(scriptWord(word))
	}
	w.b.WriteByte('\n')
}

// envLine writes one command of words run with the variables env set.
func (w *scriptWriter) envLine(env []string, words ...string) {
	if len(env) > 0 {
		words = append(append([]string{"env"}, env...), words...)
	}
	w.line(words...)
}

// packageSteps writes what comes before the build of a package target,
// from the root of a checkout of its module: its prepare commands, then
// the alternate go.mod made with go mod edit in the temporary directory.
// tcEnv and goWord select the toolchain (portableGo).
func (w *scriptWriter) packageSteps(s Spec, src source, tcEnv []string, goWord string) error {
	root, err := filepath.Abs(s.Target.Dir)
	if err != nil {
		return err
	}
	modPath := "the module"
	if data, err := os.ReadFile(filepath.Join(src.dir, "go.mod")); err == nil && modfile.ModulePath(data) != "" {
		modPath = "module " + modfile.ModulePath(data)
	}
	fmt.Fprintf(&w.b, "# Run in the root of a checkout of %s (gorepro built %s).\n", modPath, root)
	w.prepareSteps(s, tcEnv, goWord)
	w.line(ScriptTmpVar + "=$(mktemp -d)")
	if modfileArg(src.modArgs) == "" {
		return nil
	}
	fmt.Fprintf(&w.b, "# The alternate go.mod (and go.sum) gorepro built with; your go.mod and go.sum are not written.\n")
	w.line("cp", "go.mod", scriptTmp+"/go.mod")
	if _, err := os.Stat(filepath.Join(src.dir, "go.sum")); err == nil {
		w.line("cp", "go.sum", scriptTmp+"/go.sum")
	}
	edit := []string{goWord, "mod", "edit"}
	if s.Protobuf != "" {
		edit = append(edit, "-require="+repro.ProtobufModule+"@"+s.Protobuf)
	}
	for _, p := range slices.Sorted(maps.Keys(s.Target.Modules)) {
		edit = append(edit, "-require="+p+"@"+s.Target.Modules[p])
	}
	w.envLine(tcEnv, append(edit, scriptTmp+"/go.mod")...)
	return nil
}

// prepareSteps writes the target's prepare commands, if it has any, run
// with the go command gorepro ran them with.
func (w *scriptWriter) prepareSteps(s Spec, tcEnv []string, goWord string) {
	cmds := prepareCommands(s)
	if len(cmds) == 0 {
		return
	}
	w.b.WriteString("# Prepare it: gorepro ran these in a copy of the module; here they write into the checkout.\n")
	prepEnv, prepGo := append(slices.Clone(tcEnv), "GOWORK=off"), goWord
	if !prepareWithToolchain(s) {
		// As gorepro ran them: with the go on PATH, not the toolchain
		// under test (prepareWith "local", or an image toolchain whose
		// prepare runs on the host).
		w.b.WriteString("# They run with the go command on PATH, not the toolchain under test.\n")
		prepEnv, prepGo = prepareEnv(s), "go"
	}
	for _, c := range cmds {
		words := redactArgv(c.written)
		if len(words) > 0 && words[0] == "go" {
			words[0] = prepGo
		}
		w.envLine(prepEnv, words...)
	}
}

// generatedSource writes the source of the reproducer or the probe into a
// new directory, here-documents of the files gorepro generated in src.
func (w *scriptWriter) generatedSource(s Spec, src source) error {
	fmt.Fprintf(&w.b, "# gorepro's generated %s, written into a new directory.\n", s.Target.Kind)
	w.line(ScriptTmpVar + "=$(mktemp -d)")
	w.line("mkdir", scriptTmp+"/src")
	w.line("cd", scriptTmp+"/src")
	for _, name := range []string{"go.mod", "go.sum", "main.go"} {
		data, err := os.ReadFile(filepath.Join(src.dir, name))
		if os.IsNotExist(err) && name == "go.sum" {
			continue
		}
		if err != nil {
			return err
		}
		writeHeredoc(&w.b, name, string(data))
	}
	return nil
}

// RunScript returns the shell line that runs the binary a build's portable
// script made ("$GOREPRO_TMP/<binary>"), in that directory, with env set
// (with cover, GOCOVERDIR is an empty directory made first) and args.
func RunScript(binary string, env, args []string, cover bool) string {
	var b strings.Builder
	if cover {
		b.WriteString("mkdir -p " + scriptWord(scriptTmp+"/cover-1") + "\n")
		env = append(slices.Clone(env), "GOCOVERDIR="+scriptTmp+"/cover-1")
	}
	words := []string{"cd", scriptTmp, "&&"}
	if len(env) > 0 {
		words = append(append(words, "env"), env...)
	}
	words = append(words, "./"+filepath.Base(binary))
	words = append(words, args...)
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		if w == "&&" {
			b.WriteString(w)
			continue
		}
		b.WriteString(scriptWord(w))
	}
	return b.String()
}

// ContainerRunScript returns the shell line that runs, in a container,
// the binary a build's portable script made ("$GOREPRO_TMP/<binary>"): a
// host toolchain's binary in its runtime image. argv is the engine
// command gorepro ran, whose words name dir, the binary's directory here
// (the mount, the working directory, the binary, a GOCOVERDIR): in the
// script they name the script's temporary directory. With cover, that
// GOCOVERDIR ("cover-1") is made first, writable by any user.
func ContainerRunScript(argv []string, dir string, cover bool) string {
	var b strings.Builder
	if cover {
		covDir := scriptWord(scriptTmp + "/cover-1")
		b.WriteString("mkdir -p " + covDir + " && chmod 777 " + covDir + "\n")
	}
	for i, a := range argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(scriptWord(strings.ReplaceAll(a, dir, scriptTmp)))
	}
	return b.String()
}

// portableGo returns the variables that select s's toolchain on any
// machine, and the go command to run: a local toolchain is its exact
// release (GOTOOLCHAIN=go1.26.8, which the go command fetches where it is
// not installed) unless it is a development build or has experiments; a
// gotoolchain one is that release; a goroot one is that GOROOT's go.
func portableGo(tc *toolchain.Resolved) (env []string, goCmd string) {
	env = slices.Clone(tc.Env)
	if tc.Kind == config.KindGoroot {
		return env, tc.GoCmd
	}
	if tc.Kind == config.KindLocal && releaseRE.MatchString(tc.GoVersion) && tc.Experiments == "" {
		for i, kv := range env {
			if kv == "GOTOOLCHAIN=local" {
				env[i] = "GOTOOLCHAIN=" + tc.GoVersion
			}
		}
	}
	return env, "go"
}

// releaseRE matches a Go release's version: go1.26.8, go1.27rc1.
var releaseRE = regexp.MustCompile(`^go1\.\d+(\.\d+|rc\d+)?$`)

// portableEnv is setEnv, a build's variables, redacted and with the
// toolchain's variables replaced by tcEnv.
func portableEnv(tc *toolchain.Resolved, setEnv, tcEnv []string) []string {
	out := slices.Clone(tcEnv)
	for _, kv := range setEnv {
		if !slices.Contains(tc.Env, kv) {
			out = append(out, redact.Env(kv))
		}
	}
	return out
}

// portableArgv is a go build's argv for the portable script: goCmd for
// the go command, the binary and the alternate go.mod in the script's
// temporary directory, credentials in URLs redacted.
func portableArgv(argv []string, goCmd, output string, modArgs []string) []string {
	out := redactArgv(argv)
	out[0] = goCmd
	altMod := modfileArg(modArgs)
	for i, a := range out {
		switch {
		case i > 0 && out[i-1] == "-o" && a == redact.URL(output):
			out[i] = scriptTmp + "/" + filepath.Base(output)
		case altMod != "" && a == "-modfile="+altMod:
			out[i] = "-modfile=" + scriptTmp + "/go.mod"
		}
	}
	return out
}

// modfileArg returns the alternate go.mod of a build's module flags, or "".
func modfileArg(modArgs []string) string {
	for _, a := range modArgs {
		if mod, ok := strings.CutPrefix(a, "-modfile="); ok {
			return mod
		}
	}
	return ""
}

// writeHeredoc writes the shell lines that write content to the file name:
// cat with a quoted here-document whose delimiter no line of content is.
func writeHeredoc(b *strings.Builder, name, content string) {
	delim := "GOREPRO_EOF"
	lines := strings.Split(content, "\n")
	for n := 2; slices.Contains(lines, delim); n++ {
		delim = fmt.Sprintf("GOREPRO_EOF_%d", n)
	}
	fmt.Fprintf(b, "cat > %s <<'%s'\n%s", ShellQuote(name), delim, content)
	if !strings.HasSuffix(content, "\n") {
		b.WriteString("\n")
	}
	b.WriteString(delim + "\n")
}

// scriptWord quotes a word of a portable script: scriptTmp becomes
// "$GOREPRO_TMP", the rest is quoted as ShellQuote does.
func scriptWord(w string) string {
	if w == ScriptTmpVar+"=$(mktemp -d)" {
		return w
	}
	parts := strings.Split(w, scriptTmp)
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteString(`"$` + ScriptTmpVar + `"`)
		}
		if p != "" {
			b.WriteString(ShellQuote(p))
		}
	}
	return b.String()
}

// Script returns a shell snippet that runs argv in dir with env added to the
// environment: `cd DIR && env K=V ... ARGV...`, every word quoted as needed.
// It is for people to paste; gorepro never runs it.
func Script(dir string, env, argv []string) string {
	var b strings.Builder
	if dir != "" {
		b.WriteString("cd ")
		b.WriteString(ShellQuote(dir))
		b.WriteString(" && ")
	}
	if len(env) > 0 {
		b.WriteString("env ")
		b.WriteString(shellJoin(env))
		b.WriteString(" ")
	}
	b.WriteString(shellJoin(argv))
	return b.String()
}

// shellJoin quotes each word and joins them with spaces.
func shellJoin(words []string) string { return config.JoinCommand(words) }

// ShellQuote quotes s for a POSIX shell: words made only of safe characters
// are returned as they are, everything else in single quotes.
func ShellQuote(s string) string { return config.QuoteWord(s) }

package cellbuild

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/modtree"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/redact"
)

// This file holds a package target's "prepare": the commands (such as go
// generate) that make a module buildable from a bare checkout. They run in
// a copy of the module under <workDir>/prepared/<key>/module, never in the
// user's tree; the key covers the tree's content, its location, the
// commands as run and the toolchain environment they run with, so cells
// with the same key share one prepared copy.
//
// A copy is made in a temporary directory next to its destination and
// renamed into place only once every command succeeded, with the marker
// file (the log of the commands) written last: a destination that exists
// is complete. Builds racing for one key, in one process or several, each
// prepare their own copy; the first rename wins and the others use its
// copy and remove theirs.

const (
	// preparedDir is the directory under the work directory holding the
	// prepared copies, one per key.
	preparedDir = "prepared"
	// preparedModule is the copy of the module inside a key's directory.
	preparedModule = "module"
	// preparedMarker, the log of the prepare commands, is written into a
	// key's directory when its copy is complete.
	preparedMarker = "prepared.log"
	// prepareKeyVersion starts every key, so that a change of what keys
	// cover changes them all.
	prepareKeyVersion = "gorepro-prepare-v1\n"
)

// prepareCmd is one prepare command: as the target writes it and as it is
// run (with "go" replaced by the toolchain's go command).
type prepareCmd struct {
	written, argv []string
}

// prepareWithToolchain reports whether s's prepare commands run the
// cell's toolchain's go command: unless the target says prepareWith
// "local", or the toolchain is an image's (its commands run on the host
// with the go command on PATH).
func prepareWithToolchain(s Spec) bool {
	return s.Target.PrepareWith != config.PrepareLocal && s.Toolchain.Container == nil
}

// prepareCommands returns the target's prepare commands as s runs them: a
// "go" program is the toolchain's go command when prepareWithToolchain,
// else the go command on PATH.
func prepareCommands(s Spec) []prepareCmd {
	cmds := make([]prepareCmd, 0, len(s.Target.Prepare))
	for _, written := range s.Target.Prepare {
		argv := append([]string{}, written...)
		if len(argv) > 0 && argv[0] == "go" && prepareWithToolchain(s) && s.Toolchain.GoCmd != "" {
			argv[0] = s.Toolchain.GoCmd
		}
		cmds = append(cmds, prepareCmd{written: written, argv: argv})
	}
	return cmds
}

// prepareEnv returns the variables set for the prepare commands on top of
// gorepro's own environment: the toolchain's (GOTOOLCHAIN, GOROOT) when
// prepareWithToolchain, the local go's (GOTOOLCHAIN=local, no GOROOT)
// when the target asks for it, and GOWORK=off as for the build.
func prepareEnv(s Spec) []string {
	var set []string
	switch {
	case prepareWithToolchain(s):
		set = append(set, s.Toolchain.Env...)
	case s.Target.PrepareWith == config.PrepareLocal:
		set = append(set, "GOTOOLCHAIN=local", "GOROOT=")
	}
	return append(set, "GOWORK=off")
}

// prepareModule returns the module directory of a copy of the module in
// dir in which s.Target's prepare commands have run, making it first
// unless a complete copy with the same key exists. The commands and their
// output go to log; a command that fails is an error naming it.
func prepareModule(ctx context.Context, s Spec, dir string, log *bytes.Buffer) (string, error) {
	cmds := prepareCommands(s)
	setEnv := prepareEnv(s)
	var toolchainID string
	if prepareWithToolchain(s) {
		toolchainID = s.Toolchain.Identity
	}
	key, err := prepareKey(dir, s.WorkDir, cmds, setEnv, toolchainID)
	if err != nil {
		return "", fmt.Errorf("prepare: %w", err)
	}
	dest := filepath.Join(s.WorkDir, preparedDir, key[:32])
	moduleDir := filepath.Join(dest, preparedModule)
	if prepared(dest) {
		fmt.Fprintf(log, "# %s: prepared copy of %s, re-used (the prepare commands ran when it was made: %s)\n",
			moduleDir, dir, filepath.Join(dest, preparedMarker))
		return moduleDir, nil
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return "", fmt.Errorf("prepare: creating the prepared copies' directory: %w", err)
	}
	removeStaleTemps(filepath.Dir(dest))
	tmp, err := os.MkdirTemp(filepath.Dir(dest), filepath.Base(dest)+".tmp-")
	if err != nil {
		return "", fmt.Errorf("prepare: creating a temporary directory: %w", err)
	}
	defer removeTree(tmp) // gone once renamed; else the discarded copy
	tmpModule := filepath.Join(tmp, preparedModule)
	if err := modtree.Copy(dir, tmpModule, modtree.CopyOptions{Exclude: s.WorkDir}); err != nil {
		return "", fmt.Errorf("prepare: copying the module: %w", err)
	}
	if err := modtree.AbsoluteReplaces(dir, tmpModule); err != nil {
		return "", fmt.Errorf("prepare: %w", err)
	}

	// What the commands did goes to the build log and, once they all
	// succeeded, into the marker file.
	var plog bytes.Buffer
	w := io.MultiWriter(log, &plog)
	fmt.Fprintf(w, "# %s: copy of %s for prepare (renamed to %s when done)\n", tmpModule, dir, moduleDir)
	if err := runPrepare(ctx, s, cmds, tmpModule, setEnv, w); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, preparedMarker), plog.Bytes(), 0o644); err != nil {
		return "", fmt.Errorf("prepare: writing %s: %w", preparedMarker, err)
	}
	theirs, err := renamePrepared(tmp, dest)
	if err != nil {
		return "", fmt.Errorf("prepare: %w", err)
	}
	if theirs {
		fmt.Fprintf(log, "# %s: another build prepared the same copy first; using it\n", moduleDir)
	}
	return moduleDir, nil
}

// prepared reports whether dest holds a complete prepared copy.
func prepared(dest string) bool {
	fi, err := os.Stat(filepath.Join(dest, preparedMarker))
	return err == nil && fi.Mode().IsRegular()
}

// renamePrepared moves the complete copy tmp to dest. When another build
// got there first, its copy is kept and theirs is true (tmp is left for
// the caller to remove); a dest without marker (left by something else
// than gorepro) is moved aside and removed.
func renamePrepared(tmp, dest string) (theirs bool, err error) {
	for attempt := 0; ; attempt++ {
		err := os.Rename(tmp, dest)
		if err == nil {
			return false, nil
		}
		if prepared(dest) {
			return true, nil
		}
		if _, statErr := os.Lstat(dest); attempt > 0 || statErr != nil {
			return false, fmt.Errorf("moving the prepared copy into place: %w", err)
		}
		stale, mkErr := os.MkdirTemp(filepath.Dir(dest), filepath.Base(dest)+".stale-")
		if mkErr != nil {
			return false, fmt.Errorf("moving the prepared copy into place: %w", err)
		}
		moved := os.Rename(dest, filepath.Join(stale, "old"))
		removeTree(stale)
		if moved != nil && !prepared(dest) {
			return false, fmt.Errorf("moving the prepared copy into place: %s is incomplete and cannot be moved aside: %w", dest, moved)
		}
	}
}

// staleTempAge is how old a prepared copy's temporary directory must be
// to count as left behind by a gorepro that was killed while preparing
// (prepare commands are bounded by the build timeout, 10 minutes by
// default).
const staleTempAge = 24 * time.Hour

// removeStaleTemps removes the temporary directories of prepared copies in
// dir that a killed gorepro left behind.
func removeStaleTemps(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.Contains(e.Name(), ".tmp-") {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTempAge {
			removeTree(filepath.Join(dir, e.Name()))
		}
	}
}

// removeTree removes dir and everything in it, making directories that a
// command left read-only writable when that is what stops it.
func removeTree(dir string) {
	if os.RemoveAll(dir) == nil {
		return
	}
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(path, 0o700)
		}
		return nil
	})
	_ = os.RemoveAll(dir)
}

// runPrepare runs cmds in dir, one after the other, writing each as
// "$ command" and then its output to log. The error of a command that
// fails names it and says why, with the first error line of its output.
func runPrepare(ctx context.Context, s Spec, cmds []prepareCmd, dir string, setEnv []string, log io.Writer) error {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	env := proc.Environ(nil, setEnv...)
	shownEnv := make([]string, len(setEnv))
	for i, kv := range setEnv {
		shownEnv[i] = redact.Env(kv)
	}
	for _, c := range cmds {
		fmt.Fprintf(log, "$ %s\n", Script(dir, shownEnv, redactArgv(c.argv)))
		// Tracked: a generator that leaves a server behind must not
		// outlive the cell.
		res, err := proc.Run(ctx, proc.Cmd{Argv: c.argv, Dir: dir, Env: env, Timeout: timeout, Track: true})
		if res != nil {
			log.Write(res.Output)
		}
		if why := prepareFailure(res, err, timeout); why != "" {
			fmt.Fprintf(log, "# prepare: %s\n", why)
			var out []byte
			if res != nil {
				out = res.Output
			}
			return &prepareError{command: shellJoin(redactArgv(c.written)), why: why, goCmd: len(c.written) > 0 && c.written[0] == "go", output: out}
		}
	}
	return nil
}

// prepareFailure says why a prepare command failed, or returns "" when it
// succeeded.
func prepareFailure(res *proc.Result, err error, timeout time.Duration) string {
	var start *proc.StartError
	switch {
	case errors.As(err, &start):
		return "cannot start: " + start.Err.Error()
	case err != nil:
		return err.Error()
	case res.Canceled:
		return "interrupted"
	}
	var why string
	switch {
	case res.TimedOut:
		why = fmt.Sprintf("timed out after %s", timeout)
	case res.Signaled():
		why = fmt.Sprintf("killed by signal %v", res.Signal)
	case res.ExitCode != 0:
		why = fmt.Sprintf("exit status %d", res.ExitCode)
	default:
		return ""
	}
	if line := prepareErrorLine(res.Output); line != "" {
		why += ": " + line
	}
	return why
}

// errorWordsRE matches the words that make an output line read as an
// error.
var errorWordsRE = regexp.MustCompile(`(?i)error|fail|cannot|can't|unable|panic|fatal|denied|not found|no such|invalid|missing|undefined`)

// exitTrailerRE matches the lines in which go run and go generate report
// the exit status of what they ran.
var exitTrailerRE = regexp.MustCompile(`^(exit status \d+|.*: running "[^"]*": exit status \d+)$`)

// prepareErrorLine returns the first error line of a failed prepare
// command's output: the first line that reads as an error, else the first
// meaningful one (progress a command printed before failing is not the
// error). go run's and go generate's exit status trailers are skipped.
func prepareErrorLine(out []byte) string {
	var first string
	for line := range strings.SplitSeq(string(out), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || exitTrailerRE.MatchString(line) || FirstError([]byte(line)) == "" {
			continue
		}
		if errorWordsRE.MatchString(line) {
			return line
		}
		if first == "" {
			first = line
		}
	}
	return first
}

// redactArgv redacts credentials in URLs among argv's words.
func redactArgv(argv []string) []string {
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = redact.URL(a)
	}
	return out
}

// prepareKey identifies a prepared copy: the module's location and tree
// (without the work directory, should it be inside), the commands as run,
// the variables set for them, and the identity of the toolchain whose go
// command runs them ("" for the go on PATH): a generator built by a Go
// tree edited in place is another generator.
func prepareKey(dir, workDir string, cmds []prepareCmd, setEnv []string, toolchainID string) (string, error) {
	tree, err := modtree.Hash(dir, modtree.HashOptions{Format: modtree.Exact, Exclude: workDir})
	if err != nil {
		return "", err
	}
	h := sha256.New()
	io.WriteString(h, prepareKeyVersion)
	fmt.Fprintf(h, "dir %d %s\ntree %s\n", len(dir), dir, tree)
	for _, c := range cmds {
		fmt.Fprintf(h, "cmd %d\n", len(c.argv))
		for _, a := range c.argv {
			fmt.Fprintf(h, "%d %s\n", len(a), a)
		}
	}
	for _, kv := range setEnv {
		fmt.Fprintf(h, "env %d %s\n", len(kv), kv)
	}
	if toolchainID != "" {
		fmt.Fprintf(h, "toolchain %d %s\n", len(toolchainID), toolchainID)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// embedMissingRE matches the go command's error for a //go:embed pattern
// that matches no file.
var embedMissingRE = regexp.MustCompile(`pattern [^\n]*: no matching files found`)

// errorFileRE matches the file named at the start of a compiler error line
// ("./pkg/audit/x.go:12:3: …").
var errorFileRE = regexp.MustCompile(`^(\S+\.go):\d+(:\d+)?: `)

// prepareHint returns what to add to the one-line reason of a failed build
// of target t (kind package), whose output is out, to point at "prepare":
// a //go:embed file that is missing, or (for a target without prepare) a
// failing package with //go:generate lines. It returns "" otherwise. With
// byFlag, the target was given on the command line (gorepro check --dir),
// and the hint names the --prepare flag instead of the config's field.
func prepareHint(t config.Target, out []byte, byFlag bool) string {
	if t.Kind != config.TargetPackage {
		return ""
	}
	embedMissing := embedMissingRE.Match(out)
	if len(t.Prepare) > 0 {
		if !embedMissing {
			return ""
		}
		if byFlag {
			return `; a //go:embed file is missing after prepare ran: check that a --prepare step produces it`
		}
		return `; a //go:embed file is missing after prepare ran: check that a "prepare" step produces it`
	}
	pkg := generatePackage(t, out)
	if byFlag {
		flag := "--prepare " + config.QuoteWord(config.JoinCommand([]string{"go", "generate", cmp.Or(pkg, "./...")}))
		switch {
		case embedMissing && pkg != "":
			return fmt.Sprintf(`; a //go:embed file is missing: if a step such as go generate produces it, run it first with %s (package %s has //go:generate lines)`, flag, pkg)
		case embedMissing:
			return fmt.Sprintf(`; a //go:embed file is missing: if a step such as go generate produces it, run it first with --prepare, such as %s`, flag)
		case pkg != "":
			return fmt.Sprintf(`; package %s has //go:generate lines: if the build needs what they produce, run them first with %s`, pkg, flag)
		}
		return ""
	}
	switch {
	case embedMissing && pkg != "":
		return fmt.Sprintf(`; a //go:embed file is missing: if a step such as go generate produces it, add that step to the target's "prepare", such as "prepare": [["go", "generate", %q]] (package %s has //go:generate lines)`, pkg, pkg)
	case embedMissing:
		return `; a //go:embed file is missing: if a step such as go generate produces it, add that step to the target's "prepare"`
	case pkg != "":
		return fmt.Sprintf(`; package %s has //go:generate lines: if the build needs what they produce, add "prepare": [["go", "generate", %q]] to the target`, pkg, pkg)
	}
	return ""
}

// generatePackage returns the package, as a go command argument, of the
// failing package of a build of t: the directory of the file named by the
// first error line of out when it is inside the module, else the main
// package's; if its .go files have //go:generate lines. It returns ""
// otherwise.
func generatePackage(t config.Target, out []byte) string {
	var dirs []string
	if m := errorFileRE.FindStringSubmatch(FirstError(out)); m != nil {
		file := m[1]
		if !filepath.IsAbs(file) {
			file = filepath.Join(t.Dir, file)
		}
		if modtree.Within(file, t.Dir) {
			dirs = append(dirs, filepath.Dir(file))
		}
	}
	if dir := mainPackageDir(t); dir != "" {
		dirs = append(dirs, dir)
	}
	for _, dir := range dirs {
		if !hasGenerateLines(dir) {
			continue
		}
		rel, err := filepath.Rel(t.Dir, dir)
		if err != nil {
			continue
		}
		if rel == "." {
			return "."
		}
		return "./" + filepath.ToSlash(rel)
	}
	return ""
}

// mainPackageDir returns the directory of t's main package: Dir joined with
// a relative Package, or the directory of an import path inside the
// module; "" when unknown.
func mainPackageDir(t config.Target) string {
	pkg := t.Package
	if pkg == "" || pkg == "." || strings.HasPrefix(pkg, "./") {
		return filepath.Join(t.Dir, filepath.FromSlash(pkg))
	}
	data, err := os.ReadFile(filepath.Join(t.Dir, "go.mod"))
	if err != nil {
		return ""
	}
	mod := modfile.ModulePath(data)
	if mod == "" {
		return ""
	}
	if pkg == mod {
		return t.Dir
	}
	if rest, ok := strings.CutPrefix(pkg, mod+"/"); ok {
		return filepath.Join(t.Dir, filepath.FromSlash(rest))
	}
	return ""
}

// hasGenerateLines reports whether a .go file in dir (not below it) has a
// line starting with //go:generate, as go generate reads them.
func hasGenerateLines(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		if fileHasGenerateLine(filepath.Join(dir, e.Name())) {
			return true
		}
	}
	return false
}

// fileHasGenerateLine reports whether the file has a //go:generate line.
func fileHasGenerateLine(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if bytes.HasPrefix(sc.Bytes(), []byte("//go:generate ")) || bytes.HasPrefix(sc.Bytes(), []byte("//go:generate\t")) {
			return true
		}
	}
	return false
}

package repro

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/gorepro/gorepro/internal/proc"
)

// ModulePath is the module path of the generated reproducer.
const ModulePath = "gorepro.local/repro"

// ProtobufModule is the module path of Go protobuf.
const ProtobufModule = "google.golang.org/protobuf"

// generatorVersion is part of the template hash: bump it when Generate
// changes what it writes (not only the template).
const generatorVersion = "1"

// completeMarker is the last file written into a generated directory before
// it is renamed into place.
const completeMarker = ".gorepro-complete"

//go:embed template/main.go.tmpl
var mainTemplate []byte

// DefaultGoTimeout bounds each go command GoRunner runs when its Timeout is
// zero.
const DefaultGoTimeout = 5 * time.Minute

// GoRunner runs the local go command for module maintenance (downloads,
// tidy). Every command runs with GOTOOLCHAIN=local, GOFLAGS=-mod=mod and
// GOWORK=off, then Env on top.
type GoRunner struct {
	// GoCmd is the go command; "go" on PATH when empty.
	GoCmd string
	// Env is added to (and overrides) the environment after the defaults.
	Env []string
	// Timeout bounds each command; DefaultGoTimeout when zero.
	Timeout time.Duration
	// Log, when set, receives each command (as "$ cd dir && go ...") and
	// its output.
	Log io.Writer
}

// Run runs `go args...` in dir and returns its combined output. A non-zero
// exit, a timeout or a start failure is an error that quotes the first lines
// of the output.
func (g GoRunner) Run(ctx context.Context, dir string, args ...string) ([]byte, error) {
	goCmd := g.GoCmd
	if goCmd == "" {
		goCmd = "go"
	}
	timeout := g.Timeout
	if timeout <= 0 {
		timeout = DefaultGoTimeout
	}
	argv := append([]string{goCmd}, args...)
	set := append([]string{"GOTOOLCHAIN=local", "GOFLAGS=-mod=mod", "GOWORK=off"}, g.Env...)
	env := proc.Environ(nil, set...)
	if g.Log != nil {
		fmt.Fprintf(g.Log, "$ cd %s && env %s %s\n", dir, strings.Join(set, " "), strings.Join(argv, " "))
	}
	res, err := proc.Run(ctx, proc.Cmd{Argv: argv, Dir: dir, Env: env, Timeout: timeout})
	if err != nil {
		return nil, fmt.Errorf("running go %s: %w", strings.Join(args, " "), err)
	}
	if g.Log != nil {
		_, _ = g.Log.Write(res.Output)
	}
	switch {
	case res.TimedOut:
		return res.Output, fmt.Errorf("go %s timed out after %s", strings.Join(args, " "), timeout)
	case res.Canceled:
		return res.Output, fmt.Errorf("go %s: %w", strings.Join(args, " "), ctx.Err())
	case res.ExitCode != 0:
		msg := proc.FirstLines(res.Output, 3)
		if msg == "" {
			msg = fmt.Sprintf("exit status %d", res.ExitCode)
		}
		return res.Output, fmt.Errorf("go %s: %s", strings.Join(args, " "), msg)
	}
	return res.Output, nil
}

// TemplateHash identifies the reproducer's template and generator; it is part
// of every generated directory's name.
func TemplateHash() string {
	h := sha256.New()
	fmt.Fprintf(h, "gorepro repro generator %s\n", generatorVersion)
	h.Write(mainTemplate)
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// Dir returns the directory Generate uses for protobufVersion under workDir.
func Dir(workDir, protobufVersion string) string {
	return filepath.Join(workDir, "repro", protobufVersion+"-"+TemplateHash())
}

// Generate writes (or reuses) the reproducer module for protobufVersion under
// workDir/repro/<protobufVersion>-<templatehash>/ and returns its directory.
// It uses gocmd (the local go command) to find protobuf's go directive and to
// complete go.sum; reusing a complete directory starts no process.
func Generate(ctx context.Context, workDir, protobufVersion string, gocmd GoRunner) (dir string, err error) {
	if err := checkVersion(protobufVersion); err != nil {
		return "", err
	}
	workDir, err = filepath.Abs(workDir)
	if err != nil {
		return "", fmt.Errorf("generating reproducer: %w", err)
	}
	dir = Dir(workDir, protobufVersion)
	if complete(dir) {
		return dir, nil
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("generating reproducer: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, ".tmp-"+protobufVersion+"-")
	if err != nil {
		return "", fmt.Errorf("generating reproducer: %w", err)
	}
	defer func() {
		// Gone already when renamed into place.
		_ = os.RemoveAll(tmp)
	}()
	if err := generateIn(ctx, tmp, protobufVersion, gocmd); err != nil {
		return "", fmt.Errorf("generating reproducer for protobuf %s: %w", protobufVersion, err)
	}
	if err := publish(tmp, dir); err != nil {
		return "", fmt.Errorf("generating reproducer for protobuf %s: %w", protobufVersion, err)
	}
	return dir, nil
}

// checkVersion rejects anything that is not a canonical protobuf module
// version (it becomes part of a path).
func checkVersion(v string) error {
	if !semver.IsValid(v) || semver.Canonical(v) != v {
		return fmt.Errorf("protobuf version %q is not a canonical semantic version such as v1.36.10", v)
	}
	if err := module.Check(ProtobufModule, v); err != nil {
		return fmt.Errorf("protobuf version %q: %w", v, err)
	}
	return nil
}

// complete reports whether dir is a finished reproducer.
func complete(dir string) bool {
	for _, name := range []string{completeMarker, "go.mod", "go.sum", "main.go"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return false
		}
	}
	return true
}

// publish renames the finished tmp to dir. When another generator won the
// race, its complete directory is kept; an incomplete leftover is replaced.
func publish(tmp, dir string) error {
	err := os.Rename(tmp, dir)
	if err == nil {
		return nil
	}
	if complete(dir) {
		return nil
	}
	if !errors.Is(err, fs.ErrExist) && !isNotEmpty(err) {
		return fmt.Errorf("moving into place: %w", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("removing incomplete %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil && !complete(dir) {
		return fmt.Errorf("moving into place: %w", err)
	}
	return nil
}

// isNotEmpty reports whether err is a rename onto a non-empty directory.
func isNotEmpty(err error) bool {
	var le *os.LinkError
	return errors.As(err, &le) && strings.Contains(le.Err.Error(), "not empty")
}

// generateIn writes a complete reproducer into the empty directory dir.
func generateIn(ctx context.Context, dir, protobufVersion string, gocmd GoRunner) error {
	goDirective, err := protobufGoDirective(ctx, dir, protobufVersion, gocmd)
	if err != nil {
		return err
	}
	gomod, err := goMod(goDirective, protobufVersion)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), gomod, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), mainTemplate, 0o644); err != nil {
		return err
	}
	if _, err := gocmd.Run(ctx, dir, "mod", "tidy"); err != nil {
		return err
	}
	// tidy must not have raised the go line or added a toolchain line:
	// either would lock out older toolchains.
	if err := checkGoMod(filepath.Join(dir, "go.mod"), goDirective, protobufVersion); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, "go.sum")); err != nil {
		return fmt.Errorf("go mod tidy wrote no go.sum: %w", err)
	}
	marker, err := json.Marshal(map[string]string{
		"protobuf":     protobufVersion,
		"goDirective":  goDirective,
		"templateHash": TemplateHash(),
	})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, completeMarker), append(marker, '\n'), 0o644)
}

// downloadInfo is the part of `go mod download -json` output we read.
type downloadInfo struct {
	Path    string
	Version string
	GoMod   string
	Error   string
}

// protobufGoDirective returns the go directive of protobuf's go.mod at
// version v ("1.17" when it has none).
func protobufGoDirective(ctx context.Context, dir, v string, gocmd GoRunner) (string, error) {
	out, err := gocmd.Run(ctx, dir, "mod", "download", "-json", ProtobufModule+"@"+v)
	var info downloadInfo
	if jerr := json.Unmarshal(jsonPart(out), &info); jerr == nil && info.Error != "" {
		return "", fmt.Errorf("downloading %s@%s: %s", ProtobufModule, v, info.Error)
	}
	if err != nil {
		return "", err
	}
	if info.GoMod == "" {
		return "", fmt.Errorf("go mod download -json %s@%s reported no go.mod file", ProtobufModule, v)
	}
	data, err := os.ReadFile(info.GoMod)
	if err != nil {
		return "", fmt.Errorf("reading protobuf's go.mod: %w", err)
	}
	f, err := modfile.ParseLax(info.GoMod, data, nil)
	if err != nil {
		return "", fmt.Errorf("parsing protobuf's go.mod: %w", err)
	}
	if f.Go == nil || f.Go.Version == "" {
		return "1.17", nil
	}
	return f.Go.Version, nil
}

// jsonPart returns out from its first '{' (go may print progress lines
// first).
func jsonPart(out []byte) []byte {
	if i := bytes.IndexByte(out, '{'); i >= 0 {
		return out[i:]
	}
	return out
}

// goMod returns the reproducer's go.mod.
func goMod(goDirective, protobufVersion string) ([]byte, error) {
	f := &modfile.File{Syntax: &modfile.FileSyntax{}}
	if err := f.AddModuleStmt(ModulePath); err != nil {
		return nil, err
	}
	if err := f.AddGoStmt(goDirective); err != nil {
		return nil, err
	}
	if err := f.AddRequire(ProtobufModule, protobufVersion); err != nil {
		return nil, err
	}
	f.Cleanup()
	return modfile.Format(f.Syntax), nil
}

// checkGoMod verifies the go.mod that tidy left behind.
func checkGoMod(path, goDirective, protobufVersion string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	f, err := modfile.Parse(path, data, nil)
	if err != nil {
		return err
	}
	if f.Toolchain != nil {
		return fmt.Errorf("go mod tidy added a toolchain line (%s) to the reproducer's go.mod", f.Toolchain.Name)
	}
	if f.Go == nil || f.Go.Version != goDirective {
		return fmt.Errorf("go mod tidy changed the reproducer's go line from %s", goDirective)
	}
	for _, r := range f.Require {
		if r.Mod.Path == ProtobufModule && r.Mod.Version != protobufVersion {
			return fmt.Errorf("go mod tidy changed the protobuf requirement to %s", r.Mod.Version)
		}
	}
	return nil
}

// Facts is what a reproducer binary that reached main prints about itself.
type Facts struct {
	// GoVersion is runtime.Version() of the binary.
	GoVersion string `json:"goVersion"`
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	// Cover is true when the binary was built with -cover.
	Cover bool `json:"cover"`
	// Modules maps each dependency module path to its version (with
	// " => replacement" when replaced).
	Modules map[string]string `json:"modules"`
	// Formatted is the prototext rendering of the test message.
	Formatted string `json:"formatted"`
}

// Protobuf returns the linked google.golang.org/protobuf version.
func (f *Facts) Protobuf() string { return f.Modules[ProtobufModule] }

// factsPrefix starts the reproducer's facts line.
const factsPrefix = `{"gorepro":"repro"`

// ParseFacts finds the reproducer's facts line in captured output and decodes
// it. It reports false when there is none (the binary did not reach main).
func ParseFacts(output []byte) (*Facts, bool) {
	sc := bufio.NewScanner(bytes.NewReader(output))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		line := sc.Text()
		i := strings.Index(line, factsPrefix)
		if i < 0 {
			continue
		}
		var f struct {
			Gorepro string `json:"gorepro"`
			Facts
		}
		if err := json.Unmarshal([]byte(line[i:]), &f); err != nil || f.Gorepro != "repro" {
			continue
		}
		return &f.Facts, true
	}
	return nil, false
}

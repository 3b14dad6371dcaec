package cellbuild

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/semver"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/emulation"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/toolchain"
	"github.com/gorepro/gorepro/repro"
)

// DefaultTimeout bounds one build when Spec.Timeout is zero.
const DefaultTimeout = 10 * time.Minute

// Spec is one build: a target built with a toolchain for a protobuf version,
// with or without -cover, for an architecture.
type Spec struct {
	Toolchain *toolchain.Resolved
	// Target is the thing to build (kind repro, package, probe or dockerfile).
	Target config.Target
	// Protobuf is the google.golang.org/protobuf version the cell asks for.
	// Empty for a package target means none: the module is built with its
	// own go.mod and go.sum, untouched, without an alternate module file.
	Protobuf string
	Cover    bool
	// GOARCH is the architecture to build for; "" or "native" means the
	// toolchain's host architecture, anything else cross-compiles.
	GOARCH string
	// WorkDir is gorepro's work and cache directory, outside any module
	// tree: generated reproducers and alternate go.mod files live there.
	WorkDir string
	// Output is the path of the binary to write.
	Output string
	// Timeout bounds the go build; DefaultTimeout when zero.
	Timeout time.Duration
	// LocalGo runs the local go command to generate the reproducer.
	LocalGo repro.GoRunner
	// PrepareByFlag says that Target was given on the command line
	// (gorepro check --dir), so hints name the --prepare flag rather than
	// the config's "prepare" field.
	PrepareByFlag bool
	// Relink removes a binary left at Output first, so the go command
	// links it again even when it is up to date.
	Relink bool
	// HostModCache is the host's GOMODCACHE, served to container builds;
	// asked from the local go command when empty.
	HostModCache string
	// Builders, when set, runs the go build of an image toolchain in the
	// run's builder container instead of a container of its own (see
	// "Builder containers" in the package documentation).
	Builders *Builders
}

// Result is what a build produced.
type Result struct {
	OK bool
	// Outcome is "" when OK, else record.BuildError or record.Unavailable.
	Outcome record.Outcome
	// Reason explains a failure in one line.
	Reason string
	// BuildCrash is set when a program crashed while preparing or
	// building (record.Cell.BuildCrash).
	BuildCrash *record.BuildCrash
	// Log is the build output, preceded by the commands run (each line
	// starting with "$ ").
	Log     []byte
	Seconds float64
	// Binary is the path of the built binary.
	Binary string
	// Image is the image built for a dockerfile target; its entrypoint
	// is the binary (a copy of which is at Binary). Dockerfile is the
	// copy of its Dockerfile built with FROM images replaced, nil when
	// the target asks for none.
	Image      string
	Dockerfile *record.DockerfileCopy
	// GoVersion, GOOS and GOARCH are read from the binary's build info.
	GoVersion string
	GOOS      string
	GOARCH    string
	// ProtobufLinked is the google.golang.org/protobuf version in the
	// binary ("" when not linked); ProtobufNote says why it differs from
	// the version asked for.
	ProtobufLinked string
	ProtobufNote   string
	// BuildList is every module of the binary's build info: the main
	// module first, then its dependencies.
	BuildList []record.Module
	// Reproduce says how to redo the build by hand.
	Reproduce record.Reproduce
}

// Build builds s.Target as s describes. It never returns nil; failures are
// reported in the Result.
func Build(ctx context.Context, s Spec) *Result {
	start := time.Now()
	var log bytes.Buffer
	r := buildCell(ctx, s, &log)
	r.Log = log.Bytes()
	r.Seconds = time.Since(start).Seconds()
	return r
}

// buildCell builds s.Target as Build describes, writing the commands and
// their output to log.
func buildCell(ctx context.Context, s Spec, log *bytes.Buffer) *Result {
	tc := s.Toolchain
	if tc == nil {
		return failed(record.Unavailable, "no toolchain")
	}
	if !tc.Available {
		if tc.BuildCrash != nil { // the toolchain's go command crashed: a build-error, named
			r := failed(record.BuildError, tc.Reason)
			r.BuildCrash = tc.BuildCrash
			return r
		}
		return failed(record.Unavailable, tc.Reason)
	}
	output, err := filepath.Abs(s.Output)
	if err != nil || s.Output == "" {
		return failed(record.BuildError, fmt.Sprintf("bad output path %q", s.Output))
	}
	// The build runs in another directory: every path it is given must be
	// absolute.
	if s.WorkDir == "" {
		return failed(record.BuildError, "no work directory")
	}
	if s.WorkDir, err = filepath.Abs(s.WorkDir); err != nil {
		return failed(record.BuildError, fmt.Sprintf("bad work directory: %v", err))
	}
	if s.Target.Kind == config.TargetDockerfile {
		return buildDockerfile(ctx, s, output, log)
	}

	src, err := targetSource(ctx, s, output, log)
	if err != nil {
		r := failed(record.BuildError, oneLine(err.Error()))
		var pe *prepareError
		if errors.As(err, &pe) {
			if r.BuildCrash = buildCrashOf("prepare", pe.command, pe.goCmd, pe.output); r.BuildCrash != nil {
				r.Reason = r.BuildCrash.String()
			}
		}
		return r
	}
	setEnv := buildEnv(s)
	argv := goBuildArgv(s, src, output)
	r := &Result{Binary: output}
	if tc.Container == nil {
		script, err := portableScript(s, src, setEnv, argv)
		if err != nil {
			return failed(record.BuildError, oneLine("writing the reproduce script: "+err.Error()))
		}
		r.Reproduce = reproduce(src.dir, setEnv, argv, script)
		fmt.Fprintf(log, "$ %s\n", localScript(r.Reproduce))
	}
	if err := prepareOutput(output, s.Relink); err != nil {
		return r.fail(record.BuildError, err.Error())
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	res, outcome, err := r.runGoBuild(ctx, s, src.dir, setEnv, argv, output, timeout, log)
	if err != nil {
		return r.fail(outcome, oneLine(err.Error()))
	}
	log.Write(res.Output)
	switch {
	case res.Canceled:
		return r.fail(record.Unavailable, "build interrupted")
	case res.TimedOut:
		return r.fail(record.BuildError, fmt.Sprintf("build timed out after %s", timeout))
	case res.ExitCode != 0:
		reason := FirstError(res.Output)
		if reason == "" {
			reason = fmt.Sprintf("go build failed with exit status %d", res.ExitCode)
		}
		if r.BuildCrash = buildCrashOf("build", "go build", true, res.Output); r.BuildCrash != nil {
			reason = r.BuildCrash.String()
		}
		return r.fail(record.BuildError, reason+prepareHint(s.Target, res.Output, s.PrepareByFlag))
	}
	return r.check(ctx, s, src, proc.Environ(nil, setEnv...), log)
}

// source is what the go build of one target works on: the directory it
// runs in, the package it builds there, and the -mod flags that apply the
// protobuf axis.
type source struct {
	dir, pkg string
	modArgs  []string
}

// targetSource prepares the source of s.Target, one function per kind.
func targetSource(ctx context.Context, s Spec, output string, log *bytes.Buffer) (source, error) {
	switch s.Target.Kind {
	case config.TargetRepro:
		return reproSource(ctx, s, log)
	case config.TargetEnvProbe:
		return probeSource(s, log)
	case config.TargetPackage:
		return packageSource(ctx, s, output, log)
	}
	return source{}, fmt.Errorf("unknown target kind %q", s.Target.Kind)
}

// reproSource generates the reproducer module for the cell's protobuf
// version.
func reproSource(ctx context.Context, s Spec, log *bytes.Buffer) (source, error) {
	runner := s.LocalGo
	runner.Log = log
	dir, err := repro.Generate(ctx, s.WorkDir, s.Protobuf, runner)
	return source{dir: dir, pkg: ".", modArgs: []string{"-mod=readonly"}}, err
}

// probeSource generates gorepro's environment probe: one file, no
// dependencies, no protobuf axis.
func probeSource(s Spec, log *bytes.Buffer) (source, error) {
	dir, err := emulation.GenerateProbe(s.WorkDir)
	if err == nil {
		fmt.Fprintf(log, "# %s: gorepro's environment probe (no dependencies)\n", dir)
	}
	return source{dir: dir, pkg: ".", modArgs: []string{"-mod=readonly"}}, err
}

// packageSource is the user's module: as it is, or, to apply the protobuf
// axis or the target's modules, with an alternate module file in the work
// directory (the user's go.mod and go.sum are never written). A target
// with prepare commands builds a prepared copy of the module instead (see
// prepareModule).
func packageSource(ctx context.Context, s Spec, output string, log *bytes.Buffer) (source, error) {
	dir, err := filepath.Abs(s.Target.Dir)
	if err != nil || s.Target.Dir == "" {
		return source{}, fmt.Errorf("target %q has no usable module directory %q", s.Target.Name, s.Target.Dir)
	}
	if len(s.Target.Prepare) > 0 {
		if dir, err = prepareModule(ctx, s, dir, log); err != nil {
			return source{}, err
		}
	}
	src := source{dir: dir, pkg: cmp.Or(s.Target.Package, ".")}
	if s.Protobuf == "" && len(s.Target.Modules) == 0 {
		// No protobuf override: the module's own go.mod and go.sum, as
		// they are, with the go command's default -mod.
		fmt.Fprintf(log, "# %s: as is (no protobuf override)\n", filepath.Join(dir, "go.mod"))
		return src, nil
	}
	altGoMod, err := prepareModfile(dir, s.Protobuf, s.Target.Modules, s.WorkDir, output)
	if err != nil {
		return source{}, err
	}
	fmt.Fprintf(log, "# %s: copy of %s requiring %s %s\n", altGoMod, filepath.Join(dir, "go.mod"), repro.ProtobufModule, s.Protobuf)
	src.modArgs = []string{"-mod=mod", "-modfile=" + altGoMod}
	return src, nil
}

// goBuildArgv is the one go build command of every target kind.
func goBuildArgv(s Spec, src source, output string) []string {
	argv := []string{s.Toolchain.GoCmd, "build", "-buildvcs=false", "-o", output}
	if s.Cover {
		argv = append(argv, "-cover")
	}
	argv = append(argv, src.modArgs...)
	argv = append(argv, s.Target.BuildFlags...)
	return append(argv, src.pkg)
}

// prepareOutput makes output's directory. A binary left at output by an
// earlier build is kept unless relink asks otherwise: the go command
// relinks it unless its build ID says it was built from exactly these
// inputs, and a failed build is reported as such whatever the file holds.
// Anything that is not a Go binary is removed too: the go command refuses
// to overwrite it.
func prepareOutput(output string, relink bool) error {
	if err := os.MkdirAll(filepath.Dir(output), 0o755); err != nil {
		return fmt.Errorf("creating output directory: %v", err)
	}
	if _, err := buildinfo.ReadFile(output); relink || (err != nil && !errors.Is(err, fs.ErrNotExist)) {
		if err := os.Remove(output); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("removing old binary: %v", err)
		}
	}
	return nil
}

// runGoBuild runs argv in dir: on this host, or in the builder image with
// everything it needs mounted at the same paths and no network, where it
// also records the container command as the way to reproduce it. An
// error comes with the outcome it means.
func (r *Result) runGoBuild(ctx context.Context, s Spec, dir string, setEnv, argv []string, output string, timeout time.Duration, log *bytes.Buffer) (*proc.Result, record.Outcome, error) {
	c := s.Toolchain.Container
	if c == nil {
		res, err := proc.Run(ctx, proc.Cmd{Argv: argv, Dir: dir, Env: proc.Environ(nil, setEnv...), Timeout: timeout})
		return res, record.Unavailable, err
	}
	spec, err := containerBuild(ctx, s, c, dir, setEnv, argv, output, timeout, log)
	if err != nil {
		// An engine that stopped answering (preparing the build's
		// volumes) says nothing about the code.
		return nil, engineOutcome(err), err
	}
	r.Reproduce = reproduceContainer(container.Standalone(c.Engine.RunArgv(spec)))
	fmt.Fprintf(log, "$ %s\n", r.Reproduce.Script)
	var res *proc.Result
	if s.Builders != nil {
		res, err = s.Builders.run(ctx, s.WorkDir, c, spec, log)
	} else {
		res, err = c.Engine.Run(ctx, spec)
	}
	if err != nil {
		return nil, engineOutcome(err), err
	}
	reownMounts(spec, log)
	return res, "", nil
}

// check reads what the built binary says of itself, checks that its Go
// version is the toolchain's, and explains a protobuf version other than
// the one asked for.
func (r *Result) check(ctx context.Context, s Spec, src source, env []string, log *bytes.Buffer) *Result {
	tc := s.Toolchain
	if err := r.readBinary(r.Binary); err != nil {
		return r.fail(record.BuildError, err.Error())
	}
	if reason := CheckGoVersion(r.GoVersion, tc); reason != "" {
		return r.fail(record.BuildError, reason)
	}
	if r.ProtobufNote == "" {
		r.ProtobufNote = protobufNote(ctx, s.Protobuf, r.ProtobufLinked, func() []byte {
			graphArgv := append([]string{tc.GoCmd, "mod", "graph"}, modfileArgs(src.modArgs)...)
			fmt.Fprintf(log, "$ %s\n", Script(src.dir, r.Reproduce.Env, graphArgv))
			g, err := proc.Run(ctx, proc.Cmd{Argv: graphArgv, Dir: src.dir, Env: env, Timeout: time.Minute})
			if err != nil || g.ExitCode != 0 {
				return nil
			}
			return g.Output
		})
	}
	r.OK = true
	return r
}

// failed is a Result for a build that never started.
// readBinary fills in what the binary's build info says: Go version,
// GOOS/GOARCH and the protobuf version linked.
func (r *Result) readBinary(binary string) error {
	info, err := buildinfo.ReadFile(binary)
	if err != nil {
		return fmt.Errorf("reading build info of %s: %v", binary, err)
	}
	r.GoVersion = info.GoVersion
	r.BuildList = buildList(info)
	for _, setting := range info.Settings {
		switch setting.Key {
		case "GOOS":
			r.GOOS = setting.Value
		case "GOARCH":
			r.GOARCH = setting.Value
		}
	}
	for _, dep := range info.Deps {
		if dep.Path == repro.ProtobufModule {
			r.ProtobufLinked = dep.Version
			if dep.Replace != nil {
				r.ProtobufNote = fmt.Sprintf("%s is replaced by %s %s", repro.ProtobufModule, dep.Replace.Path, dep.Replace.Version)
			}
		}
	}
	return nil
}

// buildList is the build list of a binary's build info, main module
// first.
func buildList(info *debug.BuildInfo) []record.Module {
	mods := []record.Module{{Path: info.Main.Path, Version: info.Main.Version, Sum: info.Main.Sum}}
	for _, dep := range info.Deps {
		m := record.Module{Path: dep.Path, Version: dep.Version, Sum: dep.Sum}
		if r := dep.Replace; r != nil {
			m.Replace = strings.TrimSpace(r.Path + " " + r.Version)
		}
		mods = append(mods, m)
	}
	return mods
}

func failed(outcome record.Outcome, reason string) *Result {
	return &Result{Outcome: outcome, Reason: reason}
}

// fail marks r as failed.
func (r *Result) fail(outcome record.Outcome, reason string) *Result {
	r.OK = false
	r.Outcome = outcome
	r.Reason = reason
	return r
}

// buildEnv returns the variables gorepro sets for s's build, in a stable
// order, later ones (the target's buildEnv) overriding earlier ones.
func buildEnv(s Spec) []string {
	set := append([]string{}, s.Toolchain.Env...)
	cgo := "0"
	if s.Target.CGO {
		cgo = "1"
	}
	goos := s.Toolchain.HostGOOS
	if goos == "" {
		goos = "linux"
	}
	goarch := s.GOARCH
	if goarch == "" || goarch == "native" {
		goarch = s.Toolchain.HostGOARCH
	}
	set = append(set,
		"CGO_ENABLED="+cgo,
		"GOOS="+goos,
		"GOARCH="+goarch,
		"GOFLAGS=",
		"GOWORK=off",
	)
	if c := s.Toolchain.RunContainer(); c != nil {
		// The platform's variant: GOARM=7 for linux/arm/v7.
		set = append(set, config.ParsePlatform(c.Platform).BuildEnv(goarch)...)
	}
	keys := make([]string, 0, len(s.Target.BuildEnv))
	for k := range s.Target.BuildEnv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		set = append(set, k+"="+s.Target.BuildEnv[k])
	}
	return proc.Environ([]string{}, set...)
}

// modfileArgs keeps the -modfile flag of a build's module flags.
func modfileArgs(modArgs []string) []string {
	var out []string
	for _, a := range modArgs {
		if strings.HasPrefix(a, "-modfile=") {
			out = append(out, a)
		}
	}
	return out
}

// CheckGoVersion returns why a binary whose build info says binaryVersion
// cannot count as built by tc, or "" when it can.
func CheckGoVersion(binaryVersion string, tc *toolchain.Resolved) string {
	got, _ := toolchain.SplitVersion(binaryVersion)
	if got == tc.GoVersion {
		return ""
	}
	return fmt.Sprintf("binary was built by %s but toolchain %q is %s (GOTOOLCHAIN switched?)", got, tc.Name, tc.GoVersion)
}

// protobufNote explains a linked protobuf version that differs from the one
// asked for; graph returns `go mod graph` output, or nil, and is only called
// when needed.
func protobufNote(ctx context.Context, asked, linked string, graph func() []byte) string {
	switch {
	case asked == "" || linked == asked:
		return ""
	case linked == "":
		return fmt.Sprintf("asked %s but the binary does not link %s", asked, repro.ProtobufModule)
	case semver.Compare(linked, asked) < 0:
		return fmt.Sprintf("asked %s but %s was linked", asked, linked)
	}
	note := fmt.Sprintf("asked %s but MVS selected %s", asked, linked)
	if ctx.Err() != nil {
		return note
	}
	if by := requiredBy(graph(), repro.ProtobufModule+"@"+linked); len(by) > 0 {
		return note + " (required by " + strings.Join(by, ", ") + ")"
	}
	return note
}

// requiredBy returns the modules (other than the main module) that require
// mod ("path@version") in `go mod graph` output, as "path version".
func requiredBy(graph []byte, mod string) []string {
	var by []string
	sc := bufio.NewScanner(bytes.NewReader(graph))
	for sc.Scan() {
		from, to, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if !ok || to != mod || !strings.Contains(from, "@") {
			continue
		}
		by = append(by, strings.Replace(from, "@", " ", 1))
	}
	sort.Strings(by)
	const most = 3
	if len(by) > most {
		by = append(by[:most], fmt.Sprintf("and %d more", len(by)-most))
	}
	return by
}

// FirstError returns the first meaningful error line of go build output:
// package headers ("# pkg"), download progress and blank lines are skipped.
func FirstError(out []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "",
			strings.HasPrefix(line, "#"),
			strings.HasPrefix(line, "$ "),
			strings.HasPrefix(line, "go: downloading "),
			strings.HasPrefix(line, "go: finding "),
			strings.HasPrefix(line, "go: extracting "),
			strings.HasPrefix(line, "go: warning: "):
			continue
		}
		return line
	}
	return ""
}

// oneLine joins a multi-line message into one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}

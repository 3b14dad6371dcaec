package toolchain

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/gorootfiles"
	"github.com/gorepro/gorepro/internal/gosource"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/statcache"
)

// DefaultTimeout bounds resolving one toolchain. It is long because the first
// use of a gotoolchain release downloads it (tens of megabytes).
const DefaultTimeout = 10 * time.Minute

// Resolved is a toolchain ready to build with, or the reason it is not.
type Resolved struct {
	// Name and Kind are copied from the configuration.
	Name string `json:"name"`
	Kind string `json:"kind"`
	// GoVersion is the version the go command reports (`go env GOVERSION`)
	// without any experiment suffix, e.g. "go1.26.8"; Experiments holds
	// that suffix without the "X:" ("nocoverageredesign"), if any.
	GoVersion   string `json:"goVersion"`
	Experiments string `json:"experiments,omitempty"`
	// GOROOT is the toolchain's root directory.
	GOROOT string `json:"goroot,omitempty"`
	// GoCmd is the absolute path of the go binary to execute.
	GoCmd string `json:"goCmd,omitempty"`
	// Env is what every build with this toolchain must set, as KEY=VALUE
	// strings: always an explicit GOTOOLCHAIN ("local", or the exact
	// release for kind gotoolchain), plus GOROOT for kind goroot.
	Env []string `json:"env,omitempty"`
	// HostGOOS and HostGOARCH are what the toolchain reports as its host
	// (`go env GOHOSTOS GOHOSTARCH`).
	HostGOOS   string `json:"hostGOOS,omitempty"`
	HostGOARCH string `json:"hostGOARCH,omitempty"`
	// Available says whether builds can use the toolchain; Reason explains
	// in one line why not and how to fix it.
	Available bool   `json:"available"`
	Reason    string `json:"reason,omitempty"`
	// EngineFailure is, when a container engine's failure made the
	// toolchain unavailable, its kind as container.ErrorKind names it
	// ("registry error", "image absent", "engine down", …).
	EngineFailure string `json:"engineFailure,omitempty"`
	// Warning is set when something is off but builds can go ahead, e.g.
	// the toolchain is not the configured expectGo version.
	Warning string `json:"warning,omitempty"`
	// Container describes the engine and images of a kind image
	// toolchain.
	Container *Container `json:"container,omitempty"`
	// RunsIn is where the binaries of a host toolchain (every kind but
	// image) with a runtimeImage run: the engine, the platform and the
	// runtime image (Builder is nil: builds run on this host, for the
	// platform). Nil when they run on this host, and for image
	// toolchains, whose Container says it. See RunContainer.
	RunsIn *Container `json:"runsIn,omitempty"`
	// GoEnv holds the container.ReportedGoEnv variables as the toolchain's go
	// command reports them with the toolchain's Env (and GOFLAGS cleared,
	// as builds do), e.g. GOAMD64 "v1", CGO_ENABLED "1"; for a host
	// toolchain with RunsIn, with the GOOS, GOARCH and GOARM of its
	// platform. Builds set GOARCH, CGO_ENABLED and GOFLAGS per cell, and
	// GOARM for an arm variant (see each cell's reproduce env).
	GoEnv map[string]string `json:"goEnv,omitempty"`
	// Identity is a stable string for cache keys; it changes when the
	// toolchain is replaced or anything a build reads from it changes
	// (kind, version, GOROOT, the go binary, and the stat stamp of every
	// file of GOROOT a build can read: see identity).
	Identity string `json:"identity,omitempty"`
	// Files is the walk of GOROOT that Identity's stamp comes from (nil
	// for image toolchains and when GOROOT could not be listed): a run
	// hashes the files' content from it (gorootfiles.Listing.Manifest)
	// instead of walking again. Not recorded.
	Files *gorootfiles.Listing `json:"-"`
	// Build fingerprints the toolchain's build by content (see
	// BuildFingerprint): equal for two copies of one build, different for
	// two builds of one Go version.
	Build string `json:"build,omitempty"`
	// GoSource is how a kind gosource toolchain was made. BuildCrash is
	// the crash of the toolchain's own go command: an image's, when
	// gorepro asked its version, or a gosource commit's own toolchain
	// building itself in make.bash (its runtime's bug, often the one
	// sought). Its cells are build-errors that name the crash (the
	// toolchain's, never the target's), not unavailable.
	GoSource   *record.GoSource   `json:"goSource,omitempty"`
	BuildCrash *record.BuildCrash `json:"buildCrash,omitempty"`
	// BuildCache is the go build cache the host builds of this
	// toolchain use (`go env GOCACHE`: a directory, or "off"); empty for
	// image toolchains, whose builds use a volume. Not recorded: it is a
	// path of this machine, used only to schedule builds.
	BuildCache string `json:"-"`
}

// Options tune Resolve.
type Options struct {
	// GoCmd is the local go command (used for kinds local and
	// gotoolchain); "go" looked up on PATH when empty.
	GoCmd string
	// Timeout bounds each go command Resolve runs; DefaultTimeout when
	// zero.
	Timeout time.Duration
	// Engine returns the container engine for kind image toolchains by
	// name ("" = auto-detect), with what the engine says about its host,
	// or the error that makes it unusable. Nil makes image toolchains
	// unavailable.
	Engine func(ctx context.Context, name string) (*container.Engine, *container.Info, error)
	// Pull is the image pull policy (container.PullMissing when empty).
	Pull container.PullPolicy
	// CacheDir, when set, keeps each GOROOT's build fingerprint under a
	// stat signature of the files it reads (see CachedBuildFingerprint),
	// and the toolchains of kind gosource (see internal/gosource).
	CacheDir string
	// GoSource builds the toolchains of kind gosource; one on CacheDir
	// when nil.
	GoSource *gosource.Builder
}

// goEnv is the part of `go env -json` Resolve asks for.
type goEnv struct {
	GOVERSION  string
	GOROOT     string
	GOHOSTOS   string
	GOHOSTARCH string
	GOCACHE    string
	// Reported are the container.ReportedGoEnv variables.
	Reported map[string]string `json:"-"`
}

// Resolve finds out what tc is. It never fails: a toolchain that cannot be
// used comes back with Available false and a Reason.
func Resolve(ctx context.Context, tc config.Toolchain, opts Options) *Resolved {
	r := &Resolved{Name: tc.Name, Kind: tc.Kind}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	switch tc.Kind {
	case config.KindLocal:
		resolveLocal(ctx, r, opts)
	case config.KindGoroot:
		resolveGoroot(ctx, r, tc, opts)
	case config.KindGotoolchain:
		resolveGotoolchain(ctx, r, tc, opts)
	case config.KindImage:
		resolveImage(ctx, r, tc, opts)
	case config.KindGosource:
		resolveGosource(ctx, r, tc, opts)
	default:
		r.Reason = fmt.Sprintf("unknown toolchain kind %q; use local, goroot, gotoolchain, image or gosource", tc.Kind)
	}
	if r.Available && tc.Kind != config.KindImage && tc.RuntimeImage != "" {
		resolveRunsIn(ctx, r, tc, opts)
	}
	if r.Available {
		r.Warning = expectWarning(tc.ExpectGo, r.GoVersion)
		if r.Container != nil {
			r.Identity = r.Container.identity()
			r.Build = r.Container.build()
		} else {
			r.Identity = identity(r) + " " + r.filesStamp() + " goenv=" + joinEnv(r.GoEnv)
			r.Build = r.filesFingerprint(opts.CacheDir)
		}
		if r.RunsIn != nil {
			r.Identity += " runsIn: " + r.RunsIn.identity()
		}
	}
	return r
}

// RunContainer is where r's binaries run in a container: an image
// toolchain's Container, a host toolchain's RunsIn, or nil when they run
// on this host.
func (r *Resolved) RunContainer() *Container {
	if r.Container != nil {
		return r.Container
	}
	return r.RunsIn
}

func resolveLocal(ctx context.Context, r *Resolved, opts Options) {
	goCmd, err := lookGo(opts.GoCmd)
	if err != nil {
		r.Reason = fmt.Sprintf("no go command: %v; install Go or put it on PATH", err)
		return
	}
	// An inherited GOROOT would make this go command use another
	// release's tools; clear it so the go on PATH uses its own tree.
	r.Env = []string{"GOTOOLCHAIN=local", "GOROOT="}
	r.useGoCmd(ctx, goCmd, opts)
}

func resolveGoroot(ctx context.Context, r *Resolved, tc config.Toolchain, opts Options) {
	if tc.GOROOT == "" {
		r.Reason = "toolchain kind goroot has no goroot; set \"goroot\" to an installed Go tree"
		return
	}
	goroot, err := filepath.Abs(tc.GOROOT)
	if err != nil {
		r.Reason = fmt.Sprintf("goroot %s: %v", tc.GOROOT, err)
		return
	}
	if fi, err := os.Stat(goroot); err != nil || !fi.IsDir() {
		r.Reason = fmt.Sprintf("goroot %s does not exist or is not a directory; install Go there or fix \"goroot\"", goroot)
		return
	}
	goCmd := filepath.Join(goroot, "bin", "go")
	if fi, err := os.Stat(goCmd); err != nil || fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		r.Reason = fmt.Sprintf("goroot %s has no executable %s; point \"goroot\" at a complete Go installation", goroot, goCmd)
		return
	}
	r.Env = []string{"GOTOOLCHAIN=local", "GOROOT=" + goroot}
	r.useGoCmd(ctx, goCmd, opts)
}

func resolveGotoolchain(ctx context.Context, r *Resolved, tc config.Toolchain, opts Options) {
	if tc.Version == "" {
		r.Reason = "toolchain kind gotoolchain has no version; set \"version\" to a Go release such as \"go1.25.5\""
		return
	}
	goCmd, err := lookGo(opts.GoCmd)
	if err != nil {
		r.Reason = fmt.Sprintf("no go command to fetch %s with: %v; install Go or put it on PATH", tc.Version, err)
		return
	}
	// GOROOT is cleared for the same reason as for local: the fetched
	// release must use its own tree.
	r.Env = []string{"GOTOOLCHAIN=" + tc.Version, "GOROOT="}
	env, reason := runGoEnv(ctx, goCmd, r.Env, opts.Timeout)
	if reason != "" {
		r.Reason = fmt.Sprintf("GOTOOLCHAIN=%s: %s (the go command fetches it from GOPROXY: check network access, GOPROXY and that the release exists)", tc.Version, reason)
		return
	}
	r.fill(env)
	r.GoCmd = filepath.Join(env.GOROOT, "bin", "go")
	if _, err := os.Stat(r.GoCmd); err != nil {
		r.Available = false
		r.Reason = fmt.Sprintf("GOTOOLCHAIN=%s reports GOROOT %s but %s is missing; clear it from the module cache and retry", tc.Version, env.GOROOT, r.GoCmd)
		return
	}
	if r.GoVersion != tc.Version {
		r.Warning = fmt.Sprintf("GOTOOLCHAIN=%s gave %s", tc.Version, r.GoVersion)
	}
}

// useGoCmd makes goCmd, run with r.Env, the toolchain's go command and
// fills r in from its `go env`; or says in r.Reason why it cannot be used.
func (r *Resolved) useGoCmd(ctx context.Context, goCmd string, opts Options) {
	env, reason := runGoEnv(ctx, goCmd, r.Env, opts.Timeout)
	if reason != "" {
		r.Reason = reason
		return
	}
	r.GoCmd = goCmd
	r.fill(env)
}

// fill copies what `go env` reported into r and marks it available.
func (r *Resolved) fill(env *goEnv) {
	r.GoVersion, r.Experiments = SplitVersion(env.GOVERSION)
	r.GOROOT = env.GOROOT
	r.HostGOOS = env.GOHOSTOS
	r.HostGOARCH = env.GOHOSTARCH
	r.BuildCache = env.GOCACHE
	r.GoEnv = env.Reported
	r.Available = true
}

// SplitVersion splits a Go version as printed by the go command or stored in
// a binary ("go1.26.8 X:nocoverageredesign") into the release ("go1.26.8")
// and the experiments ("nocoverageredesign").
func SplitVersion(v string) (version, experiments string) {
	v = strings.TrimSpace(v)
	version, rest, _ := strings.Cut(v, " ")
	rest = strings.TrimSpace(rest)
	return version, strings.TrimPrefix(rest, "X:")
}

// lookGo returns the absolute path of the go command to use.
func lookGo(goCmd string) (string, error) {
	if goCmd == "" {
		goCmd = "go"
	}
	p, err := exec.LookPath(goCmd)
	if err != nil {
		return "", err
	}
	return filepath.Abs(p)
}

// withoutGoNotes drops the lines the go command writes to stderr while it
// works ("go: downloading go1.27.3 (linux/amd64)" the first time a
// GOTOOLCHAIN release is used), which the combined output interleaves with
// the JSON, before or after it.
func withoutGoNotes(out []byte) []byte {
	var kept []byte
	for line := range bytes.Lines(out) {
		if !bytes.HasPrefix(line, []byte("go: ")) {
			kept = append(kept, line...)
		}
	}
	return kept
}

// runGoEnv runs `go env -json ...` with set added to the environment. It
// returns a one-line reason when that fails.
func runGoEnv(ctx context.Context, goCmd string, set []string, timeout time.Duration) (*goEnv, string) {
	// GOFLAGS is cleared so a user setting cannot break or change the query.
	env := proc.Environ(nil, append([]string{"GOFLAGS="}, set...)...)
	res, err := proc.Run(ctx, proc.Cmd{
		Argv:    append([]string{goCmd, "env", "-json", "GOVERSION", "GOROOT", "GOHOSTOS", "GOHOSTARCH", "GOCACHE"}, container.ReportedGoEnv()...),
		Env:     env,
		Timeout: timeout,
		Dir:     os.TempDir(), // outside any module or workspace whose go line could interfere
	})
	if err != nil {
		return nil, err.Error()
	}
	switch {
	case res.TimedOut:
		return nil, fmt.Sprintf("%s env timed out after %s", goCmd, timeout)
	case res.Canceled:
		return nil, fmt.Sprintf("%s env was interrupted", goCmd)
	case res.ExitCode != 0:
		msg := proc.FirstLines(res.Output, 3)
		if msg == "" {
			msg = fmt.Sprintf("exit status %d", res.ExitCode)
		}
		return nil, fmt.Sprintf("%s env failed: %s", goCmd, msg)
	}
	out := withoutGoNotes(res.Output)
	var e goEnv
	if err := json.Unmarshal(out, &e); err != nil {
		return nil, fmt.Sprintf("%s env printed something that is not JSON (%v): %s", goCmd, err, proc.FirstLines(res.Output, 1))
	}
	var all map[string]string
	if err := json.Unmarshal(out, &all); err == nil {
		e.Reported = map[string]string{}
		for _, name := range container.ReportedGoEnv() {
			e.Reported[name] = all[name]
		}
	}
	if e.GOVERSION == "" || e.GOROOT == "" {
		return nil, fmt.Sprintf("%s env did not report GOVERSION and GOROOT; is it a Go 1.21 or later go command?", goCmd)
	}
	return &e, ""
}

// expectWarning returns the warning for a toolchain that is not the expected
// version, or "".
func expectWarning(expect, got string) string {
	if expect == "" {
		return ""
	}
	want := expect
	if !strings.HasPrefix(want, "go") {
		want = "go" + want
	}
	if want == got {
		return ""
	}
	return fmt.Sprintf("expected %s but the toolchain is %s", want, got)
}

// identity builds r.Identity from what is on disk: the toolchain's kind,
// version, GOROOT, go binary and VERSION file (Resolve adds filesStamp for
// toolchains on this host).
func identity(r *Resolved) string {
	return fmt.Sprintf("kind=%s version=%s experiments=%s goroot=%s gocmd=%s(%s) VERSION(%s) env=%s",
		r.Kind, r.GoVersion, r.Experiments, r.GOROOT, r.GoCmd, fileStamp(r.GoCmd),
		fileStamp(filepath.Join(r.GOROOT, "VERSION")), strings.Join(r.Env, ","))
}

// joinEnv is env as sorted KEY=VALUE pairs joined by commas: for a host
// toolchain's identity, the go env values its go command reports (from
// the environment or the user's go env file, `go env -w GOAMD64=v3`),
// which change the code it compiles.
func joinEnv(env map[string]string) string {
	var pairs []string
	for _, k := range slices.Sorted(maps.Keys(env)) {
		pairs = append(pairs, k+"="+env[k])
	}
	return strings.Join(pairs, ",")
}

// filesStamp lists r's GOROOT into r.Files and stamps what a build can
// read from it: every file under src/ and pkg/tool/ that a manifest
// covers (path, size, modification time, inode), go.env and pkg/include.
// The go command compiles every standard package from GOROOT/src, so a
// GOROOT whose runtime was patched in place (the injected GOROOT of the
// tests, a vendor's patch), or whose src/os a Go developer edited, is
// another toolchain though its go binary and VERSION are unchanged: a
// cell cached before such an edit must not be reused after it. A GOROOT
// that cannot be listed gets a stamp that no other run shares, so that
// nothing is reused on an unknown state.
func (r *Resolved) filesStamp() string {
	var files string
	if l, err := gorootfiles.List(r.GOROOT); err == nil {
		r.Files = l
		files = l.Stamp()
	} else {
		files = fmt.Sprintf("unlisted %d", time.Now().UnixNano())
	}
	return fmt.Sprintf("files(%s) go.env(%s) include(%s)", files,
		fileStamp(filepath.Join(r.GOROOT, "go.env")), dirStamp(filepath.Join(r.GOROOT, "pkg", "include")))
}

// filesFingerprint fingerprints r's build by the content of what a build
// reads from its GOROOT (record.Toolchain.Build): the manifest of r.Files
// (every file of src/ and pkg/tool/ a build can read, by content hash;
// cached in cacheDir under the files' stat stamp), VERSION and go.env by
// content, and the size of bin/go. Two copies of one build have one
// fingerprint; a build whose runtime, standard library or tools differ
// has another. Without r.Files (GOROOT could not be listed), or when the
// files cannot be read, it is the older, runtime-only BuildFingerprint.
func (r *Resolved) filesFingerprint(cacheDir string) string {
	if r.Files == nil {
		return CachedBuildFingerprint(r.GOROOT, cacheDir)
	}
	m, _, err := r.Files.Manifest(cacheDir)
	if err != nil {
		return CachedBuildFingerprint(r.GOROOT, cacheDir)
	}
	h := sha256.New()
	for _, name := range []string{"VERSION", "go.env"} {
		data, err := os.ReadFile(filepath.Join(r.GOROOT, name))
		if err != nil {
			fmt.Fprintf(h, "%s missing\n", name)
			continue
		}
		fmt.Fprintf(h, "%s %d\n", name, len(data))
		h.Write(data)
	}
	if fi, err := os.Stat(filepath.Join(r.GOROOT, "bin", "go")); err == nil {
		fmt.Fprintf(h, "bin/go %d\n", fi.Size())
	}
	paths := slices.Sorted(maps.Keys(m))
	for _, p := range paths {
		fmt.Fprintf(h, "%s %s\n", p, m[p])
	}
	return "gorootfiles:" + hex.EncodeToString(h.Sum(nil))[:16]
}

// BuildFingerprint fingerprints the build of the Go tree at goroot by
// content, so that a copy of one build has its fingerprint and a rebuild
// of the same version does not: a hash of its VERSION file, of the
// runtime's sources (what a vendor patch or the injected GOROOT of the
// tests changes; the go command compiles the runtime from them) and of the
// sizes of bin/go and of the compile and link tools. Modification times
// are left out (a copy changes them, not the build). It reads about 5 MB.
func BuildFingerprint(goroot string) string {
	if goroot == "" {
		return ""
	}
	h := sha256.New()
	hashFile := func(path string) {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(h, "%s missing\n", path)
			return
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(path), len(data))
		h.Write(data)
	}
	hashFile(filepath.Join(goroot, "VERSION"))
	runtimeDir := filepath.Join(goroot, "src", "runtime")
	entries, _ := os.ReadDir(runtimeDir)
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") {
			hashFile(filepath.Join(runtimeDir, e.Name()))
		}
	}
	tools, _ := filepath.Glob(filepath.Join(goroot, "pkg", "tool", "*", "*"))
	for _, bin := range append([]string{filepath.Join(goroot, "bin", "go")}, tools...) {
		switch filepath.Base(bin) {
		case "go", "compile", "link":
			if fi, err := os.Stat(bin); err == nil {
				fmt.Fprintf(h, "%s %d\n", strings.TrimPrefix(bin, goroot), fi.Size())
			}
		}
	}
	return "goroot:" + hex.EncodeToString(h.Sum(nil))[:16]
}

// CachedBuildFingerprint is BuildFingerprint(goroot), kept in cacheDir
// under a stat signature (path, size, modification time, inode) of every
// file BuildFingerprint reads or sizes, so that a run does not read the
// runtime's sources again while none of them changed. Without a cacheDir,
// or when the cache cannot be read or written, it computes it.
func CachedBuildFingerprint(goroot, cacheDir string) string {
	if goroot == "" || cacheDir == "" {
		return BuildFingerprint(goroot)
	}
	sig := statcache.New("build-fingerprint-v1\n" + goroot)
	sig.File(filepath.Join(goroot, "VERSION"))
	runtimeDir := filepath.Join(goroot, "src", "runtime")
	entries, _ := os.ReadDir(runtimeDir)
	for _, e := range entries {
		sig.File(filepath.Join(runtimeDir, e.Name()))
	}
	tools, _ := filepath.Glob(filepath.Join(goroot, "pkg", "tool", "*", "*"))
	for _, bin := range append([]string{filepath.Join(goroot, "bin", "go")}, tools...) {
		sig.File(bin)
	}
	cached := filepath.Join(cacheDir, "fingerprints", sig.Name())
	if data, ok := statcache.Load(cached); ok && strings.HasPrefix(string(data), "goroot:") {
		return string(data)
	}
	fp := BuildFingerprint(goroot)
	statcache.Store(cached, []byte(fp))
	return fp
}

// dirStamp hashes the names, sizes and modification times of the files
// directly in dir (stat only, no reads), or is "missing".
func dirStamp(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "missing"
	}
	h := sha256.New()
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() {
			fmt.Fprintf(h, "%s %d %d\n", e.Name(), fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// fileStamp is a file's size and modification time, or "missing".
func fileStamp(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return "missing"
	}
	return fmt.Sprintf("%d@%d", fi.Size(), fi.ModTime().UnixNano())
}

// MachineToGOARCH maps a machine name as printed by `uname -m` to a GOARCH
// value; it returns "" for names it does not know.
func MachineToGOARCH(machine string) string {
	switch strings.TrimSpace(machine) {
	case "x86_64", "amd64":
		return "amd64"
	case "i386", "i486", "i586", "i686":
		return "386"
	case "aarch64", "arm64":
		return "arm64"
	case "aarch64_be":
		return "arm64be"
	case "armv5l", "armv6l", "armv7l", "armv8l":
		return "arm"
	case "ppc64le":
		return "ppc64le"
	case "ppc64":
		return "ppc64"
	case "s390x":
		return "s390x"
	case "riscv64":
		return "riscv64"
	case "loongarch64", "loong64":
		return "loong64"
	case "mips":
		return "mips"
	case "mipsel":
		return "mipsle"
	case "mips64":
		return "mips64"
	case "mips64el":
		return "mips64le"
	}
	return ""
}

// HostArch returns the architecture of the machine as a GOARCH value, from
// `uname -m`, falling back to runtime.GOARCH when uname is missing or prints
// something unknown.
func HostArch() string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := proc.Run(ctx, proc.Cmd{Argv: []string{"uname", "-m"}, Timeout: 10 * time.Second})
	if err != nil || res.ExitCode != 0 {
		return runtime.GOARCH
	}
	if arch := MachineToGOARCH(string(res.Output)); arch != "" {
		return arch
	}
	return runtime.GOARCH
}

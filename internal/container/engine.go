package container

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorepro/gorepro/internal/proc"
)

// Engine is a container engine CLI.
type Engine struct {
	// Name is "podman" or "docker".
	Name string
	// Cmd is the absolute path of the CLI.
	Cmd string
	// Exec runs child processes; nil means proc.Run. (Injectable for unit
	// tests of pure logic.)
	Exec func(context.Context, proc.Cmd) (*proc.Result, error)
	// Insecure are the registries (host[:port]) Pull may reach over plain
	// HTTP, as gorepro's --insecure names them: Podman pulls from them
	// with --tls-verify=false, for those registries only. Docker's daemon
	// decides for itself (insecure-registries in daemon.json).
	Insecure []string

	// volumes remembers the volumes VolumeCreate made or found, so that
	// each build of a run does not ask the engine again.
	volumes sync.Map

	// usersFacts is what the engine said about its users (see RunAs),
	// once usersKnown.
	usersMu    sync.Mutex
	usersKnown bool
	usersFacts engineUsers
	// localLinux is set by Info when `podman version` answered as a
	// client alone (no Server: not remote) on Linux, where Podman runs
	// its containers on this kernel as the user who runs gorepro; users
	// then needs no `podman info` (see podmanUsersHere).
	localLinux atomic.Bool
}

// Names of the supported engines.
const (
	Podman = "podman"
	Docker = "docker"
)

// Bounds of the engine's short commands (info, inspect, kill, rm ...).
const (
	queryTimeout   = 60 * time.Second
	cleanupTimeout = 60 * time.Second
	queryCap       = 1 << 20
)

// Detect finds the engine: preferred "" tries podman then docker on PATH;
// "podman" or "docker" only that one; a path (containing a slash) is used as
// is, its base name saying which engine it is. Failure is an *Error of kind
// ErrEngineMissing. Detect does not check that the engine runs: Info does.
func Detect(preferred string) (*Engine, error) {
	if strings.ContainsRune(preferred, filepath.Separator) || strings.Contains(preferred, "/") {
		name := strings.TrimSuffix(filepath.Base(preferred), ".exe")
		if name != Podman && name != Docker {
			return nil, &Error{Kind: ErrEngineMissing, Op: "detect", Msg: fmt.Sprintf("%s is neither podman nor docker", preferred), Hint: hintInstall}
		}
		path, err := exec.LookPath(preferred)
		if err != nil {
			return nil, &Error{Kind: ErrEngineMissing, Op: "detect", Msg: err.Error(), Hint: hintInstall}
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, &Error{Kind: ErrEngineMissing, Op: "detect", Msg: err.Error(), Hint: hintInstall}
		}
		return &Engine{Name: name, Cmd: abs}, nil
	}
	var candidates []string
	switch preferred {
	case "":
		candidates = []string{Podman, Docker}
	case Podman, Docker:
		candidates = []string{preferred}
	default:
		return nil, &Error{Kind: ErrEngineMissing, Op: "detect", Msg: fmt.Sprintf("unknown engine %q (want podman or docker)", preferred), Hint: hintInstall}
	}
	for _, name := range candidates {
		path, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			continue
		}
		return &Engine{Name: name, Cmd: abs}, nil
	}
	return nil, &Error{Kind: ErrEngineMissing, Op: "detect", Msg: strings.Join(candidates, " or ") + " not found on PATH", Hint: hintInstall}
}

// exec runs the engine CLI with args.
func (e *Engine) exec(ctx context.Context, c proc.Cmd) (*proc.Result, error) {
	run := e.Exec
	if run == nil {
		run = proc.Run
	}
	return run(ctx, c)
}

// argv returns the engine's command line for args.
func (e *Engine) argv(args ...string) []string {
	return append([]string{e.Cmd}, args...)
}

// query runs a short engine command and returns its output; a failure is an
// *Error classified from the output (op names it).
func (e *Engine) query(ctx context.Context, op string, args ...string) ([]byte, error) {
	res, err := e.exec(ctx, proc.Cmd{Argv: e.argv(args...), Timeout: queryTimeout, Cap: queryCap})
	if err != nil {
		return nil, e.startError(op, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if res.TimedOut {
		return res.Output, &Error{Kind: ErrEngineDown, Op: op, Msg: fmt.Sprintf("no answer within %s", queryTimeout), Hint: e.downHint()}
	}
	if res.ExitCode != 0 {
		return res.Output, e.classify(op, res.Output)
	}
	return res.Output, nil
}

// startError turns a failure to start the CLI into an *Error.
func (e *Engine) startError(op string, err error) error {
	var se *proc.StartError
	if errors.As(err, &se) {
		return &Error{Kind: ErrEngineMissing, Op: op, Msg: se.Error(), Hint: hintInstall}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// classify is Classify with the engine-down hint made specific to e.
func (e *Engine) classify(op string, output []byte) *Error {
	ce := Classify(op, output)
	if ce.Kind == ErrEngineDown && ce.Hint == hintEngineDown {
		ce.Hint = e.downHint()
	}
	if e.Name == Docker && ce.Hint == hintImageAbsent {
		ce.Hint = strings.Replace(hintImageAbsent, "podman pull", "docker pull", 1)
	}
	return ce
}

func (e *Engine) downHint() string {
	if e.Name == Docker {
		return hintDockerDown
	}
	return hintPodmanDown
}

// Info is what the engine says about itself and its host.
type Info struct {
	// Name is "podman" or "docker"; Version the engine's (server's) version.
	Name, Version string
	// HostOS and HostArch (a GOARCH: amd64, arm64) are those of the engine
	// host: for a podman machine or a remote Docker, the VM or server.
	HostOS, HostArch string
}

// Info asks the engine for its version and host platform. An engine that does
// not answer is an *Error of kind ErrEngineDown with the engine's message.
func (e *Engine) Info(ctx context.Context) (*Info, error) {
	if e.Name == Docker {
		return e.dockerInfo(ctx)
	}
	// `podman version` answers in a fraction of the time `podman info`
	// takes, and names the server's platform when podman is remote (a
	// Podman machine); info is the fallback.
	if out, err := e.query(ctx, "version", "version", "--format", "json"); err == nil {
		var pv struct {
			Client *struct{ Version, OsArch string } `json:"Client"`
			Server *struct{ Version, OsArch string } `json:"Server"`
		}
		if decodeJSON(out, &pv) == nil {
			side := pv.Server
			if side == nil || side.OsArch == "" {
				side = pv.Client
			}
			e.localLinux.Store(pv.Server == nil && pv.Client != nil && strings.HasPrefix(pv.Client.OsArch, "linux/"))
			if side != nil {
				if goos, arch, ok := strings.Cut(side.OsArch, "/"); ok && side.Version != "" {
					return &Info{Name: e.Name, Version: side.Version, HostOS: goos, HostArch: GoArch(arch)}, nil
				}
			}
		}
	}
	out, err := e.query(ctx, "info", "info", "--format", "json")
	if err != nil {
		return nil, downOnFailure(err, e.downHint())
	}
	var pi struct {
		Host struct {
			Arch string `json:"arch"`
			OS   string `json:"os"`
		} `json:"host"`
		Version struct {
			Version string `json:"Version"`
		} `json:"version"`
	}
	if err := decodeJSON(out, &pi); err != nil {
		return nil, fmt.Errorf("info: reading podman info: %w", err)
	}
	return &Info{Name: e.Name, Version: pi.Version.Version, HostOS: pi.Host.OS, HostArch: GoArch(pi.Host.Arch)}, nil
}

func (e *Engine) dockerInfo(ctx context.Context) (*Info, error) {
	out, err := e.query(ctx, "info", "info", "--format", "{{json .}}")
	if err != nil {
		return nil, downOnFailure(err, e.downHint())
	}
	var di struct {
		Architecture  string `json:"Architecture"`
		OSType        string `json:"OSType"`
		ServerVersion string `json:"ServerVersion"`
	}
	if err := decodeJSON(out, &di); err != nil {
		return nil, fmt.Errorf("info: reading docker info: %w", err)
	}
	info := &Info{Name: e.Name, Version: di.ServerVersion, HostOS: di.OSType, HostArch: GoArch(di.Architecture)}
	if info.Version == "" {
		if v, err := e.query(ctx, "version", "version", "--format", "{{.Server.Version}}"); err == nil {
			info.Version = strings.TrimSpace(string(v))
		}
	}
	return info, nil
}

// downOnFailure makes an unclassified failure of info an ErrEngineDown: the
// engine cannot be used.
func downOnFailure(err error, hint string) error {
	var ee *Error
	if errors.As(err, &ee) && ee.Kind == ErrEngineRun {
		ee.Kind, ee.Hint = ErrEngineDown, hint
	}
	return err
}

// GoArch maps an architecture name as engines and uname report it to GOARCH
// (x86_64 → amd64, aarch64 → arm64); GOARCH names are returned unchanged.
func GoArch(arch string) string {
	switch strings.ToLower(arch) {
	case "x86_64", "x86-64", "amd64":
		return "amd64"
	case "aarch64", "arm64", "armv8", "armv8l":
		return "arm64"
	case "armv7l", "armv7", "armv6l", "armhf", "arm":
		return "arm"
	case "i386", "i686", "386", "x86":
		return "386"
	}
	return arch
}

// decodeJSON decodes the first JSON value in out, skipping whatever the
// engine printed before it (warnings share the captured output).
func decodeJSON(out []byte, v any) error {
	start := -1
	for i := 0; i < len(out); i++ {
		if (out[i] == '{' || out[i] == '[') && (i == 0 || out[i-1] == '\n') {
			start = i
			break
		}
	}
	if start < 0 {
		return fmt.Errorf("no JSON in %q", firstLine(out))
	}
	return json.NewDecoder(bytes.NewReader(out[start:])).Decode(v)
}

func firstLine(out []byte) string {
	line, _, _ := bytes.Cut(bytes.TrimSpace(out), []byte("\n"))
	if len(line) > 200 {
		line = line[:200]
	}
	return string(line)
}

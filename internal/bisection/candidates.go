package bisection

import (
	"context"
	"fmt"
	"go/version"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/semver"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/proc"
)

// Versions lists the versions candidates are taken from when none are
// given: Proxy asks the module proxy; tests give a fixed list.
type Versions interface {
	// Module lists the versions of a module, in any order.
	Module(ctx context.Context, path string) ([]string, error)
	// Go lists the Go releases the go command can fetch for this platform.
	Go(ctx context.Context) ([]string, error)
}

// ListCandidates orders the candidates of an axis (opts.Versions, else
// those versions lists) and cuts them to [opts.From, opts.To]. The
// toolchain axis's candidates are the names of toolchains, in config
// order. The commit axis has its own: Plan.ListCommits.
func ListCandidates(ctx context.Context, ax Axis, toolchains []config.Toolchain, opts Options, versions Versions) ([]string, error) {
	var list []string
	var err error
	switch ax.Kind {
	case AxisProtobuf, AxisModule:
		list, err = moduleCandidates(ctx, ax, opts, versions)
	case AxisGo:
		list, err = goCandidates(ctx, opts, versions)
	case AxisToolchain:
		list, err = toolchainCandidates(toolchains, opts)
	}
	if err != nil {
		return nil, err
	}
	list = slices.Compact(list)
	lo, hi := 0, len(list)-1
	if opts.From != "" {
		if lo = slices.Index(list, opts.From); lo < 0 {
			return nil, optionError("--from: %s is not among the %d candidates of %s (%s)", opts.From, len(list), ax.Name, ends(list))
		}
	}
	if opts.To != "" {
		if hi = slices.Index(list, opts.To); hi < 0 {
			return nil, optionError("--to: %s is not among the %d candidates of %s (%s)", opts.To, len(list), ax.Name, ends(list))
		}
	}
	if hi-lo < 1 {
		return nil, optionError("bisect needs at least two candidates in order; %s has %d between --from and --to", ax.Name, max(0, hi-lo+1))
	}
	return list[lo : hi+1], nil
}

// moduleCandidates are the versions of the axis's module in semver order,
// pre-releases left out unless asked for or an end of the range.
func moduleCandidates(ctx context.Context, ax Axis, opts Options, versions Versions) ([]string, error) {
	list := opts.Versions
	if len(list) == 0 {
		var err error
		if list, err = versions.Module(ctx, ax.Module); err != nil {
			return nil, err
		}
	}
	for _, v := range list {
		if !semver.IsValid(v) || semver.Canonical(v) != v {
			return nil, optionError("--versions: %q is not a canonical module version such as v1.36.10", v)
		}
	}
	semver.Sort(list)
	if !opts.Prerelease {
		list = slices.DeleteFunc(list, func(v string) bool {
			return semver.Prerelease(v) != "" && v != opts.From && v != opts.To
		})
	}
	return list, nil
}

// goCandidates are Go versions in version order, pre-releases left out
// unless asked for or an end of the range.
func goCandidates(ctx context.Context, opts Options, versions Versions) ([]string, error) {
	list := opts.Versions
	if len(list) == 0 {
		var err error
		if list, err = versions.Go(ctx); err != nil {
			return nil, err
		}
	}
	for _, v := range list {
		if !version.IsValid(v) {
			return nil, optionError("--versions: %q is not a Go version such as go1.25.5", v)
		}
	}
	slices.SortFunc(list, version.Compare)
	if !opts.Prerelease {
		list = slices.DeleteFunc(list, func(v string) bool {
			return IsGoPrerelease(v) && v != opts.From && v != opts.To
		})
	}
	return list, nil
}

// IsGoPrerelease reports whether Go version v is a beta or release
// candidate (go1.25rc1), not a release.
func IsGoPrerelease(v string) bool {
	return strings.ContainsAny(strings.TrimPrefix(v, "go"), "abcdefghijklmnopqrstuvwxyz")
}

// toolchainCandidates are the names of the configured toolchains (or of
// opts.Versions, which must be configured), in order.
func toolchainCandidates(toolchains []config.Toolchain, opts Options) ([]string, error) {
	list := opts.Versions
	var names []string
	for _, tc := range toolchains {
		names = append(names, tc.Name)
	}
	for _, v := range list {
		if !slices.Contains(names, v) {
			return nil, optionError("--versions: no toolchain %q in the config (configured: %s)", v, strings.Join(names, ", "))
		}
	}
	if len(list) == 0 {
		list = names
	}
	for flag, v := range map[string]string{"--from": opts.From, "--to": opts.To} {
		if v != "" && !slices.Contains(list, v) {
			return nil, optionError("%s: no toolchain %q among the candidates (%s); on --axis toolchain it takes a toolchain name", flag, v, strings.Join(list, ", "))
		}
	}
	return list, nil
}

func ends(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return list[0] + " … " + list[len(list)-1]
}

// Proxy lists versions from the module proxy, through the go command on
// PATH (GOPROXY and GONOSUMDB apply as usual).
type Proxy struct{}

// Module asks the module proxy for the versions of a module.
func (Proxy) Module(ctx context.Context, module string) ([]string, error) {
	tmp, err := os.MkdirTemp("", "gorepro-versions-")
	if err != nil {
		return nil, &InfraError{Err: err}
	}
	defer os.RemoveAll(tmp)
	res, err := proc.Run(ctx, proc.Cmd{
		Argv:    []string{"go", "list", "-m", "-versions", module},
		Dir:     tmp,
		Env:     proc.Environ(nil, "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod", "GO111MODULE=on", "GOWORK=off"),
		Timeout: 2 * time.Minute,
	})
	if err != nil {
		return nil, &InfraError{Err: fmt.Errorf("listing versions of %s: %w", module, err)}
	}
	if res.ExitCode != 0 || res.TimedOut {
		return nil, &InfraError{Err: fmt.Errorf("listing versions of %s from the module proxy failed (check GOPROXY and network access, or pass --versions): %s",
			module, strings.TrimSpace(string(res.Output)))}
	}
	fields := strings.Fields(string(res.Output))
	if len(fields) < 2 {
		return nil, optionError("the module proxy lists no versions of %s", module)
	}
	return fields[1:], nil
}

// Go lists the Go releases the go command can fetch for this platform
// (golang.org/toolchain versions), without fetching any.
func (p Proxy) Go(ctx context.Context) ([]string, error) {
	mods, err := p.Module(ctx, "golang.org/toolchain")
	if err != nil {
		return nil, err
	}
	suffix := "." + runtime.GOOS + "-" + runtime.GOARCH
	var out []string
	for _, m := range mods {
		if rest, ok := strings.CutPrefix(m, "v0.0.1-"); ok && strings.HasSuffix(rest, suffix) {
			out = append(out, strings.TrimSuffix(rest, suffix))
		}
	}
	return out, nil
}

// LocalGoVersion is the version of the go command on PATH, or "" when it
// cannot be run.
func LocalGoVersion() string {
	res, err := proc.Run(context.Background(), proc.Cmd{Argv: []string{"go", "env", "GOVERSION"}, Env: proc.Environ(nil, "GOTOOLCHAIN=local"), Timeout: time.Minute})
	if err != nil || res.ExitCode != 0 {
		return ""
	}
	v, _, _ := strings.Cut(strings.TrimSpace(string(res.Output)), " ")
	return v
}

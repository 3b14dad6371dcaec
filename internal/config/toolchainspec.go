package config

import (
	"fmt"
	"go/version"
	"path/filepath"
	"strconv"
	"strings"
)

// ParseToolchainSpec parses a toolchain as `gorepro check --toolchain`
// takes it:
//
//   - the name of a toolchain of configured (when not nil), which wins over
//     the forms below;
//   - "local": the go command on PATH;
//   - "goroot:PATH": the Go tree at PATH (made absolute);
//   - "gotoolchain:VERSION", or just VERSION when it starts with "go1": a Go
//     release or release candidate the go command fetches (go1.27.3,
//     go1.27rc1; go1.20 before Go 1.21, whose first releases had no patch
//     number; a language version such as go1.27 is refused).
//
// Its errors name the --toolchain flag and say what is valid.
func ParseToolchainSpec(spec string, configured *Config) (Toolchain, error) {
	spec = strings.TrimSpace(spec)
	if configured != nil {
		if tc, ok := configured.Toolchain(spec); ok {
			return tc, nil
		}
	}
	if spec == KindLocal {
		return Toolchain{Name: KindLocal, Kind: KindLocal}, nil
	}
	if dir, ok := strings.CutPrefix(spec, KindGoroot+":"); ok {
		if dir == "" {
			return Toolchain{}, fmt.Errorf("--toolchain goroot:PATH needs the path of a Go tree")
		}
		abs, err := filepath.Abs(dir)
		if err != nil {
			return Toolchain{}, fmt.Errorf("--toolchain %s: %v", spec, err)
		}
		return Toolchain{Name: KindGoroot, Kind: KindGoroot, GOROOT: abs}, nil
	}
	release, explicit := strings.CutPrefix(spec, KindGotoolchain+":")
	if explicit || strings.HasPrefix(spec, "go1") {
		if m := releaseRE.FindStringSubmatch(release); m == nil || !version.IsValid(release) {
			return Toolchain{}, fmt.Errorf("--toolchain %s: %q is not a Go release such as go1.27.3", spec, release)
		} else if minor, _ := strconv.Atoi(m[1]); minor >= 21 && m[2] == "" {
			return Toolchain{}, fmt.Errorf("--toolchain %s: %s is a language version; name a release such as %s.0", spec, release, release)
		}
		return Toolchain{Name: release, Kind: KindGotoolchain, Version: release}, nil
	}
	valid := "local, goroot:PATH, gotoolchain:VERSION or a Go release such as go1.27.3"
	if configured != nil {
		names := make([]string, len(configured.Toolchains))
		for i, tc := range configured.Toolchains {
			names[i] = tc.Name
		}
		valid += ", or a toolchain of " + configured.Path + ": " + strings.Join(names, ", ")
	} else {
		valid += " (or a toolchain name, with --config)"
	}
	return Toolchain{}, fmt.Errorf("--toolchain: unknown toolchain %q (valid: %s)", spec, valid)
}

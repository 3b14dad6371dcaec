package config

import (
	"fmt"
	"go/version"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/semver"
)

// Defaults applied by Parse to fields left out of the file.
const (
	DefaultRuns         = 1
	DefaultTimeout      = 60 * time.Second
	DefaultBuildTimeout = 10 * time.Minute
	// MaxRuns is the largest accepted value of runs.
	MaxRuns = 1000
)

// ArchNative is the arch value meaning the host's own GOARCH (the default).
const ArchNative = "native"

// Container engines accepted in a toolchain's "engine" field. Empty means
// whichever is installed.
const (
	EnginePodman = "podman"
	EngineDocker = "docker"
)

// Image pull policies accepted in "pull" and --pull.
const (
	PullNever   = "never"   // use only images already present; a missing one fails the cell
	PullMissing = "missing" // pull images that are not present (the default)
	PullAlways  = "always"  // pull every image before use
	DefaultPull = PullMissing
)

// KnownArches returns the GOARCH values accepted in "arch" (besides
// "native"): those `go tool dist list` reports for linux.
func KnownArches() []string {
	return []string{"386", "amd64", "arm", "arm64", "loong64", "mips", "mips64", "mips64le", "mipsle", "ppc64", "ppc64le", "riscv64", "s390x"}
}

// archAliases maps names other tools use to the GOARCH value.
func archAliases() map[string]string {
	return map[string]string{
		"x86_64": "amd64", "x86-64": "amd64", "x64": "amd64",
		"aarch64": "arm64", "armv8": "arm64",
		"i386": "386", "i686": "386", "x86": "386",
		"armv7": "arm", "armhf": "arm", "armv6": "arm",
		"riscv": "riscv64", "ppc64el": "ppc64le",
	}
}

// toolchainKinds lists the toolchain kinds with the fields each allows
// besides name, kind and expectGo.
func toolchainKinds() map[string][]string {
	return map[string][]string{
		KindLocal:       nil,
		KindGoroot:      {"goroot"},
		KindGotoolchain: {"version"},
		KindImage:       {"image", "runtimeImage", "platform", "engine"},
	}
}

// targetKinds lists the target kinds with the fields each allows besides
// name and kind.
func targetKinds() map[string][]string {
	return map[string][]string{
		TargetRepro:      {"args", "env", "buildEnv", "buildFlags", "cgo", "pass", "timeout"},
		TargetPackage:    {"args", "env", "buildEnv", "buildFlags", "cgo", "pass", "timeout", "dir", "package", "modules"},
		TargetDockerfile: {"args", "env", "pass", "timeout", "dockerfile", "context", "buildArgs", "stage"},
		TargetProbe:      {"timeout"},
	}
}

// targetFieldReasons explains, per target kind, why fields of other kinds
// make no sense for it.
func targetFieldReasons() map[string]map[string]string {
	const decides = "the Dockerfile decides how to build"
	const builtIn = "the probe is gorepro's built-in environment report and is not configurable"
	return map[string]map[string]string{
		TargetProbe: {
			"args": builtIn, "env": builtIn, "pass": builtIn + " (it passes when it exits 0)",
			"buildEnv": builtIn, "buildFlags": builtIn, "cgo": builtIn, "dir": builtIn, "package": builtIn,
			"modules": builtIn + " (it has no dependencies)", "dockerfile": builtIn, "context": builtIn,
			"buildArgs": builtIn, "stage": builtIn,
		},
		TargetDockerfile: {
			"dir":        decides + `; "context" is the directory sent to the engine`,
			"package":    decides + " (and which package)",
			"buildFlags": decides + `; pass values to it with "buildArgs", such as {"GOFLAGS": "{{.GOFLAGS}}"}`,
			"buildEnv":   decides + `; pass values to it with "buildArgs"`,
			"cgo":        decides + " (and whether cgo is on)",
		},
	}
}

const (
	validToolchainKinds = "local, goroot, gotoolchain, image"
	validTargetKinds    = "repro, package, dockerfile, probe"
)

var (
	nameRE     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$`)
	platformRE = regexp.MustCompile(`^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$`)
	releaseRE  = regexp.MustCompile(`^go1\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)|rc[1-9][0-9]*)?$`)
	stageRE    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
)

// engineProblem explains why engine is not a container engine gorepro
// knows, or returns ""; hint is appended to the list of valid engines.
func engineProblem(engine, hint string) string {
	return choiceProblem("engine", engine, []string{EnginePodman, EngineDocker}, hint)
}

// pullProblem explains why pull is not an image pull policy, or returns "";
// hint is appended to the list of valid policies.
func pullProblem(pull, hint string) string {
	return choiceProblem("pull policy", pull, []string{PullNever, PullMissing, PullAlways}, hint)
}

// choiceProblem explains why value is not one of valid, or returns "".
func choiceProblem(noun, value string, valid []string, hint string) string {
	if slices.Contains(valid, value) {
		return ""
	}
	list := strings.Join(valid, ", ") + hint
	if lower := strings.ToLower(strings.TrimSpace(value)); lower != value && slices.Contains(valid, lower) {
		return fmt.Sprintf("unknown %s %q: did you mean %q? (valid: %s)", noun, value, lower, list)
	}
	return fmt.Sprintf("unknown %s %q (valid: %s)", noun, value, list)
}

// nameProblem explains why name cannot name a toolchain or target, or
// returns "".
func nameProblem(name string) string {
	if nameRE.MatchString(name) {
		return ""
	}
	return fmt.Sprintf(`%q is not a valid name: use 1 to 64 letters, digits, ".", "_", "+" or "-", starting with a letter or digit (names become file and directory names)`, name)
}

// goVersionProblem explains why v is not a Go version in the "go1.27.3"
// form, or returns "". With release set, v must moreover be a release or
// release candidate that GOTOOLCHAIN can fetch.
func goVersionProblem(v string, release bool) string {
	if !version.IsValid(v) {
		for _, guess := range []string{"go" + v, "go" + strings.TrimPrefix(v, "v"), strings.ReplaceAll(v, " ", "")} {
			if version.IsValid(guess) {
				return fmt.Sprintf("invalid Go version %q: did you mean %q?", v, guess)
			}
		}
		return fmt.Sprintf(`invalid Go version %q: use the form "go1.27.3"`, v)
	}
	if !release {
		return ""
	}
	m := releaseRE.FindStringSubmatch(v)
	if m == nil {
		return fmt.Sprintf(`%q is not a Go release that GOTOOLCHAIN can fetch: use a release or release candidate such as "go1.27.3" or "go1.27rc1"`, v)
	}
	minor, _ := strconv.Atoi(m[1])
	switch {
	case minor >= 21 && m[2] == "":
		// Since Go 1.21 "go1.N" is the language version and the first
		// release is "go1.N.0".
		return fmt.Sprintf(`%q is a language version, not a release: GOTOOLCHAIN needs an exact release such as "%s.0"`, v, v)
	case minor < 21 && m[3] == "0":
		return fmt.Sprintf(`%q is not a Go release: before Go 1.21 the first release of a version had no ".0" (use %q)`, v, strings.TrimSuffix(v, ".0"))
	}
	return ""
}

// moduleVersionProblem explains why v is not a canonical version of
// google.golang.org/protobuf, or returns "".
func moduleVersionProblem(v string) string {
	if !semver.IsValid(v) {
		if guess := "v" + v; semver.IsValid(guess) {
			return fmt.Sprintf("invalid module version %q: did you mean %q?", v, semver.Canonical(guess))
		}
		return fmt.Sprintf(`invalid module version %q: use a semantic version such as "v1.36.10"`, v)
	}
	if c := semver.Canonical(v); c != v {
		return fmt.Sprintf("%q is not a canonical module version: did you mean %q?", v, c)
	}
	if semver.Major(v) != "v1" {
		return fmt.Sprintf(`google.golang.org/protobuf has no version %q: its versions are v1.x.y, such as "v1.36.10"`, v)
	}
	return ""
}

// archProblem explains why a is neither "native" nor a known GOARCH, or
// returns "".
func archProblem(a string) string {
	known := KnownArches()
	if a == ArchNative || slices.Contains(known, a) {
		return ""
	}
	valid := ArchNative + ", " + strings.Join(known, ", ")
	if goarch, ok := archAliases()[strings.ToLower(a)]; ok {
		return fmt.Sprintf("unknown arch %q: did you mean %q? (valid: %s)", a, goarch, valid)
	}
	if lower := strings.ToLower(a); lower != a && (lower == ArchNative || slices.Contains(known, lower)) {
		return fmt.Sprintf("unknown arch %q: did you mean %q? (valid: %s)", a, lower, valid)
	}
	return fmt.Sprintf("unknown arch %q (valid: %s)", a, valid)
}

// ParseCover parses the value of --cover: a comma-separated list of off,
// on, false, true or both (meaning off,on). Spaces around values are
// ignored and repeated values are listed once, in first-seen order.
func ParseCover(s string) ([]bool, error) {
	var values []bool
	add := func(b bool) {
		if !slices.Contains(values, b) {
			values = append(values, b)
		}
	}
	for _, word := range splitList([]string{s}) {
		switch strings.ToLower(word) {
		case "off", "false":
			add(false)
		case "on", "true":
			add(true)
		case "both":
			add(false)
			add(true)
		default:
			return nil, fmt.Errorf("invalid cover value %q (valid: off, on, false, true, both)", word)
		}
	}
	if len(values) == 0 {
		return nil, fmt.Errorf("no cover value given (valid: off, on, false, true, both)")
	}
	return values, nil
}

// splitList splits each value on commas and drops surrounding spaces and
// empty items.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for item := range strings.SplitSeq(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

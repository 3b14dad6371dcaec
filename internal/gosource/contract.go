package gosource

import (
	"path"
	"slices"
	"strings"
)

// contractDirs are the directories of the contract (see the package
// documentation), with why a change in them forces a full build.
func contractDirs() []struct{ dir, why string } {
	return []struct{ dir, why string }{
		{"src/cmd/", "the tools' own sources"},
		{"src/internal/abi/", "the ABI the compiler and the runtime share"},
		{"src/internal/buildcfg/", "the build configuration compiled into the tools"},
		{"src/internal/goarch/", "the architecture facts the compiler and the runtime share"},
		{"src/internal/goos/", "the OS facts the compiler and the runtime share"},
		{"src/internal/goexperiment/", "the experiments the compiler and the runtime share"},
		{"src/internal/pkgbits/", "the export-data format of the compiler"},
		{"src/internal/exportdata/", "the export-data format of the compiler"},
		{"src/internal/coverage/", "the coverage format of the cover tool and the runtime"},
		{"src/internal/goversion/", "the release number compiled into the go command"},
		{"src/internal/platform/", "the supported platforms compiled into the go command"},
		{"src/internal/godebugs/", "the GODEBUG table compiled into the go command"},
		{"src/internal/cfg/", "the environment variables the go command knows"},
		{"src/internal/syslist/", "the GOOS and GOARCH lists of the go command's file selection"},
		{"src/internal/gover/", "the version comparison of the go command"},
		{"src/internal/types/", "the type checker's errors compiled into the compiler"},
		{"src/go/build/", "the file selection compiled into the go command"},
		{"src/go/constant/", "the constant arithmetic compiled into the compiler"},
	}
}

// ContractReason says why a change to the file at p (slash-separated,
// relative to the repository's root) must be served by a full build, or
// is "" when a fast build can serve it (see the package documentation).
func ContractReason(p string) string {
	if p == "VERSION" {
		return "the version the tools report"
	}
	for _, c := range contractDirs() {
		if strings.HasPrefix(p, c.dir) {
			return c.why
		}
	}
	if path.Dir(p) == "src/runtime" && strings.HasSuffix(p, ".h") {
		return "an assembly header make.bash copies to pkg/include"
	}
	return ""
}

// Listing is the source of a toolchain by content: the git blob hash of
// every file of src/ and of VERSION, by slash-separated path.
type Listing map[string]string

// Diff lists the paths whose content differs between l and m (present in
// one only, or with another blob), sorted.
func (l Listing) Diff(m Listing) []string {
	var out []string
	for p, h := range l {
		if m[p] != h {
			out = append(out, p)
		}
	}
	for p := range m {
		if _, ok := l[p]; !ok {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// FastBlocker is the first of the changed files that forces a full build,
// with why, or "" when a fast build can serve them all.
func FastBlocker(changed []string) string {
	for _, p := range changed {
		if why := ContractReason(p); why != "" {
			return p + " (" + why + ")"
		}
	}
	return ""
}

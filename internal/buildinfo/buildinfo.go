// Package buildinfo says which gorepro is running, from the build info
// the go command embeds in the executable.
//
// Version is what gorepro prints and records in every run (results.json's
// goreproVersion): the module version of a `go install`ed binary, or
// "(devel)" plus the VCS revision of a build from a checkout.
//
// HarnessID is what the cell cache keys on: the version when it names one
// build, else the version plus the SHA-256 of the running executable, so
// that a development build whose code changed never re-uses the cells of
// another.
package buildinfo

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// Version is gorepro's version as recorded in its build info: the module
// version for `go install`ed binaries, "(devel)" plus the VCS revision for
// builds from a checkout, "(unknown)" without build info.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}

// HarnessID identifies this build of gorepro in cache keys: version when
// it names one build (a release, or the pseudo-version of a clean
// checkout), else version and the SHA-256 of the running executable, so
// that a development build ("(devel)", "+dirty", go run, go test) whose
// code changed never re-uses the cells of another.
func HarnessID(version string) string {
	if version != "" && !strings.Contains(version, "(devel)") && !strings.Contains(version, "+dirty") && !strings.Contains(version, "(unknown)") {
		return version
	}
	exe, err := os.Executable()
	if err != nil {
		return version + " exe:unknown"
	}
	f, err := os.Open(exe)
	if err != nil {
		return version + " exe:unknown"
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return version + " exe:unknown"
	}
	return version + " exe:" + hex.EncodeToString(h.Sum(nil))
}

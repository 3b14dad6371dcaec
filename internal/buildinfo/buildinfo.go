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
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/gorepro/gorepro/internal/statcache"
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
// code changed never re-uses the cells of another. With a cacheDir the
// executable's hash is kept there under a stat signature of the file
// (path, size, modification time, inode), so that a run does not hash
// a 20 MB binary again each time; a rebuilt binary has another signature.
func HarnessID(version, cacheDir string) string {
	if version != "" && !strings.Contains(version, "(devel)") && !strings.Contains(version, "+dirty") && !strings.Contains(version, "(unknown)") {
		return version
	}
	exe, err := os.Executable()
	if err != nil {
		return version + " exe:unknown"
	}
	sum, err := exeHash(exe, cacheDir)
	if err != nil {
		return version + " exe:unknown"
	}
	return version + " exe:" + sum
}

// exeHash returns the hex SHA-256 of the file exe, from cacheDir when a
// file with exe's stat signature was hashed before.
func exeHash(exe, cacheDir string) (string, error) {
	var cached string
	if cacheDir != "" {
		sig := statcache.New("exe-v1")
		sig.File(exe)
		cached = filepath.Join(cacheDir, "harness", sig.Name())
		if data, ok := statcache.Load(cached); ok && len(data) == 64 {
			return string(data), nil
		}
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if cached != "" {
		statcache.Store(cached, []byte(sum))
	}
	return sum, nil
}

// Info is what `gorepro version` says about the running binary: its
// module path and version, the VCS revision, commit time and dirtiness it
// was built from (a build from a checkout; empty for `go install`ed
// releases, whose version says it), and the Go that built it.
type Info struct {
	Module    string `json:"module"`
	Version   string `json:"version"`
	Revision  string `json:"revision,omitempty"`
	Time      string `json:"time,omitempty"`
	Dirty     bool   `json:"dirty"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// Read returns the Info of the running binary.
func Read() Info {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return Info{Version: "(unknown)", GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	}
	return FromBuildInfo(info, runtime.GOOS+"/"+runtime.GOARCH)
}

// FromBuildInfo is the Info of a binary with build info bi, running on
// platform ("linux/amd64").
func FromBuildInfo(bi *debug.BuildInfo, platform string) Info {
	in := Info{Module: bi.Main.Path, Version: bi.Main.Version, GoVersion: bi.GoVersion, Platform: platform}
	if in.Version == "" {
		in.Version = "(devel)"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Revision = s.Value
		case "vcs.time":
			in.Time = s.Value
		case "vcs.modified":
			in.Dirty = s.Value == "true"
		}
	}
	return in
}

// String is the one line of `gorepro version`: "gorepro VERSION (revision
// REV, TIME[, dirty]) GO PLATFORM".
func (in Info) String() string {
	s := "gorepro " + in.Version
	if in.Revision != "" {
		vcs := "revision " + in.Revision
		if in.Time != "" {
			vcs += ", " + in.Time
		}
		if in.Dirty {
			vcs += ", dirty"
		}
		s += " (" + vcs + ")"
	}
	return s + " " + in.GoVersion + " " + in.Platform
}

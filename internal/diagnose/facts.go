package diagnose

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gorepro/gorepro/internal/crashlog"
)

var (
	// toolchainModuleRE finds a GOROOT the go command downloaded
	// (GOTOOLCHAIN): ".../golang.org/toolchain@v0.0.1-go1.24.6.linux-amd64/src/...".
	toolchainModuleRE = regexp.MustCompile(`golang\.org/toolchain@v0\.0\.1-(go1\.\d+(?:\.\d+)?(?:rc\d+)?)\.[a-z0-9]+-[a-z0-9]+/src/`)
	// versionedGorootRE finds a GOROOT whose directory names the version:
	// /usr/local/go-1.25.3/src, /root/sdk/go1.25.3/src, the Debian
	// /usr/lib/go-1.25.3/src, or a CI tool cache /opt/hostedtoolcache/go/1.25.0/x64/src.
	versionedGorootRE = regexp.MustCompile(`(/\S*?/go[-/]?(1\.\d+\.\d+(?:rc\d+)?)(?:/(?:x64|x86|arm64|amd64))?)/src/`)
	// installPathREs find the GOROOT of an installer that names the
	// version in its own layout: Homebrew's Cellar (.../Cellar/go/1.22.1/libexec,
	// .../Cellar/go@1.21/1.21.5/libexec), the Nix store
	// (/nix/store/<hash>-go-1.17.10/share/go), gimme
	// (~/.gimme/versions/go1.12.9.linux.amd64). (A Debian /usr/lib/go-1.22
	// names no release: its package follows the point releases.)
	installPathREs = []*regexp.Regexp{
		regexp.MustCompile(`(/\S*?/Cellar/go(?:@[\d.]+)?/(1\.\d+(?:\.\d+)?(?:rc\d+|beta\d+)?)(?:_\d+)?/libexec)/src/`),
		regexp.MustCompile(`(/nix/store/[a-z0-9]+-go-(1\.\d+(?:\.\d+)?(?:rc\d+|beta\d+)?)/share/go)/src/`),
		regexp.MustCompile(`(/\S*?/versions/go(1\.\d+(?:\.\d+)?(?:rc\d+|beta\d+)?)\.[a-z0-9]+\.[a-z0-9]+)/src/`),
	}
	// versionLineRE finds a version the program or a tool printed: "go
	// version go1.25.3 linux/amd64", "GoVersion:\"go1.25.3\"",
	// "\"goVersion\":\"go1.25.3\"", "Go Version: go1.25.3".
	versionLineRE = regexp.MustCompile(`(?i)\bgo[ _-]?version\b["']?\s*[:=]?\s*["']?(?:go version )?(go1\.\d+(?:\.\d+)?(?:rc\d+|beta\d+)?)\b`)
	// runtimeVersionRE finds runtime.Version() printed with a label:
	// "runtime.Version()=go1.25.3", "runtime version: go1.25.3".
	runtimeVersionRE = regexp.MustCompile(`(?i)\bruntime(?:\.Version\(\))?(?: version)?\s*[:=]\s*["']?(go1\.\d+(?:\.\d+)?(?:rc\d+|beta\d+)?)\b`)
)

// goVersionOf returns the Go version lines reveal and where it comes from,
// or "" when they do not say. A GOROOT in the trace's file paths wins over
// printed versions (it is the crashing binary's); conflicting versions are
// noted.
func goVersionOf(lines []string, notes *[]string) (string, string) {
	type found struct{ version, reason string }
	var fromPaths, fromText []found
	for _, l := range lines {
		if m := toolchainModuleRE.FindStringSubmatch(l); m != nil {
			fromPaths = append(fromPaths, found{m[1], "GOROOT golang.org/toolchain@v0.0.1-" + m[1] + " in the trace's file paths"})
			continue
		}
		if m := versionedGorootRE.FindStringSubmatch(l); m != nil {
			fromPaths = append(fromPaths, found{"go" + m[2], "GOROOT " + m[1] + " in the trace's file paths"})
			continue
		}
		if m := installedGoroot(l); m != nil {
			fromPaths = append(fromPaths, found{"go" + m[2], "GOROOT " + m[1] + " in the trace's file paths"})
			continue
		}
		if m := versionLineRE.FindStringSubmatch(l); m != nil {
			fromText = append(fromText, found{m[1], fmt.Sprintf("the log line %q", strings.TrimSpace(l))})
			continue
		}
		if m := runtimeVersionRE.FindStringSubmatch(l); m != nil {
			fromText = append(fromText, found{m[1], fmt.Sprintf("the log line %q", strings.TrimSpace(l))})
		}
	}
	all := append(fromPaths, fromText...)
	if len(all) == 0 {
		return "", ""
	}
	chosen := all[0]
	var others []string
	for _, f := range all[1:] {
		if NormaliseGoVersion(f.version) != NormaliseGoVersion(chosen.version) && !strings.Contains(strings.Join(others, " "), f.version) {
			others = append(others, f.version+" ("+f.reason+")")
		}
	}
	if len(others) > 0 {
		*notes = append(*notes, "the log also mentions "+strings.Join(others, ", ")+"; "+chosen.version+" was taken")
	}
	return NormaliseGoVersion(chosen.version), chosen.reason
}

// installedGoroot returns the match of the first of installPathREs that
// finds a GOROOT in line: the GOROOT and its version.
func installedGoroot(line string) []string {
	if !strings.Contains(line, "/src/") {
		return nil
	}
	for _, re := range installPathREs {
		if m := re.FindStringSubmatch(line); m != nil {
			return m
		}
	}
	return nil
}

var (
	// asmFileRE finds an assembly file of a known architecture in a
	// trace's file lines: "runtime/asm_amd64.s:1700".
	asmFileRE = regexp.MustCompile(`_(amd64p32|amd64|arm64|386|arm|s390x|riscv64|loong64|ppc64x|ppc64le|ppc64|mips64x|mips64le|mips64|mipsx|mipsle|mips|wasm)\.s:\d+`)
	// hexRE finds hexadecimal numbers (addresses, arguments).
	hexRE = regexp.MustCompile(`\b0x([0-9a-fA-F]+)`)
)

// archHintOf infers the architecture of the binary whose trace lines hold:
// an architecture's assembly file names it; otherwise code offsets (the
// "+0x12a" after a file line) that are not multiples of 4 rule out arm64
// (and the other fixed-width instruction sets), and 64-bit addresses tell
// amd64 from 386.
func archHintOf(lines []string) ArchHint {
	var offsets []string
	oddOffset := ""
	for _, l := range lines {
		path, offset, ok := crashlog.FileLine(l)
		if !ok {
			continue
		}
		if a := asmFileRE.FindStringSubmatch(l); a != nil {
			arch := a[1]
			switch arch {
			case "ppc64x":
				arch = "ppc64 or ppc64le"
			case "mips64x":
				arch = "mips64 or mips64le"
			case "mipsx":
				arch = "mips or mipsle"
			}
			return ArchHint{Arch: arch, Reason: fmt.Sprintf("the trace has a frame in %s, assembly only %s binaries contain", path, arch)}
		}
		if offset == "" {
			continue
		}
		offsets = append(offsets, offset)
	}
	if len(offsets) == 0 {
		return ArchHint{Arch: "unknown", Reason: "the log has no code offsets (+0x...) to judge by"}
	}
	notMultiple := ""
	for _, off := range offsets {
		n, err := strconv.ParseUint(off, 16, 64)
		if err != nil {
			continue
		}
		rem := n % 4
		if rem != 0 && notMultiple == "" {
			notMultiple = off
		}
		if rem%2 == 1 && oddOffset == "" {
			oddOffset = off
		}
	}
	if notMultiple == "" {
		return ArchHint{Arch: "unknown (consistent with arm64)", Reason: fmt.Sprintf("all %d code offsets are multiples of 4, as arm64 code offsets always are (x86 offsets can be too)", len(offsets))}
	}
	reason := fmt.Sprintf("frame offset +0x%s is not a multiple of 4, which arm64 code offsets always are", notMultiple)
	if oddOffset != "" {
		reason += fmt.Sprintf("; +0x%s is odd, which only x86 code has", oddOffset)
	}
	if wide := wideAddress(lines); wide != "" {
		return ArchHint{Arch: "amd64", Reason: reason + "; addresses such as " + wide + " are 64-bit"}
	}
	return ArchHint{Arch: "amd64 or 386", Reason: reason + "; no address in the trace is wider than 32 bits"}
}

// wideAddress returns the first hexadecimal number in lines (outside code
// offsets) that does not fit in 32 bits, or "".
func wideAddress(lines []string) string {
	for _, l := range lines {
		for _, m := range hexRE.FindAllStringSubmatchIndex(l, -1) {
			if m[0] > 0 && l[m[0]-1] == '+' {
				continue // a code offset
			}
			digits := strings.TrimLeft(l[m[2]:m[3]], "0")
			if len(digits) > 8 {
				return l[m[0]:m[1]]
			}
		}
	}
	return ""
}

// distroGoroots are GOROOTs of distributions' Go packages.
var distroGoroots = []struct{ prefix, what string }{
	{"/usr/lib/golang/src/", "/usr/lib/golang, the GOROOT of Fedora, RHEL and UBI golang packages (go-toolset)"},
	{"/usr/lib/go/src/", "/usr/lib/go, the GOROOT of Alpine and Arch Linux go packages"},
	{"/usr/share/go/src/", "/usr/share/go, the GOROOT of openSUSE go packages"},
}

// debianGorootRE matches the GOROOT of Debian and Ubuntu golang-1.N packages.
var debianGorootRE = regexp.MustCompile(`/usr/lib/go-(1\.\d+)/src/`)

// distroBuildOf reports whether the trace's runtime sources sit at a
// distribution's GOROOT, and says which.
func distroBuildOf(lines []string) (bool, string) {
	for _, l := range lines {
		if _, _, ok := crashlog.FileLine(l); !ok {
			continue
		}
		for _, d := range distroGoroots {
			if strings.Contains(l, d.prefix) {
				return true, "the runtime's sources are at " + d.what + ": a distribution's Go build, which may carry its own patches and whose path does not say its version"
			}
		}
		if m := debianGorootRE.FindStringSubmatch(l); m != nil {
			return true, "the runtime's sources are at /usr/lib/go-" + m[1] + ", the GOROOT of the Debian and Ubuntu golang-" + m[1] + " package: a distribution's Go build"
		}
	}
	return false, ""
}

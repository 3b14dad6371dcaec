package diagnose

import (
	"fmt"
	"go/version"
	"regexp"
	"strings"
)

// KnownIssue is one entry of the database of upstream crash reports: a crash
// signature and the conditions under which it is known to be caused by an
// upstream bug rather than by the program.
type KnownIssue struct {
	// ID names the upstream report, e.g. "golang/go#69255".
	ID    string `json:"id"`
	URL   string `json:"url"`
	Title string `json:"title"`
	// SignatureRegexp must match the crash signature (as classify renders
	// it, e.g. "fatal error: taggedPointerPack in runtime.netpollopen").
	SignatureRegexp string `json:"signatureRegexp"`
	// DetailRegexp, when set, must match the "runtime: " line printed
	// before the heading (e.g. "errno=22"); a different detail means a
	// different problem with the same heading.
	DetailRegexp string `json:"detailRegexp,omitempty"`
	// Affected is the range of Go versions that have the bug, as
	// comma-separated clauses each holding an operator (<, <=, >, >=, =)
	// and a Go version ("< go1.25.5", ">= go1.25, < go1.25.5"); empty means
	// the bug is not tied to a Go version (an emulator bug).
	Affected string `json:"affected,omitempty"`
	// Fixed is the first Go release with the fix, empty when Go did not
	// fix it (the fix is elsewhere, e.g. in the emulator).
	Fixed string `json:"fixed,omitempty"`
	// Conditions are what must hold besides the Go version.
	Conditions Conditions `json:"conditions"`
	// Workaround is what a user can do today.
	Workaround string `json:"workaround"`
	// Source lists the public reports and changes the entry rests on.
	Source []string `json:"source"`
}

// Conditions are the circumstances a known issue needs, besides the Go
// version. Empty fields impose nothing.
type Conditions struct {
	// Description says the conditions in words.
	Description string `json:"description"`
	// BinaryArch is the GOARCH the crashing binary must have.
	BinaryArch string `json:"binaryArch,omitempty"`
	// HostArch is the architecture of the machine it must run on.
	HostArch string `json:"hostArch,omitempty"`
	// Emulated requires the binary to run under an emulator (qemu-user,
	// Rosetta 2): its architecture is not the host's.
	Emulated bool `json:"emulated,omitempty"`
}

// KnownIssues returns the database, a fresh copy on every call. Every entry
// cites the public reports it rests on; add entries only from such sources.
func KnownIssues() []KnownIssue {
	return []KnownIssue{
		{
			ID:    "golang/go#69255",
			URL:   "https://github.com/golang/go/issues/69255",
			Title: "runtime: build fails when run via QEMU for linux/amd64 running on linux/arm64",
			// Go 1.25 renamed the check: Go 1.24 and older throw
			// "lfstack.push" (after "runtime: lfstack.push invalid
			// packing: node=..."), Go 1.25.0 to 1.25.4 throw
			// "taggedPointerPack" (after "runtime: taggedPointerPack
			// invalid packing: ptr=...").
			SignatureRegexp: `^fatal error: (taggedPointerPack|lfstack\.push)\b`,
			Affected:        "< go1.25.5",
			Fixed:           "go1.25.5",
			Conditions: Conditions{
				Description: "an amd64 binary emulated on an arm64 host (qemu-user via binfmt_misc, or Rosetta 2 in a Podman or Docker VM), " +
					"which can hand out addresses up to 1<<48-1 that do not survive the runtime's 48-bit sign-extended pointer packing",
				BinaryArch: "amd64",
				HostArch:   "arm64",
				Emulated:   true,
			},
			Workaround: "build for the native architecture (GOARCH=arm64 on an arm64 host), or use Go >= 1.25.5 (Go 1.26 has the fix; no Go 1.24.x release has it)",
			Source: []string{
				"https://github.com/golang/go/issues/69255",
				"https://github.com/tailscale/go/pull/144 (the go1.25.5 update: runtime/tagptr_64bit.go defaultAddrBits = 48 + 1, \"to placate systems which simulate amd64 binaries on an arm64 host\")",
				"https://github.com/tonistiigi/binfmt/issues/269 (lfstack.push under qemu, Go 1.23)",
				"https://github.com/LFDT-Lineth/lineth-monorepo/issues/2732 (lfstack.push, go1.24.6, Apple Silicon)",
				"https://github.com/betterleaks/betterleaks/issues/148 (taggedPointerPack in protobuf detrand's init, go1.25.0)",
			},
		},
		{
			ID:              "golang/go#13024",
			URL:             "https://github.com/golang/go/issues/13024",
			Title:           "runtime: qemu-arm fails to emulate go user programs",
			SignatureRegexp: `^fatal error: rt_sigaction failure\b`,
			Conditions: Conditions{
				Description: "a binary run under qemu-user emulation, which refuses signal handlers for the real-time signals it reserves for itself (QEMU before 5.0)",
				Emulated:    true,
			},
			Workaround: "use QEMU 5.0 or newer (qemu-user-static), or run the binary on its native architecture",
			Source: []string{
				"https://github.com/golang/go/issues/13024",
				"https://github.com/golang/go/issues/24656 (QEMU does not permit a handler for signal 64)",
				"https://github.com/DynamoRIO/dynamorio/pull/4752 (QEMU before 5.0 fails sigaction for signals 33 and 64)",
			},
		},
		{
			ID:              "golang/go#20763",
			URL:             "https://github.com/golang/go/issues/20763",
			Title:           "runtime: cannot run cross compiled ARM binary on QEMU",
			SignatureRegexp: `^fatal error: newosproc\b`,
			DetailRegexp:    `errno=22\b`,
			Conditions: Conditions{
				Description: "a binary run under qemu-user emulation whose clone of a new OS thread fails with EINVAL (errno=22); " +
					"on a native host the same heading with errno=11 (EAGAIN) is a thread or memory limit instead",
				Emulated: true,
			},
			Workaround: "use a current QEMU (qemu-user-static) for the emulated architecture, or run the binary on its native architecture",
			Source: []string{
				"https://github.com/golang/go/issues/20763 (qemu-aarch64 2.9, go1.8.3)",
				"https://github.com/linuxkit/linuxkit/issues/1348 (arm binary under binfmt in Docker for Mac)",
				"https://github.com/balena-io/qemu/issues/14 (qemu-aarch64)",
			},
		},
	}
}

// Facts are what is known about one crash; empty strings and a nil
// Emulated mean unknown.
type Facts struct {
	// Signature is the crash signature as classify renders it.
	Signature string
	// RuntimeDetail is the "runtime: " line printed before the heading.
	RuntimeDetail string
	// GoVersion is the Go version the binary was built with ("go1.25.3").
	GoVersion string
	// BinaryArch is the crashing binary's GOARCH, HostArch the
	// architecture of the machine that ran it.
	BinaryArch, HostArch string
	// Emulated says whether the binary ran under an emulator; nil means
	// it is derived from BinaryArch and HostArch when both are known.
	Emulated *bool
}

// Holding is what is known about a condition of a known issue.
type Holding int

// The states of a condition: unknown from the facts, known to hold, known
// not to hold.
const (
	Unknown Holding = iota
	Holds
	Fails
)

// Match is a known issue whose signature matches a crash.
type Match struct {
	Issue KnownIssue
	// ConditionsHold is true only when every condition of the issue is
	// known to hold: then the issue is the likely cause. Otherwise the
	// crash is only similar to it.
	ConditionsHold bool
	// Version is whether the Go version is affected (Holds when the issue
	// is not tied to one); Machine whether the binary architecture, the
	// host architecture and emulation are as the issue needs (Fails when
	// any is known not to be). The next steps follow from them.
	Version, Machine Holding
	// Why says, condition by condition, what holds, what does not and what
	// is unknown.
	Why []string
}

// Verdict is "cause" when the conditions hold and "similar" otherwise.
func (m Match) Verdict() string {
	if m.ConditionsHold {
		return "cause"
	}
	return "similar"
}

// MatchIssues returns the known issues whose signature (and detail, when
// the issue has one) matches f, each with whether its conditions hold.
// Conditions that cannot be known from f (host architecture unknown) do not
// hold: such a match is reported as similar, not as the cause.
func MatchIssues(f Facts) []Match {
	var matches []Match
	for _, issue := range KnownIssues() {
		if f.Signature == "" || !regexp.MustCompile(issue.SignatureRegexp).MatchString(f.Signature) {
			continue
		}
		m := Match{Issue: issue, ConditionsHold: true, Version: Holds, Machine: Holds}
		judge := func(h *Holding, c condition) {
			m.Why = append(m.Why, c.why)
			if c.holding != Holds {
				m.ConditionsHold = false
			}
			*h = both(*h, c.holding)
		}
		if issue.DetailRegexp != "" {
			switch {
			case f.RuntimeDetail == "":
				judge(&m.Machine, condition{Unknown, fmt.Sprintf("no \"runtime: \" line before the heading to check for %s", issue.DetailRegexp)})
			case !regexp.MustCompile(issue.DetailRegexp).MatchString(f.RuntimeDetail):
				continue // the same heading for another reason
			default:
				m.Why = append(m.Why, fmt.Sprintf("the runtime says %q", f.RuntimeDetail))
			}
		}
		if issue.Affected != "" {
			judge(&m.Version, versionCondition(issue, f.GoVersion))
		}
		for _, c := range machineConditions(issue.Conditions, f) {
			judge(&m.Machine, c)
		}
		matches = append(matches, m)
	}
	return matches
}

// archCondition judges whether the architecture of whose ("binary",
// "host") is need, have being "" when unknown.
func archCondition(whose, need, have string) condition {
	switch {
	case have == "":
		return condition{Unknown, whose + " architecture unknown (needs " + need + ")"}
	case have != need:
		return condition{Fails, whose + " architecture is " + have + ", not " + need}
	}
	return condition{Holds, whose + " architecture is " + have}
}

// both is what is known about two conditions together: they fail when
// either does, hold when both do, and are unknown otherwise.
func both(a, b Holding) Holding {
	switch {
	case a == Fails || b == Fails:
		return Fails
	case a == Unknown || b == Unknown:
		return Unknown
	}
	return Holds
}

// condition is one condition of a known issue judged against the facts.
type condition struct {
	holding Holding
	why     string
}

// versionCondition judges whether goVersion is in issue's affected range.
func versionCondition(issue KnownIssue, goVersion string) condition {
	goVersion = NormaliseGoVersion(goVersion)
	switch affected, err := versionIn(goVersion, issue.Affected); {
	case goVersion == "":
		return condition{Unknown, fmt.Sprintf("Go version unknown (affected: %s)", issue.Affected)}
	case err != nil:
		return condition{Unknown, fmt.Sprintf("cannot compare %s with %q: %v", goVersion, issue.Affected, err)}
	case affected:
		return condition{Holds, fmt.Sprintf("%s is affected (%s)", goVersion, issue.Affected)}
	default:
		return condition{Fails, fmt.Sprintf("%s is not affected (%s; fixed in %s)", goVersion, issue.Affected, issue.Fixed)}
	}
}

// machineConditions judges c's binary architecture, host architecture and
// emulation against f, those c imposes only.
func machineConditions(c Conditions, f Facts) []condition {
	var out []condition
	if c.BinaryArch != "" {
		out = append(out, archCondition("binary", c.BinaryArch, f.BinaryArch))
	}
	if c.HostArch != "" {
		out = append(out, archCondition("host", c.HostArch, f.HostArch))
	}
	if c.Emulated {
		switch emulated, known := isEmulated(f); {
		case !known:
			out = append(out, condition{Unknown, "whether the binary ran under emulation is unknown"})
		case !emulated:
			out = append(out, condition{Fails, "the binary did not run under emulation"})
		default:
			out = append(out, condition{Holds, "the binary ran under emulation"})
		}
	}
	return out
}

// isEmulated says whether f's binary ran under emulation, and whether that
// is known: given, or derived from the two architectures (a 386 binary runs
// natively on amd64).
func isEmulated(f Facts) (emulated, known bool) {
	if f.Emulated != nil {
		return *f.Emulated, true
	}
	if f.BinaryArch == "" || f.HostArch == "" {
		return false, false
	}
	if f.BinaryArch == f.HostArch || (f.BinaryArch == "386" && f.HostArch == "amd64") {
		return false, true
	}
	return true, true
}

// goVersionRE finds a Go release version in text such as "go1.25.3 (Red Hat
// 1.25.3-1.el9_7)" or "1.25.3".
var goVersionRE = regexp.MustCompile(`(?:^|[^0-9A-Za-z.])(?:go)?(1\.\d+(?:\.\d+)?(?:rc\d+|beta\d+)?)\b`)

// NormaliseGoVersion returns the Go version in s in the go/version form
// ("go1.25.3"), or "" when s holds none. It accepts "go1.25.3", "1.25.3"
// and "go version go1.25.3 linux/amd64".
func NormaliseGoVersion(s string) string {
	m := goVersionRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return ""
	}
	v := "go" + m[1]
	if !version.IsValid(v) {
		return ""
	}
	return v
}

// versionIn reports whether goVersion is within the range expression rng
// ("< go1.25.5", ">= go1.25, < go1.25.5").
func versionIn(goVersion, rng string) (bool, error) {
	for clause := range strings.SplitSeq(rng, ",") {
		clause = strings.TrimSpace(clause)
		op := strings.TrimRight(clause[:min(2, len(clause))], "go0123456789. ")
		bound := strings.TrimSpace(strings.TrimPrefix(clause, op))
		if !version.IsValid(bound) {
			return false, fmt.Errorf("invalid version %q in %q", bound, clause)
		}
		cmp := version.Compare(goVersion, bound)
		var ok bool
		switch op {
		case "<":
			ok = cmp < 0
		case "<=":
			ok = cmp <= 0
		case ">":
			ok = cmp > 0
		case ">=":
			ok = cmp >= 0
		case "=", "==":
			ok = cmp == 0
		default:
			return false, fmt.Errorf("unknown operator %q in %q", op, clause)
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

package diagnose

import (
	"fmt"
	"go/version"
	"regexp"
	"strconv"
	"strings"
)

// nextSteps proposes the gorepro commands that confirm or narrow down what
// r found, following from the facts f (supplied and read) and the known
// issues matched: for a known issue fixed in a Go release whose conditions
// hold or are unknown, a matrix over the native and the binary's
// architecture with the releases around the fix, and a bisection of the Go
// version; for an emulator's issue, native against emulated cells. A known
// issue the facts rule out (the Go version has the fix, the binary did not
// run emulated) is not the cause: then, when the Go version is known, a
// matrix of the crashing build against the official build of the same
// version (same version, different build?), and the steps for an unknown
// crash: a matrix, emulated next to native only when the facts suggest
// emulation, and git bisect with gorepro check.
func nextSteps(r *Report, matches []Match, f Facts) []NextStep {
	if steps := stepsWithoutCrash(r); steps != nil {
		return steps
	}
	var steps stepList
	badIf := "signature~" + regexp.QuoteMeta(heading(r.Signature))
	if strings.HasPrefix(r.Signature, raceHeading) {
		steps.add(raceStep())
	}
	var ruledOut []string // why known issues are not the cause
	explained := false    // some known issue may still be the cause
	for _, m := range matches {
		badIf = "signature~" + strings.TrimPrefix(m.Issue.SignatureRegexp, "^")
		if why := notTheCause(r, m, f); why != "" {
			ruledOut = append(ruledOut, why)
			continue
		}
		explained = true
		steps.knownIssue(r, m, badIf)
	}
	if !explained {
		steps.unknownCause(r, archesFor(r, f), ruledOut, badIf)
	}
	return steps.list
}

// stepsWithoutCrash is the next step for a log that shows no crash (a
// hang, a go test timeout, errors), or nil for a crash.
func stepsWithoutCrash(r *Report) []NextStep {
	switch r.Outcome {
	case OutcomeNoCrash:
		return []NextStep{{
			Command: "gorepro matrix --timeout 60s",
			Why:     "the log shows no crash; if the program hangs, a matrix run stops it at the deadline with a goroutine dump that says where main was blocked",
		}}
	case OutcomeTimeout:
		run := "."
		if len(r.RunningTests) > 0 {
			var names []string
			for _, t := range r.RunningTests {
				name, _, _ := strings.Cut(t, " ")
				names = append(names, regexp.QuoteMeta(name))
			}
			run = "^(" + strings.Join(names, "|") + ")$"
		}
		return []NextStep{{
			Command: "go test -run " + shellQuote(run) + " -count 1 -v -timeout 10m ./...",
			Why:     "go test's -timeout fired: run the test(s) that were still running alone, verbosely, to see where they stop (the dump at the timeout shows each goroutine)",
		}}
	case OutcomeFail:
		return []NextStep{{
			Command: "gorepro matrix --fail-on any",
			Why:     "the log shows errors but no crash; give the target a pass rule (pass.logMatches: a line start-up prints) to see which cells get past it",
		}}
	}
	return nil
}

// raceHeading starts the signature of a data race report.
const raceHeading = "WARNING: DATA RACE"

// raceStep is the first step for a data race: a build with the race
// detector, which alone finds it.
func raceStep() NextStep {
	return NextStep{
		Command: "gorepro matrix --fail-on crash",
		Why: "a data race is found only by a build with the race detector: give the target \"buildFlags\": [\"-race\"] and \"cgo\": true " +
			"(the race detector needs cgo) in toolchains.json; a run that races exits 66 and is a crash with this signature, never a pass",
	}
}

// stepList collects next steps, each command once.
type stepList struct{ list []NextStep }

// add appends s unless a step with its command is there already.
func (l *stepList) add(s NextStep) {
	for _, have := range l.list {
		if have.Command == s.Command {
			return
		}
	}
	l.list = append(l.list, s)
}

// knownIssue adds the steps that confirm m, a known issue that may be the
// crash's cause: native against emulated cells for an emulator's issue;
// for a Go bug, a matrix of the releases around its fix and a bisection
// of the Go version with badIf.
func (l *stepList) knownIssue(r *Report, m Match, badIf string) {
	issue := m.Issue
	issueArch := "native"
	if c := issue.Conditions; c.BinaryArch != "" {
		issueArch = "native," + c.BinaryArch
	} else if r.BinaryArch != "" && c.Emulated {
		issueArch = "native," + r.BinaryArch
	}
	where := hostPhrase(issue, m.Machine)
	if issue.Fixed == "" {
		l.add(NextStep{
			Command: "gorepro matrix --arch " + issueArch + " --fail-on none",
			Why:     fmt.Sprintf("%s: %s is not a Go bug; the native cells should pass and the emulated ones crash", where, issue.ID),
		})
		return
	}
	around := versionsAround(issue.Fixed, r.GoVersion)
	l.add(NextStep{
		Command: "gorepro matrix --arch " + issueArch + " --toolchain " + strings.Join(around, ",") + " --target repro --fail-on none",
		Why: fmt.Sprintf("%s, with toolchains.json listing %s as gotoolchain toolchains (e.g. {\"name\": %q, \"kind\": \"gotoolchain\", \"version\": %q}): "+
			"%s predicts crashes only in the %s cells of releases before %s",
			where, strings.Join(around, ", "), issue.Fixed, issue.Fixed, issue.ID, cellsOf(issue), issue.Fixed),
	})
	l.add(NextStep{
		Command: "gorepro bisect --axis go --versions " + strings.Join(around, ",") + " --target repro" + archFlag(issue) + " --bad-if " + shellQuote(badIf),
		Why:     fmt.Sprintf("%s: finds the first Go release without the crash (%s says %s)", where, issue.ID, issue.Fixed),
	})
}

// unknownCause adds the steps for a crash no known issue explains (the
// ones matched were ruledOut, for the reasons given): when known issues
// were ruled out and the Go version is known, the crashing build against
// the official build of that version; then a matrix over arch and git
// bisect with gorepro check and badIf.
func (l *stepList) unknownCause(r *Report, arch string, ruledOut []string, badIf string) {
	because := ""
	if len(ruledOut) > 0 {
		because = strings.Join(ruledOut, "; ") + ": this crash has another cause; "
	}
	if len(ruledOut) > 0 && r.GoVersion != "" {
		yours := "a goroot toolchain for the GOROOT that built the crashing binary, or an image toolchain for its builder image"
		if r.DistroBuild {
			yours = "a goroot toolchain for the distribution's GOROOT that built the crashing binary, or an image toolchain for the builder image it comes from"
		}
		l.add(NextStep{
			Command: "gorepro matrix --arch " + arch + " --toolchain yours," + r.GoVersion + " --fail-on none",
			Why: because + fmt.Sprintf("same Go version, different build? with toolchains.json naming \"yours\" (%s) and the official build of %s as {\"name\": %q, \"kind\": \"gotoolchain\", \"version\": %q}: "+
				"if only yours crashes, the builds differ, and the analysis says where (GOROOT, runtime sources, image digests, go env)",
				yours, r.GoVersion, r.GoVersion, r.GoVersion),
		})
		because = ""
	}
	why := "reproduce the crash across the configured toolchains, protobuf versions and -cover, and see which axis changes the outcome"
	if arch != "native" {
		why += fmt.Sprintf("; --arch %s runs the binary's architecture, emulated as it ran, next to the host's own", arch)
	}
	l.add(NextStep{Command: "gorepro matrix --arch " + arch + " --fail-on none", Why: because + why})
	l.add(NextStep{
		Command: "git bisect run gorepro check --bad-if " + shellQuote(badIf),
		Why:     "after git bisect start BAD GOOD in your module: finds the commit that introduced this crash",
	})
}

// notTheCause says why the facts rule m out as the crash's cause — the Go
// version has the fix, or the binary's architecture, the host's or
// emulation are known not to be what the issue needs — or "" when they do
// not.
func notTheCause(r *Report, m Match, f Facts) string {
	issue := m.Issue
	var why []string
	if m.Version == Fails {
		why = append(why, fmt.Sprintf("%s already has the fix of %s (%s)", r.GoVersion, issue.ID, issue.Fixed))
	}
	if m.Machine == Fails {
		var failing []string
		for _, c := range machineConditions(issue.Conditions, f) {
			if c.holding == Fails {
				failing = append(failing, c.why)
			}
		}
		id := issue.ID
		if len(why) > 0 {
			id = "it"
		}
		why = append(why, fmt.Sprintf("%s needs %s, but here %s", id, needs(issue), strings.Join(failing, ", and ")))
	}
	return strings.Join(why, ", and ")
}

// needs says in a few words what an issue's machine conditions need.
func needs(issue KnownIssue) string {
	c := issue.Conditions
	switch {
	case c.BinaryArch != "" && c.HostArch != "":
		return "an " + c.BinaryArch + " binary emulated on " + c.HostArch
	case c.Emulated:
		return "a binary run under emulation"
	case c.BinaryArch != "":
		return "an " + c.BinaryArch + " binary"
	case c.HostArch != "":
		return "an " + c.HostArch + " host"
	}
	return "its conditions"
}

// hostPhrase says where an issue's steps are to run: on the kind of host
// the issue needs, which ran the binary (machine Holds) or may have
// (Unknown).
func hostPhrase(issue KnownIssue, machine Holding) string {
	host := issue.Conditions.HostArch
	switch {
	case host == "" && machine == Holds:
		return "on the host that ran the binary"
	case host == "":
		return "on a host that runs the binary emulated"
	case machine == Holds:
		return "on an " + host + " host, like the one that ran the binary"
	}
	return "if the binary ran on an " + host + " host (the log cannot say: --host-arch and --go-version tell)"
}

// archesFor returns the matrix's --arch for a crash: the binary's
// architecture next to the native one when the facts suggest emulation
// (an emulator's line in the log, or a binary architecture that is not the
// host's), else native only.
func archesFor(r *Report, f Facts) string {
	emulated, known := isEmulated(f)
	if r.BinaryArch != "" && ((known && emulated) || r.Emulator != "") {
		return "native," + r.BinaryArch
	}
	return "native"
}

// cellsOf names the cells an issue affects in the matrix table's ARCH
// (BIN/HOST) terms, e.g. "amd64/arm64".
func cellsOf(issue KnownIssue) string {
	c := issue.Conditions
	switch {
	case c.BinaryArch != "" && c.HostArch != "":
		return c.BinaryArch + "/" + c.HostArch
	case c.Emulated:
		return "emulated"
	}
	return "affected"
}

// heading returns the heading part of a signature (before " in <frame>").
func heading(signature string) string {
	if i := strings.LastIndex(signature, " in "); i > 0 {
		return signature[:i]
	}
	return signature
}

// archFlag holds a bisection at the binary architecture the issue needs.
func archFlag(issue KnownIssue) string {
	if issue.Conditions.BinaryArch == "" {
		return ""
	}
	return " --arch " + issue.Conditions.BinaryArch
}

// versionsAround returns the Go releases to compare around a fix: the log's
// version when it is older, the release before the fix, and the fix.
func versionsAround(fixed, logVersion string) []string {
	var out []string
	if logVersion != "" && version.Compare(logVersion, fixed) < 0 {
		out = append(out, logVersion)
	}
	if prev := previousPatch(fixed); prev != "" && prev != logVersion {
		out = append(out, prev)
	}
	return append(out, fixed)
}

// previousPatch returns the patch release before v ("go1.25.4" for
// "go1.25.5"), or "" for a .0 release.
func previousPatch(v string) string {
	i := strings.LastIndex(v, ".")
	if i < 0 || strings.Count(v, ".") < 2 {
		return ""
	}
	patch, err := strconv.Atoi(v[i+1:])
	if err != nil || patch == 0 {
		return ""
	}
	return v[:i+1] + strconv.Itoa(patch-1)
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[](){}<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

package diagnose

import (
	"fmt"
	"go/version"
	"regexp"
	"strconv"
	"strings"
)

// nextSteps proposes the gorepro commands that confirm or narrow down what
// r found: for a known issue fixed in a Go release, a matrix over the native
// and the binary's architecture with the releases around the fix, and a
// bisection of the Go version; for an unknown crash, git bisect with gorepro
// check and a matrix.
func nextSteps(r *Report) []NextStep {
	var steps []NextStep
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

	badIf := "signature~" + regexp.QuoteMeta(heading(r.Signature))
	for _, ki := range r.KnownIssues {
		issue, ok := issueByID(ki.ID)
		if !ok {
			continue
		}
		badIf = "signature~" + strings.TrimPrefix(issue.SignatureRegexp, "^")
		arch := "native"
		if c := issue.Conditions; c.BinaryArch != "" {
			arch = "native," + c.BinaryArch
		} else if r.BinaryArch != "" && c.Emulated {
			arch = "native," + r.BinaryArch
		}
		host := "the host"
		if issue.Conditions.HostArch != "" {
			host = "an " + issue.Conditions.HostArch + " host"
		}
		if issue.Fixed == "" {
			steps = append(steps, NextStep{
				Command: "gorepro matrix --arch " + arch + " --fail-on none",
				Why:     fmt.Sprintf("on %s: %s is not a Go bug; the native cells should pass and the emulated ones crash", host, ki.ID),
			})
			continue
		}
		around := versionsAround(issue.Fixed, r.GoVersion)
		steps = append(steps,
			NextStep{
				Command: "gorepro matrix --arch " + arch + " --toolchain " + strings.Join(around, ",") + " --target repro --fail-on none",
				Why: fmt.Sprintf("on %s, with toolchains.json listing %s as gotoolchain toolchains (e.g. {\"name\": %q, \"kind\": \"gotoolchain\", \"version\": %q}): "+
					"%s predicts crashes only in the %s cells of releases before %s",
					host, strings.Join(around, ", "), issue.Fixed, issue.Fixed, ki.ID, cellsOf(issue), issue.Fixed),
			},
			NextStep{
				Command: "gorepro bisect --axis go --versions " + strings.Join(around, ",") + " --target repro" + archFlag(issue) + " --bad-if " + shellQuote(badIf),
				Why:     fmt.Sprintf("on %s: finds the first Go release without the crash (%s says %s)", host, ki.ID, issue.Fixed),
			})
	}
	if len(steps) > 0 {
		return steps
	}
	arch := "native"
	if r.BinaryArch != "" && ((r.HostArch != "" && r.BinaryArch != r.HostArch) || r.Emulator != "") {
		arch = "native," + r.BinaryArch
	}
	steps = append(steps,
		NextStep{
			Command: "gorepro matrix --arch " + arch + " --fail-on none",
			Why:     "reproduce the crash across the configured toolchains, protobuf versions and -cover, and see which axis changes the outcome",
		},
		NextStep{
			Command: "git bisect run gorepro check --bad-if " + shellQuote(badIf),
			Why:     "after git bisect start BAD GOOD in your module: finds the commit that introduced this crash",
		})
	return steps
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

// issueByID returns the known issue with id.
func issueByID(id string) (KnownIssue, bool) {
	for _, issue := range KnownIssues() {
		if issue.ID == id {
			return issue, true
		}
	}
	return KnownIssue{}, false
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

package wording

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
)

// noSimpleDescription starts the description of failing cells no
// condition fits.
const noSimpleDescription = "no simple description"

// maxNamedFiles is how many differing files FileDifference names.
const maxNamedFiles = 5

// maxNamedPairs is how many other pairs of builds SameVersionDifferentBuild
// names for a file difference they share.
const maxNamedPairs = 3

// AxisLabel names an analysis axis (a record.AxisFinding's Axis) in
// sentences: "Go version", "protobuf version", "cover flag"; an axis it
// does not know by its key.
func AxisLabel(axis string) string {
	switch axis {
	case "goVersion":
		return "Go version"
	case "protobuf":
		return "protobuf version"
	case "cover":
		return "cover flag"
	}
	return axis
}

// AxisName names an analysis axis in conditions: "go" for the Go
// version, else its key (toolchain, protobuf, cover, arch).
func AxisName(axis string) string {
	if axis == "goVersion" {
		return "go"
	}
	return axis
}

// Outcomes names outcomes as alternatives: "crash or fail".
func Outcomes(outcomes []record.Outcome) string {
	words := make([]string, len(outcomes))
	for i, o := range outcomes {
		words[i] = string(o)
	}
	return strings.Join(words, " or ")
}

// Verb says what a cell with outcome o does: "crashes", "fails", "times
// out", "fails to build", else "passes".
func Verb(o record.Outcome) string {
	switch o {
	case record.Crash:
		return "crashes"
	case record.Fail:
		return "fails"
	case record.Timeout:
		return "times out"
	case record.BuildError:
		return "fails to build"
	}
	return "passes"
}

// GoBelow is the condition "go < v".
func GoBelow(v string) string { return "go < " + v }

// GoAtLeast is the condition "go >= v".
func GoAtLeast(v string) string { return "go >= " + v }

// ArchForeign is the condition that holds for binaries of another
// architecture than their host's.
func ArchForeign() string { return "binaryArch != hostArch" }

// ArchNative is the condition that holds for binaries of their host's
// architecture.
func ArchNative() string { return "binaryArch == hostArch" }

// Equals is the condition "axis=v" (axis as conditions name it: go,
// protobuf, cover, arch, toolchain).
func Equals(axis, v string) string { return axis + "=" + v }

// NotEquals is the condition "axis != v".
func NotEquals(axis, v string) string { return axis + " != " + v }

// In is the condition "axis in {a, b}".
func In(axis string, values []string) string {
	return axis + " in {" + strings.Join(values, ", ") + "}"
}

// Conjunction joins conditions with "and".
func Conjunction(conds []string) string { return strings.Join(conds, " and ") }

// Iff says which cells have outcomes: "crash or fail iff go < go1.25.5".
func Iff(outcomes, description string) string { return outcomes + " iff " + description }

// AllPass says every compared cell of a target passes.
func AllPass() string { return "every compared cell passes" }

// AllBuiltPass says every cell of a target that built passes.
func AllBuiltPass() string { return "every cell that built passes" }

// InEveryCell says every compared cell had one of outcomes.
func InEveryCell(outcomes string) string { return outcomes + " in every compared cell" }

// NoCellRan says no cell of a target ran to compare.
func NoCellRan() string { return "no cell ran to compare" }

// CellTuple writes one cell's values of some axes: "(arch=amd64/arm64,
// go=go1.24.6)".
func CellTuple(axes, values []string) string {
	parts := make([]string, len(axes))
	for i := range axes {
		parts[i] = Equals(axes[i], values[i])
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// CellTuples lists cell tuples, and how many more were left out.
func CellTuples(tuples []string, more int) string {
	s := strings.Join(tuples, ", ")
	if more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

// NoSimpleDescription describes failing cells no condition fits by their
// tuples (CellTuples).
func NoSimpleDescription(tuples string) string {
	return noSimpleDescription + "; failing cells: " + tuples
}

// IsNoSimpleDescription reports whether a target's Failing lists its
// cells (NoSimpleDescription) rather than describing them.
func IsNoSimpleDescription(failing string) bool {
	return strings.HasPrefix(failing, noSimpleDescription)
}

// BuildErrorInEveryCell says no cell of a target built.
func BuildErrorInEveryCell() string { return "build-error in every cell" }

// BuildErrorIn lists the build-error cells no condition fits by their
// tuples (CellTuples).
func BuildErrorIn(tuples string) string { return "build-error in " + tuples }

// WithBuildCrashes adds to the description of build errors what crashed
// while building.
func WithBuildCrashes(text string, crashes []string) string {
	if len(crashes) == 0 {
		return text
	}
	return text + " (" + strings.Join(crashes, "; ") + ")"
}

// WithAlternatives adds to the description of failing cells the
// descriptions that fit them equally.
func WithAlternatives(failing string, alternatives []string) string {
	for _, alt := range alternatives {
		failing += ", or equally iff " + alt
	}
	if len(alternatives) > 0 {
		failing += " (the cells cannot tell these apart)"
	}
	return failing
}

// TryCell proposes the cell that tells two descriptions apart: one like
// cell with axis set to value, which does primaryVerb if primary is right
// and altVerb if alt is.
func TryCell(cell, axis, value, primaryVerb, primary, altVerb, alt string) string {
	return fmt.Sprintf("to tell them apart, run a cell like %s with %s=%s: it %s if %s is right, and %s if %s is",
		cell, axis, value, primaryVerb, primary, altVerb, alt)
}

// AnotherBuild proposes the cell that tells a Go version from a build:
// cell again with another build of goVersion next to toolchain (whose
// kind says which other build to suggest), which does verb too if the Go
// version is to blame.
func AnotherBuild(cell, goVersion, toolchain, toolchainKind, verb string) string {
	other := fmt.Sprintf(`the toolchain {"kind": "gotoolchain", "version": %q} or the image golang:%s`, goVersion, strings.TrimPrefix(goVersion, "go"))
	if toolchainKind == "gotoolchain" {
		other = fmt.Sprintf("a distribution's builder image or an installed GOROOT of %s", goVersion)
	}
	return fmt.Sprintf("to tell the Go version from the build, run %s with another build of %s, e.g. %s, next to %s: if it %s too, the Go version is to blame; if it passes, the build of %s is",
		cell, goVersion, other, toolchain, verb, toolchain)
}

// NoCombination says no cell of a run's values tells two descriptions
// apart, and which axes (by label) want another value.
func NoCombination(labels []string) string {
	return "no combination of the values in this run tells them apart: add a value to " + JoinWords(labels)
}

// ChangesOutcome says an axis (by label) changes the outcome.
func ChangesOutcome(label string) string { return label + " changes the outcome" }

// NeverChange says axes (by label) never change the outcome.
func NeverChange(labels []string) string {
	return JoinWords(labels) + " never " + Plural(len(labels), "changes", "change") + " the outcome"
}

// NeverVariedAlone says axes (by label) were never varied alone.
func NeverVariedAlone(labels []string) string {
	return JoinWords(labels) + " " + Plural(len(labels), "was", "were") + " never varied alone"
}

// NotVaried says axes (by label) were not varied.
func NotVaried(labels []string) string {
	return JoinWords(labels) + " " + Plural(len(labels), "was", "were") + " not varied"
}

// LeftOut says how many cells were left out of the comparison, by
// outcome: "2 unavailable cells and 1 build-error cell were left out";
// "" when none were. Outcomes that are not valid are counted, not named.
func LeftOut(counts map[record.Outcome]int) string {
	var parts []string
	total := 0
	for _, o := range []record.Outcome{record.BuildError, record.Unavailable} {
		if n := counts[o]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, o))
			total += n
		}
	}
	for o, n := range counts {
		if o != record.BuildError && o != record.Unavailable {
			total += n
		}
	}
	if total == 0 {
		return ""
	}
	if len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%d", total))
	}
	return fmt.Sprintf("%s %s left out", JoinWords(parts), Plural(total, "cell was", "cells were"))
}

// NotTested says protobuf version asked for target was not tested: the
// build list built the versions built instead, for the reasons why (of
// record.ProtobufOverruled, sorted).
func NotTested(version, target string, built, why []string) string {
	reason := "the build list has " + JoinWords(built)
	if strings.HasPrefix(why[0], "required by ") {
		reason = "a dependency requires " + JoinWords(built)
	}
	return fmt.Sprintf("protobuf %s was not tested for %s: %s (%s)", version, OrDash(target), reason, strings.Join(why, "; "))
}

// differ says where two builds differ in one thing: "GOROOT /a vs /b".
func differ(what, a, b string) string {
	return fmt.Sprintf("%s %s vs %s", what, OrDash(a), OrDash(b))
}

// NothingDiffers says two builds' records are the same.
func NothingDiffers() string {
	return "nothing recorded differs (kind, GOROOT, images and go env are the same)"
}

// NoToolchainDetails says a run did not record its toolchains.
func NoToolchainDetails() string { return "no toolchain details were recorded" }

// ToolchainDifferences says where the records of two builds differ:
// kind, GOROOT, experiments, images and digests, go env; nil when they
// do not.
func ToolchainDifferences(a, b *record.Toolchain) []string {
	var out []string
	add := func(what, x, y string) {
		if x != y {
			out = append(out, differ(what, x, y))
		}
	}
	add("kind", a.Kind, b.Kind)
	add("GOROOT", a.GOROOT, b.GOROOT)
	add("GOEXPERIMENT suffix", a.Experiments, b.Experiments)
	var ca, cb record.Container
	if a.Container != nil {
		ca = *a.Container
	}
	if b.Container != nil {
		cb = *b.Container
	}
	add("builder image", ca.Image, cb.Image)
	add("builder image ID", ca.ImageID, cb.ImageID)
	add("builder image digest", ca.ImageDigest, cb.ImageDigest)
	add("runtime image digest", ca.RuntimeImageDigest, cb.RuntimeImageDigest)
	keys := slices.Sorted(maps.Keys(a.GoEnv))
	for k := range b.GoEnv {
		if _, ok := a.GoEnv[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		add(k, a.GoEnv[k], b.GoEnv[k])
	}
	return out
}

// SameVersionDifferentBuild says what a build difference means in one
// clause of a summary.
func SameVersionDifferentBuild(b record.BuildDifference) string {
	s := fmt.Sprintf("same Go version, different build: %s (%s) and %s (%s) are both %s; they differ in %s",
		b.Bad, b.BadOutcome, b.Good, b.GoodOutcome, OrDash(b.GoVersion), strings.Join(b.Differences, ", "))
	if len(b.Also) == 0 {
		return s
	}
	var pairs []string
	for _, p := range b.Also {
		if len(pairs) == maxNamedPairs {
			pairs = append(pairs, fmt.Sprintf("%d more %s", len(b.Also)-maxNamedPairs, Plural(len(b.Also)-maxNamedPairs, "pair", "pairs")))
			break
		}
		pairs = append(pairs, p.Bad+" vs "+p.Good)
	}
	return fmt.Sprintf("%s; the same files differ in the pairs %s", s, strings.Join(pairs, ", "))
}

// FileDifference says fd in one clause: "src/runtime/tagptr_64bit.go
// differs (1 of 11,486 files)", "no file differs (of 11,486)"; bad and
// good name the two builds.
func FileDifference(fd *record.FileDifference, bad, good string) string {
	var named []string
	for _, p := range fd.Changed {
		named = append(named, p+" differs")
	}
	for _, p := range fd.OnlyBad {
		named = append(named, p+" only in "+bad)
	}
	for _, p := range fd.OnlyGood {
		named = append(named, p+" only in "+good)
	}
	n := len(named)
	if n == 0 {
		return fmt.Sprintf("no file of src/ and pkg/tool/ differs (of %s)", Thousands(fd.Total))
	}
	more := ""
	if n > maxNamedFiles {
		more = fmt.Sprintf(" and %d more", n-maxNamedFiles)
		named = named[:maxNamedFiles]
	}
	return fmt.Sprintf("%s%s (%d of %s files)", strings.Join(named, ", "), more, n, Thousands(fd.Total))
}

// Summary joins the non-empty clauses of a summary with "; " and ends
// the sentence.
func Summary(clauses []string) string {
	clauses = slices.DeleteFunc(slices.Clone(clauses), func(s string) bool { return s == "" })
	return strings.Join(clauses, "; ") + "."
}

// AnalysisSummary is the summary of a run's analysis: a line per target
// with cells that did not pass, "<target>: <summary>"; when there is
// none, one line saying every compared cell passed, none ran, or no
// target was a program under test.
func AnalysisSummary(targets []record.TargetAnalysis) string {
	var lines, passed []string
	for _, t := range targets {
		if t.Passed {
			passed = append(passed, t.Target)
			continue
		}
		lines = append(lines, OrDash(t.Target)+": "+t.Summary)
	}
	if len(lines) == 0 {
		switch {
		case len(passed) > 0:
			lines = append(lines, Summary([]string{AllPass() + " (" + JoinWords(passed) + ")"}))
		case len(targets) > 0:
			lines = append(lines, Summary([]string{NoCellRan()}))
		default:
			lines = append(lines, "no cell of a program under test (probe targets take no part).")
		}
	}
	return strings.Join(lines, "\n")
}

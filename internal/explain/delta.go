// Package explain is the engine of `gorepro explain`: for every cell whose
// verdict changed between two stored runs, it finds which input changed
// the verdict and bisects that input to the culprit.
//
// It has three parts:
//
//   - Inputs compares what a cell of each run was built from, as the runs
//     recorded it: the target's source commit, the binary's build list, the
//     toolchain's Go version and build, gorepro's config and version
//     (Delta).
//   - Explainer decides which probe cells to build and what they prove.
//     Only gorepro's config changed: nothing is built. Source (or modules)
//     and toolchain both changed: a cross-check cell (NEW's source with
//     BASE's Go version, or BASE's source with NEW's toolchain) says which
//     matters. Then one strategy: a search over the commits between the two
//     (a culprit commit that only changes go.mod and go.sum is followed into
//     its modules), over the Go releases between the two, over one module's
//     versions, or, for several module updates, delta debugging first; a
//     change of toolchain build (same Go version) is confirmed by building
//     NEW's cell again and shown side by side. A change explained by a Go
//     release is followed, when Explainer.GoRepo names a Go repository,
//     into the Go commits between the release before it and it (their tags),
//     and a change between two toolchains built from commits of one Go
//     repository (kind gosource) into the commits between them: a
//     go-commit search (internal/bisection.NewGoCommitPlan) whose boundary
//     becomes the cause (a Go commit), or, when it cannot conclude (a tag
//     missing, the commits' own toolchains not showing the change's
//     verdicts), a step that says why, the release or build staying the
//     cause. A cell whose inputs changed like those of a cell already
//     explained by a commit is checked at that boundary with two probes
//     instead of a search. Cells with one cause are merged into one
//     explanation.
//   - MinimalSet is the delta debugging (Zeller's ddmin) that finds, among
//     several module updates, the smallest set that turns a cell bad.
//
// The Explainer builds nothing itself: it asks a bisection.Prober for each
// probe cell (the command gives the matrix runner, tests a fake) and
// searches with the bisection engine (internal/bisection). The comparison
// of the runs (compare.Diff, compare.FileDifference) is given to it as
// ChangedCell values and a FileDifference function, because compare
// imports this package for Inputs.
package explain

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
)

// Delta is what differs between the recorded inputs of one cell in a base
// and a new run.
type Delta struct {
	// Commit is set when the target's source commit (or its dirtiness)
	// changed.
	Commit *CommitChange
	// Modules are the modules of the build list whose version changed,
	// appeared or disappeared, by path; the main module is left out.
	Modules []ModuleChange
	// GoVersion is set when the Go version changed; Build when the Go
	// version is the same but the toolchain's build is not (another
	// GOROOT build, another image).
	GoVersion *ValueChange
	Build     *ValueChange
	// Images lists, one line each, the images of an image toolchain whose
	// registry digest changed: a moved tag ("image digest changed:
	// sha256:… → sha256:…", "runtime image digest changed: …").
	Images []string
	// Toolchain lists the fields of the cell's toolchain entry in the
	// config that changed, one line each ("toolchain go: goroot
	// /usr/local/go → /opt/ci/go"): a change of toolchain, which Build or
	// GoVersion says whether it changed what the cell was built with.
	Toolchain []string
	// Config lists changes of gorepro's own config or version that reach
	// the cell, one line each: its settings, its target's entry.
	Config []string
	// Environment lists, one line each, the go env values of the cell's
	// toolchain that differ while its Go version and build do not ("go env
	// GOAMD64 v1 → v3", from the environment or the user's go env file),
	// and the variables of the environment the two runs' host builds and
	// runs inherited that differ ("environment GODEBUG (none) →
	// asyncpreemptoff=1"; none when a run did not record it).
	Environment []string
	// Unknown lists inputs a cell did not record (runs made before gorepro
	// recorded them), so that they cannot be compared.
	Unknown []string
}

// CommitChange is a change of the target's source commit.
type CommitChange struct {
	From, To           string
	FromDirty, ToDirty bool
}

// ModuleChange is a module whose version differs; From is "" for a module
// added to the build list and To "" for one dropped from it.
type ModuleChange struct {
	Path, From, To string
}

// String is "path from → to".
func (m ModuleChange) String() string {
	return fmt.Sprintf("%s %s → %s", m.Path, cmp.Or(m.From, "(none)"), cmp.Or(m.To, "(none)"))
}

// ValueChange is an input value (a Go version, a toolchain build) that
// changed from From to To.
type ValueChange struct{ From, To string }

// Inputs compares what cell b of run base and cell n of run next were
// built from.
func Inputs(base *record.Run, b record.Cell, next *record.Run, n record.Cell) Delta {
	var d Delta
	switch {
	case b.Source == nil || n.Source == nil:
		if b.TargetKind == "package" || n.TargetKind == "package" {
			d.Unknown = append(d.Unknown, "source commit")
		}
	case b.Source.Commit != n.Source.Commit || b.Source.Dirty != n.Source.Dirty:
		d.Commit = &CommitChange{From: b.Source.Commit, To: n.Source.Commit, FromDirty: b.Source.Dirty, ToDirty: n.Source.Dirty}
	}
	if len(b.BuildList) == 0 || len(n.BuildList) == 0 {
		if b.Outcome != record.BuildError && n.Outcome != record.BuildError {
			d.Unknown = append(d.Unknown, "build list")
		}
	} else {
		d.Modules = ModuleChanges(b.BuildList, n.BuildList)
	}
	switch {
	case b.GoVersion != n.GoVersion:
		d.GoVersion = &ValueChange{From: b.GoVersion, To: n.GoVersion}
	case !record.BuildsComparable(b.ToolchainBuild, n.ToolchainBuild):
		d.Unknown = append(d.Unknown, "toolchain build")
	case b.ToolchainBuild != n.ToolchainBuild:
		d.Build = &ValueChange{From: b.ToolchainBuild, To: n.ToolchainBuild}
	}
	d.Images = imageChanges(b.Container, n.Container)
	if d.GoVersion == nil && d.Build == nil {
		d.Environment = mapChanges("go env", toolchainOf(base, b).GoEnv, toolchainOf(next, n).GoEnv)
	}
	if base.Host.Environment != nil && next.Host.Environment != nil {
		be, ne := map[string]string{}, map[string]string{} // recorded as null: none
		maps.Copy(be, *base.Host.Environment)
		maps.Copy(ne, *next.Host.Environment)
		d.Environment = append(d.Environment, mapChanges("environment", be, ne)...)
	}
	d.Config = append(d.Config, SettingChanges(b.Settings, n.Settings)...)
	d.Toolchain = EntryChanges("toolchain "+n.Toolchain, b.ToolchainEntry, n.ToolchainEntry)
	d.Config = append(d.Config, EntryChanges("target "+n.Target, b.TargetEntry, n.TargetEntry)...)
	// Runs that recorded every part of the config that reaches a cell say
	// which part changed; for older runs only the whole matrix's hash
	// says that something did, maybe for other cells only.
	perCell := b.Settings != nil && n.Settings != nil && b.ToolchainEntry != nil && n.ToolchainEntry != nil && b.TargetEntry != nil && n.TargetEntry != nil
	if !perCell && len(d.Config) == 0 && base.MatrixSHA256 != "" && next.MatrixSHA256 != "" && base.MatrixSHA256 != next.MatrixSHA256 {
		d.Config = append(d.Config, fmt.Sprintf("matrix settings (%s): hash %s → %s", cmp.Or(next.Config, "the config"), short(base.MatrixSHA256), short(next.MatrixSHA256)))
	}
	if base.GoreproVersion != next.GoreproVersion {
		d.Config = append(d.Config, fmt.Sprintf("gorepro version %s → %s", base.GoreproVersion, next.GoreproVersion))
	}
	return d
}

// imageChanges lists the images of two cells' image toolchains whose
// registry digest changed, one line each; none when a cell recorded no
// container or no digest.
func imageChanges(b, n *record.Container) []string {
	if b == nil || n == nil {
		return nil
	}
	var out []string
	add := func(what, from, to string) {
		if from != "" && to != "" && from != to {
			out = append(out, fmt.Sprintf("%s digest changed: %s → %s", what, shortDigest(from), shortDigest(to)))
		}
	}
	add("image", b.ImageDigest, n.ImageDigest)
	add("runtime image", b.RuntimeImageDigest, n.RuntimeImageDigest)
	return out
}

// shortDigest is a registry digest as people compare them:
// "sha256:" and the first 12 hex digits, then "…".
func shortDigest(d string) string {
	algo, hex, ok := strings.Cut(d, ":")
	if !ok || len(hex) <= 12 {
		return d
	}
	return algo + ":" + hex[:12] + "…"
}

// SettingChanges lists, one line each and sorted, the cell settings
// (record.Cell.Settings) that differ: "config timeout 20s → 300ms". Cells
// recorded without settings compare as unchanged.
func SettingChanges(base, next map[string]string) []string {
	return mapChanges("config", base, next)
}

// mapChanges lists, one line each and sorted by key, the keys of two
// recorded maps whose values differ: "what KEY FROM → TO", "(none)" for a
// missing or empty value; none when one map was not recorded.
func mapChanges(what string, base, next map[string]string) []string {
	var out []string
	for _, k := range changedKeys(base, next) {
		out = append(out, fmt.Sprintf("%s %s %s → %s", what, k, cmp.Or(base[k], "(none)"), cmp.Or(next[k], "(none)")))
	}
	return out
}

// changedKeys returns, sorted, the keys whose values differ between two
// recorded maps; none when one was not recorded.
func changedKeys(base, next map[string]string) []string {
	if base == nil || next == nil {
		return nil
	}
	var keys []string
	for _, k := range slices.Sorted(maps.Keys(base)) {
		if base[k] != next[k] {
			keys = append(keys, k)
		}
	}
	for k := range next {
		if _, ok := base[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// EntryChanges lists, one line each and sorted by field, the fields of a
// config entry (record.Cell.ToolchainEntry, TargetEntry) that differ:
// "toolchain go: goroot /usr/local/go → /opt/ci/go", what naming it.
// Entries not recorded in one of the runs compare as unchanged.
func EntryChanges(what string, base, next map[string]string) []string {
	var out []string
	for _, k := range changedKeys(base, next) {
		out = append(out, fmt.Sprintf("%s: %s %s → %s", what, k, cmp.Or(base[k], "(none)"), cmp.Or(next[k], "(none)")))
	}
	return out
}

// ModuleChanges lists the modules whose version differs between two build
// lists, sorted by path. The first module of a build list is the main
// module and is left out.
func ModuleChanges(base, next []record.Module) []ModuleChange {
	version := func(list []record.Module) map[string]string {
		m := map[string]string{}
		for i, mod := range list {
			if i == 0 {
				continue
			}
			m[mod.Path] = mod.Version
			if mod.Replace != "" {
				m[mod.Path] += " => " + mod.Replace
			}
		}
		return m
	}
	bv, nv := version(base), version(next)
	var out []ModuleChange
	for path, v := range nv {
		if bv[path] != v {
			out = append(out, ModuleChange{Path: path, From: bv[path], To: v})
		}
	}
	for path, v := range bv {
		if _, ok := nv[path]; !ok {
			out = append(out, ModuleChange{Path: path, From: v})
		}
	}
	slices.SortFunc(out, func(a, b ModuleChange) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// Kinds names the kinds of input that changed, in the order explain looks
// at them: "commit", "modules", "go-version", "toolchain-build".
func (d Delta) Kinds() []string {
	var kinds []string
	if d.Commit != nil {
		kinds = append(kinds, "commit")
	}
	if len(d.Modules) > 0 {
		kinds = append(kinds, "modules")
	}
	if d.GoVersion != nil {
		kinds = append(kinds, "go-version")
	}
	if d.Build != nil {
		kinds = append(kinds, "toolchain-build")
	}
	return kinds
}

// Lines describes the delta, one line per kind of change.
func (d Delta) Lines() []string {
	var lines []string
	if c := d.Commit; c != nil {
		lines = append(lines, fmt.Sprintf("source commit %s → %s", dirty(c.From, c.FromDirty), dirty(c.To, c.ToDirty)))
	}
	if n := len(d.Modules); n > 0 {
		var parts []string
		for _, m := range d.Modules {
			parts = append(parts, m.String())
		}
		noun := "modules"
		if n == 1 {
			noun = "module"
		}
		lines = append(lines, fmt.Sprintf("%d %s: %s", n, noun, strings.Join(parts, ", ")))
	}
	if g := d.GoVersion; g != nil {
		lines = append(lines, fmt.Sprintf("Go version %s → %s", g.From, g.To))
	}
	if b := d.Build; b != nil {
		lines = append(lines, fmt.Sprintf("toolchain build %s → %s (same Go version)", b.From, b.To))
	}
	lines = append(lines, d.Images...)
	lines = append(lines, d.Toolchain...)
	lines = append(lines, d.Config...)
	lines = append(lines, d.Environment...)
	if len(d.Unknown) > 0 {
		lines = append(lines, "not recorded in one of the runs: "+strings.Join(d.Unknown, ", "))
	}
	return lines
}

func dirty(commit string, d bool) string {
	s := short(commit)
	if d {
		s += " (dirty)"
	}
	return s
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

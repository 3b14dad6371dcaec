// Package bisection is the engine of `gorepro bisect`: it bisects one axis
// of gorepro's matrix while every other axis is held at one value, by
// building and judging one probe cell per candidate. The search itself
// (which candidate to probe next, re-confirmation, flakiness) is the public
// package bisect; this package gives it gorepro's axes and cells.
//
// A bisection has four parts:
//
//   - Planning (NewPlan): parse the axis (protobuf, module:PATH, go,
//     toolchain, commit, go-commit, image) and what is bad (--bad-if, --bad-threshold: bisect's
//     predicate and threshold, read by ParseBadIf and ParseBadThreshold,
//     whose errors name the flags), load
//     the config and hold its other axes at one value each (the given one,
//     else the config's first; the bisected axis cannot be held).
//   - Candidates (ListCandidates, Plan.ListCommits): the ordered versions of
//     the axis between From and To. Module and Go versions come from
//     Options.Versions, else from a Versions lister (Proxy asks the module
//     proxy through the go command); toolchains are the configured ones in
//     config order; commits are the target repository's history, oldest
//     first.
//   - Probing (Bisection): each candidate becomes a one-cell config
//     (Plan.ProbeConfig; a commit is checked out in a git worktree, see
//     Checkouts) that a Prober builds and runs. The engine never builds
//     anything itself: the command gives it a Prober (the matrix runner
//     writing into a run directory), tests give it a fake. The engine
//     judges the cell it gets back (Judge, through bisect.Judge and
//     Observe) into a Probe: bisect's judgement with what gorepro knows of
//     the cell (its ID, whether it was built, cached or not run), which
//     the public library does not hold. A flaky search's conclusion gets
//     gorepro's advice (--runs, --bad-threshold).
//   - Recording (Bisection.Record): the stored form of the bisection
//     (through internal/bisectrecord), its probes with their cells, the
//     boundary's reproduce commands and, on the commit axis, the commits
//     named with their subject and author. On the image axis each probe's
//     toolchain is its image pinned by digest (repo:tag@sha256:…), which
//     the engine pulls only when it is probed, so a search without skipped
//     candidates pulls at most PullBound(n) = ceil(log2 n)+2 images;
//     Bisection.DescribeImages then names the boundary's two images (tag,
//     digest, Go version, created time), where their Go installations
//     differ (the run's toolchain records and their GOROOT manifests,
//     through Bisection.Files: "same Go version, different build:
//     src/runtime/tagptr_64bit.go differs") and which images the engine
//     pulled (record.Container.ImagePulled). Given a second repository
//     (Options.Images: the vendor's, then upstream's), its newest image of
//     each Go version at the boundary is probed after the search (the
//     separating cells), and the answer says whether the vendor's build or
//     the Go version matters (MattersBuild, MattersVersion, MattersBoth,
//     MattersUndecided).
//
// Errors are typed, and the command maps them to exit statuses:
// OptionError (an option that cannot be used) and RangeError (a range that
// cannot be searched) are bad input, UndecidedError is a search without a
// trustworthy boundary, InfraError a failure of what gorepro depends on
// (the module proxy).
//
// The explanation engine (internal/explain) bisects through the same Plan,
// Bisection and Prober; NewGoCommitPlan gives it a go-commit plan over an
// open Go repository's range (the commits between two releases' tags, or
// between two gosource toolchains' commits), and Bisection.GoBuilds and
// GoBuildsText count the toolchains its search built.
package bisection

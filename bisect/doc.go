// Package bisect finds, along an ordered axis of candidates (protobuf
// versions, module versions, Go versions, toolchains, commits), the adjacent pair where
// a verdict flips from good to bad (a regression) or from bad to good (a fix).
//
// The package is a search library: it knows nothing of how a candidate is
// built or run, nor of how a result is stored or shown. A [Prober] probes
// one candidate and returns a [Probe] with its [Verdict], usually made by
// [Judge] from what the probe showed (an [Observation]); [Search] decides
// which candidate to probe next and returns a [Result]: the [Direction] of
// the flip and its [Boundary], or why there is none.
//
// # Verdicts
//
// Each probe of a candidate builds and runs it (once or several times) and is
// judged by [Judge]:
//
//   - skip: the probe is build-error or unavailable (or has no outcome). Like
//     exit status 125 in git bisect, a skipped candidate is neither good nor
//     bad; the search goes around it and the result lists it.
//   - bad: at least K of the probe's runs are bad, where a run is bad when a
//     [Predicate] says so and K is that of a [Threshold] (K=1: any bad run
//     makes the probe bad).
//   - good: otherwise.
//
// [ParsePredicate] reads a predicate: a comma-separated OR of conditions,
// crash (the default), timeout, fail, nonpass (crash, fail or timeout) and
// signature~REGEX (the run's crash signature matches REGEX). A REGEX may
// contain commas: the list is split only at commas followed by a known
// condition. Passing runs, build errors and unavailable runs are never bad.
// [ParseThreshold] reads a threshold "k/N".
//
// # Search
//
// [Search] works on the candidates in the order given:
//
//  1. It probes the first and the last candidate. While an endpoint is
//     skipped it moves inward to the next candidate and probes it, so the
//     endpoints are the outermost candidates that could be judged. If every
//     candidate is skipped (or only one could be judged) the search fails
//     with a [*NoVerdictError]; if both endpoints have the same verdict
//     nothing flips in the range and it fails with an [*EndpointsError].
//  2. The verdict of the first endpoint decides the direction: good means a
//     regression is sought (the first bad candidate), bad means a fix (the
//     first good candidate).
//  3. Binary search keeps lo (verdict of the first endpoint) and hi (verdict
//     of the last) and probes mid = (lo+hi)/2. A good or bad mid replaces the
//     side with the same verdict. A skipped mid is stepped around: the
//     nearest untried candidate to mid is probed next, alternating above and
//     below (mid+1, mid-1, mid+2, ...), strictly between lo and hi. When
//     every candidate strictly between lo and hi has been tried, lo and hi
//     are the boundary: adjacent among the candidates that could be judged.
//     Skipped candidates left between them are reported in Between, since
//     the flip may be at any of them.
//  4. The boundary is re-confirmed: each side is probed again Confirm times
//     (default 1) with fresh set, so the prober builds and runs it again
//     instead of serving its cache. If any re-confirmation disagrees with the
//     first verdict of that candidate the target is flaky: the result has no
//     boundary and names the candidates whose probes disagreed (more runs
//     per probe, or a threshold, may then decide).
//
// No candidate is probed twice except by re-confirmations. Without skipped
// candidates a search over n candidates makes at most ceil(log2 n) + 2
// probes before the 2×Confirm re-confirmations: two endpoints and a binary
// search over the n-1 gaps between them.
//
// # Progress
//
// Each probe writes one line to Options.Progress, for example
//
//	bisect: probe v1.34.2: bad (crash, 3/3 runs bad, fatal error: taggedPointerPack) — 5 candidates left (about 3 steps)
//
// where the parenthesis holds the probe's outcome, runs, signature (or the
// reason of a skip) and Note, "candidates left" counts the untried candidates the flip may still be
// at and "steps" is the number of further probes binary search needs for them
// when none is skipped. Re-confirmations are written as "bisect: re-confirm".
// The conclusion is not written; it is in [Result].Conclusion.
package bisect

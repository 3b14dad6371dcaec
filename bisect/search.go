package bisect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"strings"
)

// Prober evaluates one candidate: it builds and runs what version names
// and judges it (usually with [Judge]). fresh is true for re-confirmations:
// the prober must then build and run again, not serve a cached result.
type Prober func(ctx context.Context, version string, fresh bool) (Probe, error)

// Options tune [Search].
type Options struct {
	// Progress receives one line per probe with the number of candidates
	// left; nil discards them.
	Progress io.Writer
	// Confirm is the number of re-confirmation probes of each side of the
	// boundary: 0 means the default, 1; a negative value means none.
	Confirm int
}

// Boundary is the adjacent pair of candidates (among those not skipped)
// where the verdict flips: the last with the first endpoint's verdict
// (Before) and the first with the other (After).
type Boundary struct{ Before, After string }

// Direction says which way the verdict flips along the candidates.
type Direction string

// The directions of a result.
const (
	// Regression is a flip from good (Before) to bad (After).
	Regression Direction = "regression"
	// Fix is a flip from bad (Before) to good (After).
	Fix Direction = "fix"
)

// Result is what a [Search] found.
type Result struct {
	// Candidates are the candidates searched, in order.
	Candidates []string
	// Probes are the probes in the order they ran: one per call of the
	// prober that returned no error.
	Probes []Probe
	// Skipped lists the candidates judged skip, in candidate order (empty,
	// not nil, when there are none).
	Skipped []string
	// Direction is the way the verdict flips; "" when undecided.
	Direction Direction
	// Boundary is adjacent among the candidates that were not skipped; nil
	// when the target is flaky or nothing was decided.
	Boundary *Boundary
	// Between lists the skipped candidates strictly between Boundary.Before
	// and Boundary.After: the flip may be at any of them.
	Between []string
	// Flaky is true when a re-confirmation disagreed with the first probe
	// of its candidate; FlakyVersions lists those candidates.
	Flaky         bool
	FlakyVersions []string
	// Conclusion is one line, e.g. "fix: first good v1.35.0 (last bad
	// v1.34.2)", "flaky: ..." or "undecided: ...".
	Conclusion string
}

// Search bisects candidates (ordered, distinct, at least two) with probe as
// the package documentation describes. It always returns a non-nil Result
// holding the probes done so far, also along with an error: an
// [*EndpointsError] when both endpoints have the same verdict, a
// [*NoVerdictError] when fewer than two candidates could be judged, the
// prober's error (wrapped) and the context's error when ctx ends.
func Search(ctx context.Context, candidates []string, probe Prober, opts Options) (*Result, error) {
	s := &searcher{
		ctx:        ctx,
		candidates: candidates,
		probe:      probe,
		progress:   opts.Progress,
		verdicts:   make([]Verdict, len(candidates)),
		result:     &Result{Candidates: slices.Clone(candidates), Probes: []Probe{}, Skipped: []string{}},
	}
	if err := validateCandidates(candidates); err != nil {
		return s.result, err
	}
	if probe == nil {
		return s.result, errors.New("bisect: no prober")
	}
	confirm := opts.Confirm
	if confirm == 0 {
		confirm = 1
	}
	err := s.run(max(confirm, 0))
	s.finish()
	if err != nil && s.result.Conclusion == "" {
		s.result.Conclusion = "undecided: " + err.Error()
	}
	return s.result, err
}

// validateCandidates checks that there are at least two candidates, none
// empty and none twice.
func validateCandidates(candidates []string) error {
	if len(candidates) < 2 {
		return fmt.Errorf("bisect needs at least two candidates, got %d", len(candidates))
	}
	seen := make(map[string]int, len(candidates))
	for i, c := range candidates {
		if c == "" {
			return fmt.Errorf("candidate %d is empty", i+1)
		}
		if j, ok := seen[c]; ok {
			return fmt.Errorf("candidate %s is listed twice (positions %d and %d)", c, j+1, i+1)
		}
		seen[c] = i
	}
	return nil
}

// searcher holds the state of one Search.
type searcher struct {
	ctx        context.Context
	candidates []string
	probe      Prober
	// progress is Options.Progress, nil when progress is not wanted.
	progress io.Writer
	// verdicts holds the first verdict of each candidate, "" while untried.
	verdicts []Verdict
	// lo and hi are the current sides of the search.
	lo, hi int
	result *Result
}

// run does the search and fills in the result's direction, boundary, flakiness
// and conclusion.
func (s *searcher) run(confirm int) error {
	n := len(s.candidates)
	s.lo, s.hi = 0, n-1
	if err := s.judge(s.lo); err != nil {
		return err
	}
	if err := s.judge(s.hi); err != nil {
		return err
	}
	for s.verdicts[s.lo] == Skip && s.lo < s.hi {
		s.lo++
		if err := s.judge(s.lo); err != nil {
			return err
		}
	}
	for s.verdicts[s.hi] == Skip && s.hi > s.lo {
		s.hi--
		if err := s.judge(s.hi); err != nil {
			return err
		}
	}
	if s.lo == s.hi {
		e := &NoVerdictError{Skipped: s.skipped(0, n)}
		if v := s.verdicts[s.lo]; v != Skip {
			e.Judged, e.Verdict = s.candidates[s.lo], v
		}
		s.result.Conclusion = "undecided: " + e.Error()
		return e
	}
	first, last := s.verdicts[s.lo], s.verdicts[s.hi]
	if first == last {
		e := &EndpointsError{Verdict: first, First: s.candidates[s.lo], Last: s.candidates[s.hi]}
		s.result.Conclusion = "undecided: " + e.Error()
		return e
	}
	s.result.Direction = Regression
	if first == Bad {
		s.result.Direction = Fix
	}

	for {
		k, ok := s.next()
		if !ok {
			break
		}
		if err := s.judgeThen(k, func(v Verdict) {
			switch v {
			case Skip:
			case first:
				s.lo = k
			default:
				s.hi = k
			}
		}); err != nil {
			return err
		}
	}

	if err := s.confirm(confirm); err != nil {
		return err
	}
	if s.result.Flaky {
		s.result.Conclusion = s.flakyConclusion()
		return nil
	}
	s.result.Boundary = &Boundary{Before: s.candidates[s.lo], After: s.candidates[s.hi]}
	s.result.Between = s.skipped(s.lo+1, s.hi)
	s.result.Conclusion = s.conclusion()
	return nil
}

// next returns the untried candidate strictly between lo and hi nearest to
// their midpoint, trying mid, mid+1, mid-1, mid+2, ... .
func (s *searcher) next() (int, bool) {
	mid := (s.lo + s.hi) / 2
	for d := 0; mid-d > s.lo || mid+d < s.hi; d++ {
		for _, k := range []int{mid + d, mid - d} {
			if k > s.lo && k < s.hi && s.verdicts[k] == "" {
				return k, true
			}
		}
	}
	return 0, false
}

// judge probes candidate i unless it has been probed already.
func (s *searcher) judge(i int) error {
	if s.verdicts[i] != "" {
		return nil
	}
	return s.judgeThen(i, func(Verdict) {})
}

// judgeThen probes candidate i for the first time, records the probe, calls
// narrow with its verdict and reports progress.
func (s *searcher) judgeThen(i int, narrow func(Verdict)) error {
	p, err := s.call(i, false)
	if err != nil {
		return err
	}
	s.verdicts[i] = p.Verdict
	narrow(p.Verdict)
	if s.progress != nil {
		fmt.Fprintf(s.progress, "bisect: probe %s: %s — %s\n", p.Version, describe(p), leftText(s.untriedBetween()))
	}
	return nil
}

// call runs the prober on candidate i and records the probe.
func (s *searcher) call(i int, fresh bool) (Probe, error) {
	version := s.candidates[i]
	if err := s.ctx.Err(); err != nil {
		return Probe{}, fmt.Errorf("bisect stopped before probing %s: %w", version, err)
	}
	p, err := s.probe(s.ctx, version, fresh)
	if err != nil {
		return Probe{}, fmt.Errorf("probing %s: %w", version, err)
	}
	switch p.Verdict {
	case Good, Bad, Skip:
	default:
		return Probe{}, fmt.Errorf("probing %s: prober returned verdict %q (want good, bad or skip)", version, p.Verdict)
	}
	p.Version = version
	p.Confirmation = fresh
	s.result.Probes = append(s.result.Probes, p)
	return p, nil
}

// untriedBetween counts the untried candidates strictly between lo and hi.
func (s *searcher) untriedBetween() int {
	left := 0
	for k := s.lo + 1; k < s.hi; k++ {
		if s.verdicts[k] == "" {
			left++
		}
	}
	return left
}

// leftText says how many candidates are left and about how many probes of
// binary search they need.
func leftText(left int) string {
	if left == 0 {
		return "0 candidates left"
	}
	steps := bits.Len(uint(left)) // ceil(log2(left+1))
	plural := "s"
	if steps == 1 {
		plural = ""
	}
	noun := "candidates"
	if left == 1 {
		noun = "candidate"
	}
	return fmt.Sprintf("%d %s left (about %d step%s)", left, noun, steps, plural)
}

// describe summarises a probe for a progress line, e.g.
// "bad (crash, 3/3 runs bad, fatal error: taggedPointerPack)" or
// "good (pass, 0/1 runs bad, cached)".
func describe(p Probe) string {
	parts := []string{string(p.Outcome)}
	if p.Outcome == "" {
		parts = parts[:0]
	}
	if p.Verdict == Skip {
		if p.Reason != "" {
			parts = append(parts, p.Reason)
		}
	} else {
		if p.Runs > 0 {
			parts = append(parts, fmt.Sprintf("%d/%d runs bad", p.BadRuns, p.Runs))
		}
		if p.Signature != "" {
			parts = append(parts, p.Signature)
		}
	}
	if p.Note != "" {
		parts = append(parts, p.Note)
	}
	if len(parts) == 0 {
		return string(p.Verdict)
	}
	return fmt.Sprintf("%s (%s)", p.Verdict, strings.Join(parts, ", "))
}

// confirm probes each side of the boundary again, fresh, rounds times, and
// marks the result flaky when a verdict disagrees with the first one.
func (s *searcher) confirm(rounds int) error {
	for round := 1; round <= rounds; round++ {
		for _, i := range []int{s.lo, s.hi} {
			p, err := s.call(i, true)
			if err != nil {
				return err
			}
			note := ""
			if p.Verdict != s.verdicts[i] {
				note = fmt.Sprintf(" — disagrees with the first probe (%s)", s.verdicts[i])
				s.result.Flaky = true
				if !slices.Contains(s.result.FlakyVersions, p.Version) {
					s.result.FlakyVersions = append(s.result.FlakyVersions, p.Version)
				}
			}
			if s.progress != nil {
				fmt.Fprintf(s.progress, "bisect: re-confirm %s (%d of %d): %s%s\n", p.Version, round, rounds, describe(p), note)
			}
		}
	}
	return nil
}

// skipped returns the candidates in [from, to) judged skip.
func (s *searcher) skipped(from, to int) []string {
	var list []string
	for k := from; k < to; k++ {
		if s.verdicts[k] == Skip {
			list = append(list, s.candidates[k])
		}
	}
	return list
}

// conclusion is the one-line answer of a search that found a boundary.
func (s *searcher) conclusion() string {
	before, after := s.candidates[s.lo], s.candidates[s.hi]
	firstKind, lastKind := "bad", "good"
	if s.result.Direction == Fix {
		firstKind, lastKind = "good", "bad"
	}
	if between := s.result.Between; len(between) > 0 {
		return fmt.Sprintf("%s between %s (%s) and %s (%s); skipped in between, the flip may be at any of: %s",
			s.result.Direction, before, lastKind, after, firstKind, strings.Join(between, " "))
	}
	return fmt.Sprintf("%s: first %s %s (last %s %s)", s.result.Direction, firstKind, after, lastKind, before)
}

// flakyConclusion says which candidates answered differently and what to do.
func (s *searcher) flakyConclusion() string {
	var parts []string
	for _, version := range s.result.FlakyVersions {
		var seq []string
		for _, p := range s.result.Probes {
			if p.Version == version {
				seq = append(seq, string(p.Verdict))
			}
		}
		parts = append(parts, fmt.Sprintf("%s answered %s", version, strings.Join(seq, ", then ")))
	}
	return fmt.Sprintf("flaky: the target does not answer consistently (%s)", strings.Join(parts, "; "))
}

// finish fills in the fields derived from the probes.
func (s *searcher) finish() {
	s.result.Skipped = s.skipped(0, len(s.verdicts))
	if s.result.Skipped == nil {
		s.result.Skipped = []string{}
	}
}

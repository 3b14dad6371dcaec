package bisect

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Verdict is the judgement of one probe of a candidate: "good", "bad" or
// "skip".
type Verdict string

// The three verdicts. Skip means the candidate could not be judged (it did not
// build, or could not be run) and says nothing about the code.
const (
	Good Verdict = "good"
	Bad  Verdict = "bad"
	Skip Verdict = "skip"
)

// The conditions of a predicate. conditionSignature is followed by "~REGEX".
const (
	conditionCrash     = "crash"
	conditionTimeout   = "timeout"
	conditionFail      = "fail"
	conditionNonpass   = "nonpass"
	conditionSignature = "signature"
	signaturePrefix    = conditionSignature + "~"
	validConditions    = "crash, timeout, fail, nonpass, signature~REGEX"
)

// condition is one term of a predicate.
type condition struct {
	// name is one of the condition constants.
	name string
	// signature is the compiled REGEX of a signature condition.
	signature *regexp.Regexp
}

// String returns the condition as ParsePredicate reads it.
func (c condition) String() string {
	if c.name == conditionSignature {
		return signaturePrefix + c.signature.String()
	}
	return c.name
}

// Predicate decides whether one run is bad: an OR of conditions, read by
// [ParsePredicate]. The zero Predicate is the default, crash.
type Predicate struct {
	conditions []condition
}

// ParsePredicate parses a predicate: "crash" (the default, also for ""), "timeout", "fail", "nonpass" (crash, fail or timeout),
// "signature~REGEX" (the run's signature matches REGEX) or a comma-separated
// list of them, any of which makes a run bad. Because a REGEX may itself
// contain commas, the text after "signature~" extends up to the next comma
// that starts a known condition (",crash", ",signature~", ...) or to the end.
// Spaces around conditions are ignored, but not inside a REGEX.
func ParsePredicate(s string) (Predicate, error) {
	if strings.TrimSpace(s) == "" {
		return Predicate{}, nil
	}
	var conditions []condition
	rest := s
	for {
		term := strings.TrimLeft(rest, " \t")
		var end int // index in term of the comma ending it, or -1
		if expr, ok := strings.CutPrefix(term, signaturePrefix); ok {
			end = nextConditionComma(expr)
			if end >= 0 {
				expr = expr[:end]
				end += len(signaturePrefix)
			}
			if expr == "" {
				return Predicate{}, fmt.Errorf("signature~ needs a regular expression, e.g. signature~taggedPointerPack")
			}
			re, err := regexp.Compile(expr)
			if err != nil {
				return Predicate{}, fmt.Errorf("signature~%s: %w", expr, err)
			}
			conditions = append(conditions, condition{name: conditionSignature, signature: re})
		} else {
			end = strings.IndexByte(term, ',')
			name := term
			if end >= 0 {
				name = term[:end]
			}
			name = strings.TrimSpace(name)
			switch name {
			case conditionCrash, conditionTimeout, conditionFail, conditionNonpass:
				conditions = append(conditions, condition{name: name})
			case "":
				return Predicate{}, fmt.Errorf("empty condition in %q (valid: %s)", s, validConditions)
			default:
				return Predicate{}, fmt.Errorf("unknown condition %q (valid: %s)", name, validConditions)
			}
		}
		if end < 0 {
			return Predicate{conditions: conditions}, nil
		}
		rest = term[end+1:]
	}
}

// nextConditionComma returns the index in s of the first comma that is
// followed by a known condition, or -1.
func nextConditionComma(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' && startsCondition(s[i+1:]) {
			return i
		}
	}
	return -1
}

// startsCondition reports whether s begins with a known condition, ending at
// a comma or at the end of s.
func startsCondition(s string) bool {
	s = strings.TrimLeft(s, " \t")
	if strings.HasPrefix(s, signaturePrefix) {
		return true
	}
	if i := strings.IndexByte(s, ','); i >= 0 {
		s = s[:i]
	}
	switch strings.TrimSpace(s) {
	case conditionCrash, conditionTimeout, conditionFail, conditionNonpass:
		return true
	}
	return false
}

// String returns the predicate as ParsePredicate reads it, e.g. "crash" or
// "timeout,signature~taggedPointerPack".
func (p Predicate) String() string {
	if len(p.conditions) == 0 {
		return conditionCrash
	}
	terms := make([]string, len(p.conditions))
	for i, c := range p.conditions {
		terms[i] = c.String()
	}
	return strings.Join(terms, ",")
}

// The outcomes of a probe or of one of its runs that Judge knows.
const (
	outcomeCrash       = "crash"
	outcomeFail        = "fail"
	outcomeTimeout     = "timeout"
	outcomePass        = "pass"
	outcomeBuildError  = "build-error"
	outcomeUnavailable = "unavailable"
)

// BadRun reports whether a run with this outcome and crash signature is bad.
// Passing runs, build errors and unavailable runs are never bad; nonpass is
// crash, fail or timeout; a signature condition needs a non-empty signature
// that its REGEX matches (anywhere, as regexp.MatchString does).
func (p Predicate) BadRun(outcome, signature string) bool {
	switch outcome {
	case outcomeCrash, outcomeFail, outcomeTimeout:
	default:
		return false
	}
	conditions := p.conditions
	if len(conditions) == 0 {
		conditions = []condition{{name: conditionCrash}}
	}
	for _, c := range conditions {
		switch c.name {
		case conditionNonpass:
			return true
		case conditionCrash, conditionTimeout, conditionFail:
			if outcome == c.name {
				return true
			}
		case conditionSignature:
			if signature != "" && c.signature.MatchString(signature) {
				return true
			}
		}
	}
	return false
}

// Threshold says when a probe is bad: when at least K of its N runs are
// bad. K of 1 means any bad run makes the probe bad.
type Threshold struct{ K, N int }

// String returns the threshold as "k/N".
func (t Threshold) String() string { return fmt.Sprintf("%d/%d", t.K, t.N) }

// ParseThreshold parses a threshold "k/N" for probes of runs runs each (a
// runs below 1 counts as 1). "" is K=1, N=runs: any bad run. Otherwise N
// must equal runs (else the error is a [*RunsError]) and 1 <= k <= N.
func ParseThreshold(s string, runs int) (Threshold, error) {
	runs = max(runs, 1)
	s = strings.TrimSpace(s)
	if s == "" {
		return Threshold{K: 1, N: runs}, nil
	}
	kText, nText, ok := strings.Cut(s, "/")
	k, kErr := strconv.Atoi(strings.TrimSpace(kText))
	n, nErr := strconv.Atoi(strings.TrimSpace(nText))
	if !ok || kErr != nil || nErr != nil {
		return Threshold{}, fmt.Errorf("want k/N such as 2/3 (bad when at least k of N runs are bad), got %q", s)
	}
	if n != runs {
		return Threshold{}, &RunsError{Threshold: s, N: n, Runs: runs}
	}
	if k < 1 || k > n {
		return Threshold{}, fmt.Errorf("k must be between 1 and %d, got %q", n, s)
	}
	return Threshold{K: k, N: n}, nil
}

// Probe is one judged evaluation of a candidate: its verdict and what it
// was judged on.
type Probe struct {
	// Version is the candidate probed; Search sets it.
	Version string
	Verdict Verdict
	// Outcome is the probe's (worst) outcome: pass, crash, fail, timeout,
	// build-error or unavailable.
	Outcome string
	// Signature is the crash signature of the first bad run, or the
	// probe's own.
	Signature string
	// Runs is the number of runs judged, BadRuns how many were bad.
	Runs, BadRuns int
	// Reason says why the probe was skipped, or why it failed.
	Reason string
	// Note is the prober's remark on how it got what it judged, added to
	// the probe's progress line: [Judge] sets "cached" for an observation
	// taken from a cache.
	Note string
	// Confirmation is true for a re-confirmation of the boundary; Search
	// sets it.
	Confirmation bool
}

// Observation is what a probe showed, for [Judge]: its (worst) outcome,
// signature and reason, whether it was taken from a cache, and the outcome
// and signature of each of its runs.
type Observation struct {
	Outcome   string
	Signature string
	Reason    string
	Cached    bool
	Runs      []RunObservation
}

// RunObservation is what one run of a probe's binary showed.
type RunObservation struct {
	Outcome   string
	Signature string
}

// Judge turns an observation into a probe: Skip when the outcome is
// build-error or unavailable (or not a valid outcome); otherwise each run
// in o.Runs is judged by p (the observation's own outcome and signature
// once when there are none) and the probe is Bad when at least t.K runs
// are bad (a t.K below 1 counts as 1), Good otherwise. Version is left for
// Search to fill in.
func Judge(o Observation, p Predicate, t Threshold) Probe {
	probe := Probe{Outcome: o.Outcome, Signature: o.Signature, Reason: o.Reason}
	if o.Cached {
		probe.Note = "cached"
	}
	switch o.Outcome {
	case outcomePass, outcomeCrash, outcomeFail, outcomeTimeout:
	default:
		probe.Verdict = Skip
		if probe.Reason == "" && o.Outcome != outcomeBuildError && o.Outcome != outcomeUnavailable {
			probe.Reason = fmt.Sprintf("no valid outcome (%q)", o.Outcome)
		}
		return probe
	}
	runs := o.Runs
	if len(runs) == 0 {
		runs = []RunObservation{{Outcome: o.Outcome, Signature: o.Signature}}
	}
	probe.Runs = len(runs)
	firstBad := -1
	for i, r := range runs {
		if p.BadRun(r.Outcome, r.Signature) {
			probe.BadRuns++
			if firstBad < 0 {
				firstBad = i
			}
		}
	}
	if firstBad >= 0 && runs[firstBad].Signature != "" {
		probe.Signature = runs[firstBad].Signature
	}
	probe.Verdict = Good
	if probe.BadRuns >= max(t.K, 1) {
		probe.Verdict = Bad
	}
	return probe
}

package bisect

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gorepro/gorepro/internal/record"
)

// Verdict is the judgement of one probe of a candidate.
type Verdict = record.BisectVerdict

// The three verdicts. Skip means the candidate could not be judged (it did not
// build, or could not be run) and says nothing about the code.
const (
	Good Verdict = "good"
	Bad  Verdict = "bad"
	Skip Verdict = "skip"
)

// The --bad-if conditions. conditionSignature is followed by "~REGEX".
const (
	conditionCrash     = "crash"
	conditionTimeout   = "timeout"
	conditionFail      = "fail"
	conditionNonpass   = "nonpass"
	conditionSignature = "signature"
	signaturePrefix    = conditionSignature + "~"
	validConditions    = "crash, timeout, fail, nonpass, signature~REGEX"
)

// condition is one term of a --bad-if list.
type condition struct {
	// name is one of the condition constants.
	name string
	// signature is the compiled REGEX of a signature condition.
	signature *regexp.Regexp
}

// String returns the condition as written on the command line.
func (c condition) String() string {
	if c.name == conditionSignature {
		return signaturePrefix + c.signature.String()
	}
	return c.name
}

// Predicate decides whether one run is bad. It is an OR of the conditions of
// --bad-if. The zero Predicate is the default, crash.
type Predicate struct {
	conditions []condition
}

// ParseBadIf parses the value of --bad-if: "crash" (the default, also for
// ""), "timeout", "fail", "nonpass" (crash, fail or timeout),
// "signature~REGEX" (the run's signature matches REGEX) or a comma-separated
// list of them, any of which makes a run bad. Because a REGEX may itself
// contain commas, the text after "signature~" extends up to the next comma
// that starts a known condition (",crash", ",signature~", ...) or to the end.
// Spaces around conditions are ignored, but not inside a REGEX.
func ParseBadIf(s string) (Predicate, error) {
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
				return Predicate{}, fmt.Errorf("--bad-if: signature~ needs a regular expression, e.g. signature~taggedPointerPack")
			}
			re, err := regexp.Compile(expr)
			if err != nil {
				return Predicate{}, fmt.Errorf("--bad-if: signature~%s: %w", expr, err)
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
				return Predicate{}, fmt.Errorf("--bad-if: empty condition in %q (valid: %s)", s, validConditions)
			default:
				return Predicate{}, fmt.Errorf("--bad-if: unknown condition %q (valid: %s)", name, validConditions)
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

// String returns the predicate as a --bad-if value, e.g. "crash" or
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

// BadRun reports whether a run with this outcome and crash signature is bad.
// Passing runs, build errors and unavailable runs are never bad; nonpass is
// crash, fail or timeout; a signature condition needs a non-empty signature
// that its REGEX matches (anywhere, as regexp.MatchString does).
func (p Predicate) BadRun(outcome record.Outcome, signature string) bool {
	switch outcome {
	case record.Crash, record.Fail, record.Timeout:
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
			if string(outcome) == c.name {
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

// Threshold is --bad-threshold "k/N": a probe of N runs is bad when at least
// K of its runs are bad. K of 1 means any bad run makes the probe bad.
type Threshold struct{ K, N int }

// String returns the threshold as "k/N".
func (t Threshold) String() string { return fmt.Sprintf("%d/%d", t.K, t.N) }

// ParseThreshold parses --bad-threshold for probes of runs runs each (a runs
// below 1 counts as 1). "" is K=1, N=runs: any bad run. Otherwise the value
// is "k/N" with N equal to runs and 1 <= k <= N.
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
		return Threshold{}, fmt.Errorf("--bad-threshold: want k/N such as 2/3 (bad when at least k of N runs are bad), got %q", s)
	}
	if n != runs {
		return Threshold{}, fmt.Errorf("--bad-threshold: %q is for %d runs per probe but --runs is %d", s, n, runs)
	}
	if k < 1 || k > n {
		return Threshold{}, fmt.Errorf("--bad-threshold: k must be between 1 and %d, got %q", n, s)
	}
	return Threshold{K: k, N: n}, nil
}

// Probe is one evaluation of a candidate.
type Probe = record.BisectProbe

// Judge turns a finished cell into a probe: Skip when the cell is build-error
// or unavailable (or has no valid outcome); otherwise each run in
// cell.RunResults is judged by p (the cell's own outcome and signature once
// when RunResults is empty) and the probe is Bad when at least t.K runs are
// bad (a t.K below 1 counts as 1), Good otherwise. Built is set to
// !cell.Cached; Version is left for the prober to fill in.
func Judge(cell record.Cell, p Predicate, t Threshold) Probe {
	probe := Probe{
		Outcome:   cell.Outcome,
		Signature: cell.Signature,
		Built:     !cell.Cached,
		CellID:    cell.ID,
		Reason:    cell.Reason,
	}
	if !cell.Outcome.Valid() || cell.Outcome == record.BuildError || cell.Outcome == record.Unavailable {
		probe.Verdict = Skip
		if probe.Reason == "" && !cell.Outcome.Valid() {
			probe.Reason = fmt.Sprintf("no valid outcome (%q)", cell.Outcome)
		}
		return probe
	}
	runs := cell.RunResults
	if len(runs) == 0 {
		runs = []record.RunResult{{Outcome: cell.Outcome, Signature: cell.Signature}}
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

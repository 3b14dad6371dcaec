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

// The outcomes of a cell or a run, as gorepro records them.
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
type Probe struct {
	// Version is the candidate probed.
	Version string `json:"version"`
	// Outcome is the cell's (worst) outcome: pass, crash, fail, timeout,
	// build-error or unavailable.
	Outcome string  `json:"outcome"`
	Verdict Verdict `json:"verdict"`
	// Signature is the signature of the first bad run, or the cell's.
	Signature string `json:"signature,omitempty"`
	// Runs is the number of runs judged, BadRuns how many were bad.
	Runs    int `json:"runs"`
	BadRuns int `json:"badRuns"`
	// Built is true when the prober really built the cell (false for a
	// cache hit). NotRun is true when the cell was neither built nor taken
	// from the cache: its toolchain could not be found or used.
	Built  bool `json:"built"`
	NotRun bool `json:"notRun,omitempty"`
	// Confirmation is true for a re-confirmation probe of the boundary.
	Confirmation bool   `json:"confirmation,omitempty"`
	CellID       string `json:"cellID,omitempty"`
	// Reason is the cell's reason: why it was skipped, or why it failed.
	Reason string `json:"reason,omitempty"`
}

// BuiltLabel says how the probe's cell was obtained: "built", "cached" or
// "not run", followed by ", confirmation" for a re-confirmation of the
// boundary.
func (p Probe) BuiltLabel() string {
	built := "cached"
	switch {
	case p.Built:
		built = "built"
	case p.NotRun:
		built = "not run"
	}
	if p.Confirmation {
		built += ", confirmation"
	}
	return built
}

// Detail is what explains the probe's outcome: its crash signature, else
// its reason.
func (p Probe) Detail() string {
	if p.Signature != "" {
		return p.Signature
	}
	return p.Reason
}

// Evidence is what a probe's cell showed, for [Judge]: its (worst)
// outcome, signature and reason, whether it came from a cache, and the
// outcome and signature of each of its runs.
type Evidence struct {
	CellID    string
	Outcome   string
	Signature string
	Reason    string
	Cached    bool
	Runs      []RunEvidence
}

// RunEvidence is what one run of a probe's binary showed.
type RunEvidence struct {
	Outcome   string
	Signature string
}

// Judge turns what a finished cell showed into a probe: Skip when the
// cell is build-error or unavailable (or has no valid outcome); otherwise
// each run in e.Runs is judged by p (the cell's own outcome and signature
// once when there are none) and the probe is Bad when at least t.K runs
// are bad (a t.K below 1 counts as 1), Good otherwise. Built is set to
// !e.Cached; Version is left for the prober to fill in.
func Judge(e Evidence, p Predicate, t Threshold) Probe {
	probe := Probe{
		Outcome:   e.Outcome,
		Signature: e.Signature,
		Built:     !e.Cached,
		CellID:    e.CellID,
		Reason:    e.Reason,
	}
	switch e.Outcome {
	case outcomePass, outcomeCrash, outcomeFail, outcomeTimeout:
	default:
		probe.Verdict = Skip
		if probe.Reason == "" && e.Outcome != outcomeBuildError && e.Outcome != outcomeUnavailable {
			probe.Reason = fmt.Sprintf("no valid outcome (%q)", e.Outcome)
		}
		return probe
	}
	runs := e.Runs
	if len(runs) == 0 {
		runs = []RunEvidence{{Outcome: e.Outcome, Signature: e.Signature}}
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

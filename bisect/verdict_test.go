package bisect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePredicate(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "crash"},
		{"  ", "crash"},
		{"crash", "crash"},
		{"timeout", "timeout"},
		{"fail", "fail"},
		{"nonpass", "nonpass"},
		{"crash,timeout", "crash,timeout"},
		{" crash , timeout ", "crash,timeout"},
		{"signature~taggedPointerPack", "signature~taggedPointerPack"},
		{"signature~a{1,3},crash", "signature~a{1,3},crash"},
		{"signature~x,y", "signature~x,y"},
		{"signature~a,b,timeout,signature~c,d", "signature~a,b,timeout,signature~c,d"},
		{"crash,signature~in runtime\\.netpoll,fail", "crash,signature~in runtime\\.netpoll,fail"},
		{"signature~ leading space", "signature~ leading space"},
		{"signature~crashy,failing", "signature~crashy,failing"},
		{"signature~a, crash", "signature~a,crash"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParsePredicate(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.String())
		})
	}
}

func TestParsePredicateErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"crsh", `unknown condition "crsh" (valid: crash, timeout, fail, nonpass, signature~REGEX)`},
		{"crash,foo", `unknown condition "foo" (valid: crash, timeout, fail, nonpass, signature~REGEX)`},
		{"Crash", `unknown condition "Crash" (valid: crash, timeout, fail, nonpass, signature~REGEX)`},
		{"signature", `unknown condition "signature" (valid: crash, timeout, fail, nonpass, signature~REGEX)`},
		{"crash,", `empty condition in "crash," (valid: crash, timeout, fail, nonpass, signature~REGEX)`},
		{",crash", `empty condition in ",crash" (valid: crash, timeout, fail, nonpass, signature~REGEX)`},
		{"signature~", `signature~ needs a regular expression, e.g. signature~taggedPointerPack`},
		{"signature~,crash", `signature~ needs a regular expression, e.g. signature~taggedPointerPack`},
		{"signature~(", "signature~(: error parsing regexp: missing closing ): `(`"},
		{"crash,signature~a[", "signature~a[: error parsing regexp: missing closing ]: `[`"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParsePredicate(tt.in)
			require.EqualError(t, err, tt.want)
		})
	}
}

func TestBadRun(t *testing.T) {
	const sig = "fatal error: taggedPointerPack in runtime.netpollopen"
	outcomes := []string{"pass", "crash", "fail", "timeout", "build-error", "unavailable"}
	// want lists, for each --bad-if, which outcomes (with signature sig) are bad.
	tests := []struct {
		badIf string
		want  []string
	}{
		{"", []string{"crash"}},
		{"crash", []string{"crash"}},
		{"timeout", []string{"timeout"}},
		{"fail", []string{"fail"}},
		{"nonpass", []string{"crash", "fail", "timeout"}},
		{"crash,timeout", []string{"crash", "timeout"}},
		{"signature~taggedPointer", []string{"crash", "fail", "timeout"}},
		{"signature~^nomatch$", nil},
		{"signature~^nomatch$,fail", []string{"fail"}},
	}
	for _, tt := range tests {
		t.Run(tt.badIf, func(t *testing.T) {
			p, err := ParsePredicate(tt.badIf)
			require.NoError(t, err)
			for _, o := range outcomes {
				assert.Equal(t, contains(tt.want, o), p.BadRun(o, sig), "outcome %s", o)
			}
		})
	}
	t.Run("zero predicate is crash", func(t *testing.T) {
		var p Predicate
		assert.True(t, p.BadRun("crash", ""))
		assert.False(t, p.BadRun("timeout", ""))
		assert.Equal(t, "crash", p.String())
	})
	t.Run("signature needs a signature", func(t *testing.T) {
		p, err := ParsePredicate("signature~.*")
		require.NoError(t, err)
		assert.False(t, p.BadRun("crash", ""))
		assert.True(t, p.BadRun("crash", "panic: boom"))
		assert.False(t, p.BadRun("pass", "panic: boom"))
	})
}

func contains(list []string, o string) bool {
	for _, x := range list {
		if x == o {
			return true
		}
	}
	return false
}

func TestParseThreshold(t *testing.T) {
	tests := []struct {
		in   string
		runs int
		want Threshold
	}{
		{"", 1, Threshold{K: 1, N: 1}},
		{"", 5, Threshold{K: 1, N: 5}},
		{"", 0, Threshold{K: 1, N: 1}},
		{"2/3", 3, Threshold{K: 2, N: 3}},
		{" 3/3 ", 3, Threshold{K: 3, N: 3}},
		{"1/1", 0, Threshold{K: 1, N: 1}},
	}
	for _, tt := range tests {
		got, err := ParseThreshold(tt.in, tt.runs)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
	assert.Equal(t, "2/3", Threshold{K: 2, N: 3}.String())
}

func TestParseThresholdErrors(t *testing.T) {
	tests := []struct {
		in   string
		runs int
		want string
	}{
		{"2", 3, `want k/N such as 2/3 (bad when at least k of N runs are bad), got "2"`},
		{"a/3", 3, `want k/N such as 2/3 (bad when at least k of N runs are bad), got "a/3"`},
		{"2/", 3, `want k/N such as 2/3 (bad when at least k of N runs are bad), got "2/"`},
		{"2/5", 3, `"2/5" is for 5 runs per probe, but a probe has 3`},
		{"2/3", 1, `"2/3" is for 3 runs per probe, but a probe has 1`},
		{"0/3", 3, `k must be between 1 and 3, got "0/3"`},
		{"4/3", 3, `k must be between 1 and 3, got "4/3"`},
		{"-1/3", 3, `k must be between 1 and 3, got "-1/3"`},
	}
	for _, tt := range tests {
		_, err := ParseThreshold(tt.in, tt.runs)
		require.EqualError(t, err, tt.want, tt.in)
	}
}

func TestJudge(t *testing.T) {
	const sig = "fatal error: taggedPointerPack in runtime.netpollopen"
	run := func(o string, signature string) RunObservation {
		return RunObservation{Outcome: o, Signature: signature}
	}
	crash, pass := run("crash", sig), run("pass", "")
	tests := []struct {
		name      string
		cell      Observation
		badIf     string
		threshold Threshold
		want      Probe
	}{
		{
			name: "build error is skipped",
			cell: Observation{Outcome: "build-error", Reason: "undefined: foo"},
			want: Probe{Outcome: "build-error", Verdict: Skip, Reason: "undefined: foo"},
		},
		{
			name: "unavailable is skipped even when cached",
			cell: Observation{Outcome: "unavailable", Reason: "no engine", Cached: true},
			want: Probe{Outcome: "unavailable", Verdict: Skip, Reason: "no engine", Note: "cached"},
		},
		{
			name: "no outcome is skipped",
			cell: Observation{},
			want: Probe{Verdict: Skip, Reason: `no valid outcome ("")`},
		},
		{
			name: "all runs crash",
			cell: Observation{Outcome: "crash", Signature: sig, Runs: []RunObservation{crash, crash, crash}},
			want: Probe{Outcome: "crash", Verdict: Bad, Signature: sig, Runs: 3, BadRuns: 3},
		},
		{
			name: "one crash of three is bad under any",
			cell: Observation{Outcome: "crash", Signature: sig, Runs: []RunObservation{pass, crash, pass}},
			want: Probe{Outcome: "crash", Verdict: Bad, Signature: sig, Runs: 3, BadRuns: 1},
		},
		{
			name:      "one crash of three is good under 2/3",
			cell:      Observation{Outcome: "crash", Signature: sig, Runs: []RunObservation{pass, crash, pass}},
			threshold: Threshold{K: 2, N: 3},
			want:      Probe{Outcome: "crash", Verdict: Good, Signature: sig, Runs: 3, BadRuns: 1},
		},
		{
			name:      "two crashes of three are bad under 2/3",
			cell:      Observation{Outcome: "crash", Signature: sig, Runs: []RunObservation{crash, pass, crash}},
			threshold: Threshold{K: 2, N: 3},
			want:      Probe{Outcome: "crash", Verdict: Bad, Signature: sig, Runs: 3, BadRuns: 2},
		},
		{
			name: "no run results: the cell's outcome once",
			cell: Observation{Outcome: "crash", Signature: sig, Cached: true},
			want: Probe{Outcome: "crash", Verdict: Bad, Signature: sig, Runs: 1, BadRuns: 1, Note: "cached"},
		},
		{
			name: "pass is good",
			cell: Observation{Outcome: "pass", Runs: []RunObservation{pass, pass}},
			want: Probe{Outcome: "pass", Verdict: Good, Runs: 2},
		},
		{
			name:  "timeout is good under crash",
			cell:  Observation{Outcome: "timeout", Runs: []RunObservation{run("timeout", "")}},
			badIf: "crash",
			want:  Probe{Outcome: "timeout", Verdict: Good, Runs: 1},
		},
		{
			name:  "timeout is bad under nonpass",
			cell:  Observation{Outcome: "timeout", Runs: []RunObservation{run("timeout", "")}},
			badIf: "nonpass",
			want:  Probe{Outcome: "timeout", Verdict: Bad, Runs: 1, BadRuns: 1},
		},
		{
			name: "signature picks the matching run",
			cell: Observation{Outcome: "crash", Signature: "panic: other", Runs: []RunObservation{
				run("crash", "panic: other"), run("crash", sig)}},
			badIf: "signature~taggedPointerPack",
			want:  Probe{Outcome: "crash", Verdict: Bad, Signature: sig, Runs: 2, BadRuns: 1},
		},
		{
			name: "other signature is good",
			cell: Observation{Outcome: "crash", Signature: "panic: other", Runs: []RunObservation{
				run("crash", "panic: other")}},
			badIf: "signature~taggedPointerPack",
			want:  Probe{Outcome: "crash", Verdict: Good, Signature: "panic: other", Runs: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePredicate(tt.badIf)
			require.NoError(t, err)
			assert.Equal(t, tt.want, Judge(tt.cell, p, tt.threshold))
		})
	}
}

package bisect

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// versions returns n synthetic candidates v001, v002, ... .
func versions(n int) []string {
	list := make([]string, n)
	for i := range list {
		list[i] = fmt.Sprintf("v%03d", i+1)
	}
	return list
}

// call is one invocation of a fake prober.
type call struct {
	version string
	fresh   bool
}

// fakeTarget answers probes from a fixed truth: candidates at index flip and
// above have the "after" verdict, the others the "before" verdict.
type fakeTarget struct {
	candidates []string
	direction  Direction
	flip       int
	// skips are the indexes judged skip.
	skips map[int]bool
	// fresh lists, per version, the verdicts of its fresh probes in order
	// (a flaky target); missing entries answer the truth.
	fresh map[string][]Verdict
	// cached lists versions served from cache (Note "cached") when not fresh.
	cached map[string]bool
	// hook, when set, runs before each probe answers; an error it returns
	// is the prober's error.
	hook func(n int) error

	calls []call
	index map[string]int
}

func (f *fakeTarget) truth(i int) Verdict {
	if f.skips[i] {
		return Skip
	}
	bad := i >= f.flip
	if f.direction == Fix {
		bad = !bad
	}
	if bad {
		return Bad
	}
	return Good
}

func (f *fakeTarget) probe(_ context.Context, version string, fresh bool) (Probe, error) {
	if f.index == nil {
		f.index = make(map[string]int, len(f.candidates))
		for i, c := range f.candidates {
			f.index[c] = i
		}
	}
	f.calls = append(f.calls, call{version, fresh})
	if f.hook != nil {
		if err := f.hook(len(f.calls)); err != nil {
			return Probe{}, err
		}
	}
	i, ok := f.index[version]
	if !ok {
		return Probe{}, fmt.Errorf("unknown version %s", version)
	}
	verdict := f.truth(i)
	if fresh {
		if answers := f.fresh[version]; len(answers) > 0 {
			verdict = answers[0]
			f.fresh[version] = answers[1:]
		}
	}
	p := Probe{Verdict: verdict}
	if !fresh && f.cached[version] {
		p.Note = "cached"
	}
	switch verdict {
	case Bad:
		p.Outcome, p.Signature, p.Runs, p.BadRuns = "crash", "fatal error: taggedPointerPack", 3, 3
	case Good:
		p.Outcome, p.Runs = "pass", 3
	case Skip:
		p.Outcome, p.Reason = "build-error", "undefined: proto.Foo"
	}
	return p, nil
}

// checkInvariants checks what holds for every search: no candidate probed
// twice except by re-confirmations, which are fresh, and Skipped lists the candidates first judged skip, in order. It
// uses plain comparisons: the exhaustive tests call it tens of thousands of
// times.
func checkInvariants(t *testing.T, f *fakeTarget, res *Result) {
	t.Helper()
	if err := invariantsError(f, res); err != nil {
		t.Fatal(err)
	}
}

func invariantsError(f *fakeTarget, res *Result) error {
	if res == nil {
		return errors.New("nil result")
	}
	if len(res.Probes) != len(f.calls) {
		return fmt.Errorf("%d probes recorded for %d prober calls", len(res.Probes), len(f.calls))
	}
	seen := map[string]bool{}
	skipped := map[string]bool{}
	for i, p := range res.Probes {
		if p.Version != f.calls[i].version || p.Confirmation != f.calls[i].fresh {
			return fmt.Errorf("probe %d is %s confirmation=%v, the prober was called for %+v", i, p.Version, p.Confirmation, f.calls[i])
		}
		if p.Confirmation && p.Note != "" {
			return fmt.Errorf("re-confirmation of %s served from cache", p.Version)
		}
		if p.Confirmation {
			if !seen[p.Version] {
				return fmt.Errorf("re-confirmation of %s before its first probe", p.Version)
			}
			continue
		}
		if seen[p.Version] {
			return fmt.Errorf("%s probed twice", p.Version)
		}
		seen[p.Version] = true
		if p.Verdict == Skip {
			skipped[p.Version] = true
		}
	}
	wantSkipped := []string{}
	for _, c := range f.candidates {
		if skipped[c] {
			wantSkipped = append(wantSkipped, c)
		}
	}
	if !slices.Equal(wantSkipped, res.Skipped) || res.Skipped == nil {
		return fmt.Errorf("skipped = %v, want %v", res.Skipped, wantSkipped)
	}
	return nil
}

func TestSearchEveryBoundary(t *testing.T) {
	for _, direction := range []Direction{Regression, Fix} {
		for n := 2; n <= 40; n++ {
			for flip := 1; flip < n; flip++ {
				f := &fakeTarget{candidates: versions(n), direction: direction, flip: flip}
				res, err := Search(context.Background(), f.candidates, f.probe, Options{})
				require.NoError(t, err, "n=%d flip=%d %s", n, flip, direction)
				checkInvariants(t, f, res)
				before, after := f.candidates[flip-1], f.candidates[flip]
				require.Equal(t, &Boundary{Before: before, After: after}, res.Boundary, "n=%d flip=%d %s", n, flip, direction)
				require.Equal(t, direction, res.Direction)
				require.False(t, res.Flaky)
				require.Empty(t, res.Between)
				want := fmt.Sprintf("regression: first bad %s (last good %s)", after, before)
				if direction == Fix {
					want = fmt.Sprintf("fix: first good %s (last bad %s)", after, before)
				}
				require.Equal(t, want, res.Conclusion)
			}
		}
	}
}

// TestSearchBound proves the cost of a search: without skipped candidates
// at most ceil(log2 n) + 2 probes build before the re-confirmations, which
// add exactly 2×Confirm.
func TestSearchBound(t *testing.T) {
	all := versions(200)
	index := make(map[string]int, len(all))
	for i, v := range all {
		index[v] = i
	}
	for _, direction := range []Direction{Regression, Fix} {
		for n := 2; n <= 200; n++ {
			bound := int(math.Ceil(math.Log2(float64(n)))) + 2
			for flip := 1; flip < n; flip++ {
				f := &fakeTarget{candidates: all[:n], direction: direction, flip: flip, index: index}
				res, err := Search(context.Background(), f.candidates, f.probe, Options{Confirm: 1})
				if err != nil {
					t.Fatalf("n=%d flip=%d %s: %v", n, flip, direction, err)
				}
				checkInvariants(t, f, res)
				search, confirmations := 0, 0
				for _, p := range res.Probes {
					switch {
					case p.Confirmation:
						confirmations++
					default:
						search++
					}
				}
				if search > bound || confirmations != 2 ||
					res.Boundary == nil || res.Boundary.After != f.candidates[flip] {
					t.Fatalf("n=%d flip=%d %s: %d search probes (bound %d), %d confirmations, boundary %+v",
						n, flip, direction, search, bound, confirmations, res.Boundary)
				}
			}
		}
	}
}

func TestSearchConfirmCount(t *testing.T) {
	tests := []struct {
		confirm, want int
	}{
		{-1, 0}, {-5, 0}, {0, 2}, {1, 2}, {2, 4}, {3, 6},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.confirm), func(t *testing.T) {
			for n := 2; n <= 30; n++ {
				for flip := 1; flip < n; flip++ {
					f := &fakeTarget{candidates: versions(n), direction: Regression, flip: flip}
					res, err := Search(context.Background(), f.candidates, f.probe, Options{Confirm: tt.confirm})
					require.NoError(t, err)
					checkInvariants(t, f, res)
					confirmations := 0
					for _, p := range res.Probes {
						if p.Confirmation {
							confirmations++
							assert.Contains(t, []string{f.candidates[flip-1], f.candidates[flip]}, p.Version)
						}
					}
					require.Equal(t, tt.want, confirmations, "n=%d flip=%d", n, flip)
				}
			}
		})
	}
}

// TestSearchSkipsExhaustive checks every set of skipped candidates for
// n <= 10, every flip position and both directions against what the answer
// must be.
func TestSearchSkipsExhaustive(t *testing.T) {
	for _, direction := range []Direction{Regression, Fix} {
		for n := 2; n <= 10; n++ {
			for mask := 0; mask < 1<<n; mask++ {
				skips := map[int]bool{}
				var judged []int
				for i := range n {
					if mask&(1<<i) != 0 {
						skips[i] = true
					} else {
						judged = append(judged, i)
					}
				}
				for flip := 1; flip < n; flip++ {
					f := &fakeTarget{candidates: versions(n), direction: direction, flip: flip, skips: skips}
					res, err := Search(context.Background(), f.candidates, f.probe, Options{})
					name := fmt.Sprintf("n=%d skips=%b flip=%d %s", n, mask, flip, direction)
					checkInvariants(t, f, res)
					switch {
					case len(judged) < 2:
						var e *NoVerdictError
						require.ErrorAs(t, err, &e, name)
						require.Len(t, res.Probes, n, name)
						if len(judged) == 1 {
							require.Equal(t, f.candidates[judged[0]], e.Judged)
						}
					case f.truth(judged[0]) == f.truth(judged[len(judged)-1]):
						var e *EndpointsError
						require.ErrorAs(t, err, &e, name)
						require.Equal(t, f.truth(judged[0]), e.Verdict)
						require.Equal(t, f.candidates[judged[0]], e.First)
						require.Equal(t, f.candidates[judged[len(judged)-1]], e.Last)
						require.Nil(t, res.Boundary)
					default:
						require.NoError(t, err, name)
						before, after := -1, -1
						for _, j := range judged {
							if j < flip {
								before = j
							} else if after < 0 {
								after = j
							}
						}
						require.Equal(t, &Boundary{Before: f.candidates[before], After: f.candidates[after]}, res.Boundary, name)
						var between []string
						for k := before + 1; k < after; k++ {
							between = append(between, f.candidates[k])
						}
						require.Equal(t, between, res.Between, name)
						require.Equal(t, direction, res.Direction)
					}
				}
			}
		}
	}
}

func TestSearchSkips(t *testing.T) {
	tests := []struct {
		name       string
		n, flip    int
		direction  Direction
		skips      []int
		boundary   Boundary
		between    []string
		skipped    []string
		conclusion string
	}{
		{
			name: "single skip at the midpoint", n: 9, flip: 6, direction: Regression, skips: []int{4},
			boundary: Boundary{Before: "v006", After: "v007"}, skipped: []string{"v005"},
			conclusion: "regression: first bad v007 (last good v006)",
		},
		{
			name: "cluster of skips", n: 16, flip: 3, direction: Fix, skips: []int{5, 6, 7, 8, 9},
			boundary: Boundary{Before: "v003", After: "v004"}, skipped: []string{"v006", "v007", "v008", "v009", "v010"},
			conclusion: "fix: first good v004 (last bad v003)",
		},
		{
			name: "skipped endpoints", n: 10, flip: 5, direction: Regression, skips: []int{0, 1, 9},
			boundary: Boundary{Before: "v005", After: "v006"}, skipped: []string{"v001", "v002", "v010"},
			conclusion: "regression: first bad v006 (last good v005)",
		},
		{
			name: "skipped at the flip", n: 10, flip: 5, direction: Regression, skips: []int{4, 5},
			boundary: Boundary{Before: "v004", After: "v007"}, between: []string{"v005", "v006"}, skipped: []string{"v005", "v006"},
			conclusion: "regression between v004 (good) and v007 (bad); skipped in between, the flip may be at any of: v005 v006",
		},
		{
			name: "everything between the endpoints skipped", n: 6, flip: 3, direction: Fix, skips: []int{1, 2, 3, 4},
			boundary: Boundary{Before: "v001", After: "v006"}, between: []string{"v002", "v003", "v004", "v005"},
			skipped:    []string{"v002", "v003", "v004", "v005"},
			conclusion: "fix between v001 (bad) and v006 (good); skipped in between, the flip may be at any of: v002 v003 v004 v005",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			skips := map[int]bool{}
			for _, i := range tt.skips {
				skips[i] = true
			}
			f := &fakeTarget{candidates: versions(tt.n), direction: tt.direction, flip: tt.flip, skips: skips}
			res, err := Search(context.Background(), f.candidates, f.probe, Options{})
			require.NoError(t, err)
			checkInvariants(t, f, res)
			assert.Equal(t, &tt.boundary, res.Boundary)
			assert.Equal(t, tt.between, res.Between)
			assert.Equal(t, tt.skipped, res.Skipped)
			assert.Equal(t, tt.direction, res.Direction)
			assert.Equal(t, tt.conclusion, res.Conclusion)
		})
	}
}

func TestSearchEndpointsEqual(t *testing.T) {
	tests := []struct {
		name      string
		direction Direction
		flip      int
		skips     map[int]bool
		want      string
	}{
		{"both bad", Regression, 0, nil, "both endpoints (v001 and v008) are bad: nothing flips in this range; widen it"},
		{"both good", Regression, 8, nil, "both endpoints (v001 and v008) are good: nothing flips in this range; widen it"},
		{"both good after skipping inward", Fix, 0, map[int]bool{0: true, 7: true, 6: true},
			"both endpoints (v002 and v006) are good: nothing flips in this range; widen it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeTarget{candidates: versions(8), direction: tt.direction, flip: tt.flip, skips: tt.skips}
			res, err := Search(context.Background(), f.candidates, f.probe, Options{})
			var e *EndpointsError
			require.ErrorAs(t, err, &e)
			require.EqualError(t, err, tt.want)
			checkInvariants(t, f, res)
			assert.Nil(t, res.Boundary)
			assert.Empty(t, res.Direction)
			assert.Equal(t, "undecided: "+tt.want, res.Conclusion)
		})
	}
}

func TestSearchNoVerdict(t *testing.T) {
	t.Run("all skipped", func(t *testing.T) {
		f := &fakeTarget{candidates: versions(4), flip: 2, skips: map[int]bool{0: true, 1: true, 2: true, 3: true}}
		res, err := Search(context.Background(), f.candidates, f.probe, Options{})
		var e *NoVerdictError
		require.ErrorAs(t, err, &e)
		require.EqualError(t, err, "every candidate was skipped (build error or unavailable): v001 v002 v003 v004")
		checkInvariants(t, f, res)
		assert.Equal(t, versions(4), res.Skipped)
		assert.Nil(t, res.Boundary)
	})
	t.Run("one judged", func(t *testing.T) {
		f := &fakeTarget{candidates: versions(4), flip: 2, skips: map[int]bool{0: true, 1: true, 3: true}}
		res, err := Search(context.Background(), f.candidates, f.probe, Options{})
		var e *NoVerdictError
		require.ErrorAs(t, err, &e)
		require.EqualError(t, err, "only v003 could be judged (bad); every other candidate was skipped (build error or unavailable): nothing to compare")
		checkInvariants(t, f, res)
	})
}

func TestSearchFlaky(t *testing.T) {
	tests := []struct {
		name          string
		confirm       int
		fresh         map[string][]Verdict
		flakyVersions []string
		conclusion    string
	}{
		{
			name:          "after side passes on a fresh probe",
			fresh:         map[string][]Verdict{"v006": {Good}},
			flakyVersions: []string{"v006"},
			conclusion:    "flaky: the target does not answer consistently (v006 answered bad, then good)",
		},
		{
			name:          "both sides disagree",
			fresh:         map[string][]Verdict{"v005": {Bad}, "v006": {Good}},
			flakyVersions: []string{"v005", "v006"},
			conclusion:    "flaky: the target does not answer consistently (v005 answered good, then bad; v006 answered bad, then good)",
		},
		{
			name:          "second re-confirmation disagrees",
			confirm:       2,
			fresh:         map[string][]Verdict{"v005": {Good, Bad}},
			flakyVersions: []string{"v005"},
			conclusion:    "flaky: the target does not answer consistently (v005 answered good, then good, then bad)",
		},
		{
			name:          "fresh probe no longer builds",
			fresh:         map[string][]Verdict{"v005": {Skip}},
			flakyVersions: []string{"v005"},
			conclusion:    "flaky: the target does not answer consistently (v005 answered good, then skip)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeTarget{candidates: versions(10), direction: Regression, flip: 5, fresh: tt.fresh}
			var progress bytes.Buffer
			res, err := Search(context.Background(), f.candidates, f.probe, Options{Confirm: tt.confirm, Progress: &progress})
			require.NoError(t, err)
			checkInvariants(t, f, res)
			assert.True(t, res.Flaky)
			assert.Nil(t, res.Boundary)
			assert.Empty(t, res.Between)
			assert.Equal(t, tt.flakyVersions, res.FlakyVersions)
			assert.Equal(t, tt.conclusion, res.Conclusion)
			assert.Contains(t, progress.String(), "disagrees with the first probe")
		})
	}
	t.Run("flakiness away from the boundary is not probed", func(t *testing.T) {
		f := &fakeTarget{candidates: versions(10), direction: Regression, flip: 5, fresh: map[string][]Verdict{"v001": {Bad}}}
		res, err := Search(context.Background(), f.candidates, f.probe, Options{})
		require.NoError(t, err)
		assert.False(t, res.Flaky)
		assert.Equal(t, &Boundary{Before: "v005", After: "v006"}, res.Boundary)
	})
}

func TestSearchCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := &fakeTarget{candidates: versions(64), direction: Regression, flip: 20}
	f.hook = func(n int) error {
		if n == 4 {
			cancel()
		}
		return nil
	}
	res, err := Search(ctx, f.candidates, f.probe, Options{})
	require.ErrorIs(t, err, context.Canceled)
	checkInvariants(t, f, res)
	assert.Len(t, res.Probes, 4)
	assert.Nil(t, res.Boundary)
	assert.Equal(t, Regression, res.Direction)
	assert.True(t, strings.HasPrefix(res.Conclusion, "undecided: bisect stopped before probing "), res.Conclusion)
}

func TestSearchProberError(t *testing.T) {
	boom := errors.New("boom")
	for _, at := range []int{1, 2, 3, 8} {
		t.Run(fmt.Sprint(at), func(t *testing.T) {
			f := &fakeTarget{candidates: versions(64), direction: Fix, flip: 20}
			f.hook = func(n int) error {
				if n == at {
					return boom
				}
				return nil
			}
			res, err := Search(context.Background(), f.candidates, f.probe, Options{})
			require.ErrorIs(t, err, boom)
			require.EqualError(t, err, fmt.Sprintf("probing %s: boom", f.calls[at-1].version))
			require.NotNil(t, res)
			assert.Len(t, res.Probes, at-1)
			assert.Nil(t, res.Boundary)
		})
	}
	t.Run("invalid verdict", func(t *testing.T) {
		prober := func(context.Context, string, bool) (Probe, error) { return Probe{Verdict: "maybe"}, nil }
		res, err := Search(context.Background(), versions(3), prober, Options{})
		require.EqualError(t, err, `probing v001: prober returned verdict "maybe" (want good, bad or skip)`)
		assert.Empty(t, res.Probes)
	})
}

func TestSearchInvalidArguments(t *testing.T) {
	f := &fakeTarget{candidates: versions(3), flip: 1}
	tests := []struct {
		name       string
		candidates []string
		prober     Prober
		want       string
	}{
		{"none", nil, f.probe, "bisect needs at least two candidates, got 0"},
		{"one", []string{"v1"}, f.probe, "bisect needs at least two candidates, got 1"},
		{"duplicate", []string{"v1", "v2", "v1"}, f.probe, "candidate v1 is listed twice (positions 1 and 3)"},
		{"empty", []string{"v1", ""}, f.probe, "candidate 2 is empty"},
		{"no prober", []string{"v1", "v2"}, nil, "bisect: no prober"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Search(context.Background(), tt.candidates, tt.prober, Options{})
			require.EqualError(t, err, tt.want)
			require.NotNil(t, res)
			assert.Empty(t, res.Probes)
		})
	}
	assert.Empty(t, f.calls)
}

// TestSearchCachedProbes checks that a probe the prober served from its
// cache is noted so, and that re-confirmations are fresh.
func TestSearchCachedProbes(t *testing.T) {
	f := &fakeTarget{candidates: versions(16), direction: Regression, flip: 9,
		cached: map[string]bool{"v001": true, "v016": true, "v009": true}}
	res, err := Search(context.Background(), f.candidates, f.probe, Options{})
	require.NoError(t, err)
	checkInvariants(t, f, res)
	// 2 endpoints + 4 search probes + 2 re-confirmations, 3 of them cached
	// (v009 is probed first from cache, then fresh as a boundary side).
	assert.Len(t, res.Probes, 8)
	cached := 0
	for _, p := range res.Probes {
		if p.Note == "cached" {
			cached++
		}
	}
	assert.Equal(t, 3, cached)
}

// TestSearchProgress checks the progress lines of one search with a skipped
// candidate against testdata/progress.golden.
func TestSearchProgress(t *testing.T) {
	f := &fakeTarget{candidates: versions(12), direction: Regression, flip: 9, skips: map[int]bool{5: true},
		cached: map[string]bool{"v001": true}}
	var progress bytes.Buffer
	_, err := Search(context.Background(), f.candidates, f.probe, Options{Progress: &progress})
	require.NoError(t, err)
	checkGolden(t, "progress.golden", progress.Bytes())
}

// checkGolden compares got with testdata/<name>, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), string(got))
}

func TestLeftText(t *testing.T) {
	tests := []struct {
		left int
		want string
	}{
		{0, "0 candidates left"},
		{1, "1 candidate left (about 1 step)"},
		{2, "2 candidates left (about 2 steps)"},
		{3, "3 candidates left (about 2 steps)"},
		{6, "6 candidates left (about 3 steps)"},
		{7, "7 candidates left (about 3 steps)"},
		{8, "8 candidates left (about 4 steps)"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, leftText(tt.left))
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		probe Probe
		want  string
	}{
		{Probe{Verdict: Bad, Outcome: "crash", Runs: 3, BadRuns: 3, Signature: "fatal error: x"},
			"bad (crash, 3/3 runs bad, fatal error: x)"},
		{Probe{Verdict: Good, Outcome: "pass", Runs: 1, Note: "cached"}, "good (pass, 0/1 runs bad, cached)"},
		{Probe{Verdict: Skip, Outcome: "unavailable", Reason: "no engine"}, "skip (unavailable, no engine)"},
		{Probe{Verdict: Good}, "good"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, describe(tt.probe))
	}
}

package verdict

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/bisection"
	"github.com/gorepro/gorepro/internal/compare"
	"github.com/gorepro/gorepro/internal/record"
)

func TestMatrix(t *testing.T) {
	cells := func(outcomes ...record.Outcome) []record.Cell {
		cs := make([]record.Cell, len(outcomes))
		for i, o := range outcomes {
			cs[i] = record.Cell{Outcome: o, Reason: "reason " + string(o)}
		}
		return cs
	}
	tests := []struct {
		name    string
		run     *record.Run
		failOn  string
		wantErr string
	}{
		{"all pass", &record.Run{Cells: cells(record.Pass, record.Pass)}, FailOnCrash, ""},
		{"a crash", &record.Run{Cells: cells(record.Pass, record.Crash, record.Crash)}, FailOnCrash, "2 cells matched --fail-on=crash"},
		{"a crash, none", &record.Run{Cells: cells(record.Crash)}, FailOnNone, ""},
		{"any: fail and timeout, not unavailable", &record.Run{Cells: cells(record.Fail, record.Timeout, record.Unavailable, record.Pass)}, FailOnAny, "2 cells matched --fail-on=any"},
		{"crash does not match a fail", &record.Run{Cells: cells(record.Fail)}, FailOnCrash, ""},
		{"nothing ran", &record.Run{Cells: cells(record.BuildError, record.Unavailable)}, FailOnNone,
			"nothing was tested: no cell ran a binary: 1 build-error, 1 unavailable (first: reason build-error)"},
		{"interrupted wins", &record.Run{Interrupted: true, Cells: append(cells(record.Crash), record.Cell{Interrupted: true})}, FailOnCrash,
			"interrupted: 1 of 2 cells finished; run again to resume from the cache"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Matrix(tt.run, tt.failOn)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tt.wantErr, err.Error())
		})
	}
}

func TestComparison(t *testing.T) {
	cmp := &compare.Comparison{
		Counts:  map[compare.ChangeKind]int{compare.NewCrash: 2, compare.Fixed: 1, compare.NowAvailable: 1},
		Changes: make([]compare.Change, 4),
	}
	tests := []struct {
		policy string
		want   int // matched cells, 0 for no error
	}{
		{FailOnNewCrash, 2},
		{FailOnAnyChange, 4},
		{FailOnNone, 0},
		{FailOnCrash, 0}, // judged on the cells by Matrix, not here
	}
	for _, tt := range tests {
		err := Comparison(cmp, tt.policy)
		if tt.want == 0 {
			assert.NoError(t, err, tt.policy)
			continue
		}
		var policy *FailPolicyError
		require.ErrorAs(t, err, &policy, tt.policy)
		assert.Equal(t, tt.want, policy.Count)
	}
	assert.NoError(t, Comparison(nil, FailOnNewCrash), "no baseline, nothing to judge")
	assert.NoError(t, Comparison(&compare.Comparison{Counts: map[compare.ChangeKind]int{compare.NowAvailable: 1},
		Changes: make([]compare.Change, 1)}, FailOnNewCrash), "a cell that became available is no new crash")
	assert.True(t, NeedsBaseline(FailOnNewCrash) && NeedsBaseline(FailOnAnyChange))
	assert.False(t, NeedsBaseline(FailOnCrash) || NeedsBaseline(FailOnAny) || NeedsBaseline(FailOnNone))
}

func TestBisection(t *testing.T) {
	ctx := context.Background()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	found := &bisect.Result{Boundary: &bisect.Boundary{}, Conclusion: "regression"}
	var (
		rangeErr  *bisection.RangeError
		infra     *bisection.InfraError
		undecided *bisection.UndecidedError
		intr      *InterruptedError
	)
	assert.NoError(t, Bisection(ctx, found, nil, 5))
	require.ErrorAs(t, Bisection(ctx, nil, &bisect.EndpointsError{Verdict: bisect.Bad}, 5), &rangeErr)
	require.ErrorAs(t, Bisection(ctx, nil, fmt.Errorf("probing: %w", &bisect.NoVerdictError{}), 5), &rangeErr)
	require.ErrorAs(t, Bisection(ctx, nil, errors.New("proxy unreachable"), 5), &infra)
	require.ErrorAs(t, Bisection(ctx, &bisect.Result{Flaky: true, Boundary: &bisect.Boundary{}, Conclusion: "flaky"}, nil, 5), &undecided)
	assert.Equal(t, "bisect: flaky", undecided.Error())
	require.ErrorAs(t, Bisection(ctx, &bisect.Result{Conclusion: "no flip"}, nil, 5), &undecided)
	err := Bisection(cancelled, &bisect.Result{Probes: make([]bisect.Probe, 1)}, errors.New("cancelled"), 5)
	require.ErrorAs(t, err, &intr)
	assert.Equal(t, "interrupted: 1 probe finished before the search over 5 candidates could end; run again to resume from the cache", err.Error())
	assert.ErrorContains(t, Bisection(cancelled, nil, nil, 3), "0 probes finished before the search over 3 candidates")
}

func TestExplanation(t *testing.T) {
	x := &record.Explain{Explanations: []record.Explanation{
		{Explained: true, Cells: []string{"a"}},
		{Cells: []string{"b", "c"}},
	}}
	var unexplained *UnexplainedError
	require.ErrorAs(t, Explanation(context.Background(), x), &unexplained)
	assert.Equal(t, "2 cells changed without an explanation", unexplained.Error())
	assert.NoError(t, Explanation(context.Background(), &record.Explain{Explanations: x.Explanations[:1]}))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	assert.EqualError(t, Explanation(cancelled, x), "interrupted: 2 of the changed cells explained; run again to resume from the cache")
}

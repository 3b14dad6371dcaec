package bisectrecord

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/bisect"
)

// full returns a value of type T with every field set (non-zero), so that
// a field the conversion forgets shows in its JSON.
func full[T any](t *testing.T) T {
	t.Helper()
	var v T
	fill(t, reflect.ValueOf(&v).Elem())
	return v
}

// fill sets every field of v to a non-zero value.
func fill(t *testing.T, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			fill(t, v.Field(i))
		}
	case reflect.String:
		v.SetString("s-" + v.Type().Name())
	case reflect.Int:
		v.SetInt(7)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(t, s.Index(i))
		}
		v.Set(s)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(t, p.Elem())
		v.Set(p)
	default:
		t.Fatalf("fill: no value for kind %s", v.Kind())
	}
}

// TestSearchKeepsEveryField checks that the stored form of a search result
// has the JSON of the result itself, every field set: results.json does not
// change with the conversion, and a field added to bisect.Result or
// bisect.Probe that the record lacks fails here.
func TestSearchKeepsEveryField(t *testing.T) {
	res := full[bisect.Result](t)
	want, err := json.Marshal(res)
	require.NoError(t, err)
	got, err := json.Marshal(Search(res))
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))
	assert.Equal(t, string(want), string(got), "the same bytes, fields in the same order")
}

func TestSearch(t *testing.T) {
	tests := []struct {
		name string
		res  bisect.Result
		want string
	}{
		{
			name: "undecided: no boundary, empty lists stay empty",
			res:  bisect.Result{Candidates: []string{"a", "b"}, Probes: []bisect.Probe{}, Skipped: []string{}, Conclusion: "undecided: x"},
			want: `{"candidates":["a","b"],"probes":[],"skipped":[],"direction":"","boundary":null,"builds":0,"flaky":false,"conclusion":"undecided: x"}`,
		},
		{
			name: "a regression with its probes",
			res: bisect.Result{
				Candidates: []string{"v1", "v2"}, Skipped: []string{}, Direction: bisect.Regression,
				Boundary: &bisect.Boundary{Before: "v1", After: "v2"}, Builds: 1,
				Probes: []bisect.Probe{
					{Version: "v1", Outcome: "pass", Verdict: bisect.Good, Runs: 1, CellID: "c1"},
					{Version: "v2", Outcome: "crash", Verdict: bisect.Bad, Runs: 1, BadRuns: 1, Built: true, Signature: "panic: x"},
				},
				Conclusion: "regression: first bad v2 (last good v1)",
			},
			want: `{"candidates":["v1","v2"],"probes":[` +
				`{"version":"v1","outcome":"pass","verdict":"good","runs":1,"badRuns":0,"built":false,"cellID":"c1"},` +
				`{"version":"v2","outcome":"crash","verdict":"bad","signature":"panic: x","runs":1,"badRuns":1,"built":true}],` +
				`"skipped":[],"direction":"regression","boundary":{"before":"v1","after":"v2"},"builds":1,"flaky":false,` +
				`"conclusion":"regression: first bad v2 (last good v1)"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(Search(tt.res))
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

func TestProbeLabels(t *testing.T) {
	tests := []struct {
		probe         bisect.Probe
		built, detail string
	}{
		{bisect.Probe{Built: true, Signature: "sig", Reason: "why"}, "built", "sig"},
		{bisect.Probe{Reason: "why"}, "cached", "why"},
		{bisect.Probe{NotRun: true, Confirmation: true}, "not run, confirmation", ""},
	}
	for _, tt := range tests {
		p := Probe(tt.probe)
		assert.Equal(t, tt.probe.BuiltLabel(), p.BuiltLabel())
		assert.Equal(t, tt.built, p.BuiltLabel())
		assert.Equal(t, tt.detail, p.Detail())
		assert.Equal(t, tt.probe.Detail(), p.Detail())
	}
}

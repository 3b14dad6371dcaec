package bisectrecord

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/record"
)

var update = flag.Bool("update", false, "rewrite testdata/result.golden.json")

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

// nonZero fails for every field of v, at any depth, that is the zero value.
func nonZero(t *testing.T, path string, v reflect.Value) {
	t.Helper()
	if v.IsZero() {
		t.Errorf("%s is not set", path)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			nonZero(t, path+"."+v.Type().Field(i).Name, v.Field(i))
		}
	case reflect.Slice:
		for i := range v.Len() {
			nonZero(t, fmt.Sprintf("%s[%d]", path, i), v.Index(i))
		}
	case reflect.Pointer:
		nonZero(t, path, v.Elem())
	}
}

// TestSearchKeepsEveryField checks that the stored form of a search result
// with every field set has every field set: a field added to
// record.BisectSearch or record.BisectProbe that the conversion forgets
// fails here.
func TestSearchKeepsEveryField(t *testing.T) {
	res := full[bisect.Result](t)
	var probes []record.BisectProbe
	for _, p := range res.Probes {
		probes = append(probes, Probe(p, "cell", true, true, "full, built in 200s"))
	}
	nonZero(t, "BisectSearch", reflect.ValueOf(Search(res, probes)))
}

// TestSearchGolden stores a real search (twelve candidates, a regression
// at v010, v006 skipped, v001 taken from the cache) and compares its JSON
// with testdata/result.golden.json: the bytes results.json has held since
// the search was stored as package bisect's own result.
func TestSearchGolden(t *testing.T) {
	candidates := make([]string, 12)
	for i := range candidates {
		candidates[i] = fmt.Sprintf("v%03d", i+1)
	}
	var probes []record.BisectProbe
	prober := func(_ context.Context, v string, fresh bool) (bisect.Probe, error) {
		i := slices.Index(candidates, v)
		p := bisect.Probe{Verdict: bisect.Good, Outcome: "pass", Runs: 3}
		switch {
		case i == 5:
			p = bisect.Probe{Verdict: bisect.Skip, Outcome: "build-error", Reason: "undefined: proto.Foo"}
		case i >= 9:
			p = bisect.Probe{Verdict: bisect.Bad, Outcome: "crash", Signature: "fatal error: taggedPointerPack", Runs: 3, BadRuns: 3}
		}
		p.Version, p.Confirmation = v, fresh
		probes = append(probes, Probe(p, "cell_"+v, fresh || v != "v001", false, ""))
		return p, nil
	}
	res, err := bisect.Search(context.Background(), candidates, prober, bisect.Options{})
	require.NoError(t, err)
	got, err := json.MarshalIndent(Search(*res, probes), "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')
	path := filepath.Join("testdata", "result.golden.json")
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}

func TestSearch(t *testing.T) {
	tests := []struct {
		name   string
		res    bisect.Result
		probes []record.BisectProbe
		want   string
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
				Boundary: &bisect.Boundary{Before: "v1", After: "v2"},
				Probes: []bisect.Probe{
					{Version: "v1", Outcome: "pass", Verdict: bisect.Good, Runs: 1},
					{Version: "v2", Outcome: "crash", Verdict: bisect.Bad, Runs: 1, BadRuns: 1, Signature: "panic: x"},
				},
				Conclusion: "regression: first bad v2 (last good v1)",
			},
			probes: []record.BisectProbe{
				Probe(bisect.Probe{Version: "v1", Outcome: "pass", Verdict: bisect.Good, Runs: 1}, "c1", false, false, ""),
				Probe(bisect.Probe{Version: "v2", Outcome: "crash", Verdict: bisect.Bad, Runs: 1, BadRuns: 1, Signature: "panic: x"}, "", true, false, ""),
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
			got, err := json.Marshal(Search(tt.res, tt.probes))
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

// TestProbeCell: the stored probe says how its cell was obtained.
func TestProbeCell(t *testing.T) {
	p := Probe(bisect.Probe{Version: "v1", Confirmation: true}, "c", false, true, "")
	assert.Equal(t, record.BisectProbe{Version: "v1", Confirmation: true, CellID: "c", NotRun: true}, p)
	p = Probe(bisect.Probe{Version: "v2", Note: "cached"}, "d", false, false, "")
	assert.Equal(t, record.BisectProbe{Version: "v2", CellID: "d"}, p, "the note is progress, not stored")
}

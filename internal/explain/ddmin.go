package explain

import (
	"context"
	"fmt"

	"github.com/gorepro/gorepro/bisect"
)

// SetProber builds and judges the cell with the changes at the given
// indexes applied (and the others not): bisect.Bad when it shows the new
// verdict, bisect.Good the base one, bisect.Skip when it did not build or
// could not be judged.
type SetProber func(ctx context.Context, applied []int) (bisect.Verdict, error)

// MinimalSet finds a 1-minimal subset of n changes that is Bad when
// applied alone, by delta debugging (Zeller's ddmin): every change of the
// set matters, taking any one out makes it Good or Skip. The caller
// knows that all n applied is Bad; subsets that are Skip count as
// not Bad, so they are stepped around. Probes of a subset are asked once
// (a memo). It returns the indexes in increasing order.
func MinimalSet(ctx context.Context, n int, probe SetProber) ([]int, error) {
	if n == 0 {
		return nil, fmt.Errorf("no changes to minimise")
	}
	memo := map[string]bisect.Verdict{}
	test := func(set []int) (bisect.Verdict, error) {
		key := fmt.Sprint(set)
		if v, ok := memo[key]; ok {
			return v, nil
		}
		v, err := probe(ctx, set)
		if err != nil {
			return bisect.Skip, err
		}
		memo[key] = v
		return v, nil
	}
	current := make([]int, n)
	for i := range current {
		current[i] = i
	}
	granularity := 2
	for len(current) >= 2 {
		chunks := split(current, granularity)
		reduced := false
		// A chunk alone that is bad.
		for _, c := range chunks {
			v, err := test(c)
			if err != nil {
				return nil, err
			}
			if v == bisect.Bad {
				current, granularity, reduced = c, 2, true
				break
			}
		}
		if !reduced && granularity > 2 {
			// A complement that is bad.
			for i := range chunks {
				comp := complement(current, chunks[i])
				v, err := test(comp)
				if err != nil {
					return nil, err
				}
				if v == bisect.Bad {
					current, granularity, reduced = comp, max(granularity-1, 2), true
					break
				}
			}
		}
		if !reduced {
			if granularity >= len(current) {
				break
			}
			granularity = min(granularity*2, len(current))
		}
	}
	return current, nil
}

// split cuts set into n chunks of nearly equal size.
func split(set []int, n int) [][]int {
	var out [][]int
	start := 0
	for i := range n {
		end := start + (len(set)-start)/(n-i)
		if end > start {
			out = append(out, set[start:end])
		}
		start = end
	}
	return out
}

// complement is set without the members of part.
func complement(set, part []int) []int {
	in := map[int]bool{}
	for _, p := range part {
		in[p] = true
	}
	var out []int
	for _, s := range set {
		if !in[s] {
			out = append(out, s)
		}
	}
	return out
}

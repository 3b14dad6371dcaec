package crashlog

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"
)

// largeLog returns a log of about size bytes: GitHub Actions timestamps on
// every line, program output, and the crash of crashText at the end.
func largeLog(size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 4096)
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "2024-10-09T09:16:43.%07dZ level=info msg=\"processed item %d of the queue\" worker=%d\n", i%10000000, i, i%8)
	}
	b.WriteString(eachLine(crashText, func(i int) string { return fmt.Sprintf("2024-10-09T09:16:44.%07dZ ", i) }))
	return b.Bytes()
}

// longLine returns a log that is one line of size bytes: a panic whose
// value is huge.
func longLine(size int) []byte {
	line := bytes.Repeat([]byte("0xdeadbeef, "), size/12)
	return append([]byte("panic: "), line...)
}

// logShapes are the kinds of large log the benchmarks read.
var logShapes = []struct {
	name string
	make func(int) []byte
}{{"lines", largeLog}, {"oneline", longLine}}

// BenchmarkReadLarge reads 5, 25 and 50 MB logs, of many lines and of a
// single line; scripts/bench.sh prints the figures and compares the memory
// of the sizes to check that reading stays linear in memory (time is
// BenchmarkReadScaling's).
func BenchmarkReadLarge(b *testing.B) {
	for _, shape := range logShapes {
		for _, mb := range []int{5, 25, 50} {
			data := shape.make(mb << 20)
			b.Run(fmt.Sprintf("%s-%dMB", shape.name, mb), func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				for range b.N {
					// The previous read's garbage is collected outside the
					// timing, so each read is measured alone.
					b.StopTimer()
					runtime.GC()
					b.StartTimer()
					readChecked(b, shape.name, data)
				}
			})
		}
	}
}

// BenchmarkReadScaling measures whether reading stays linear in time: each
// op reads a 25 MB and a 50 MB log of the same shape, one right after the
// other (alternating which goes first), each timed alone, and the
// benchmark reports the median over its ops of the ratio of the two times
// as "t50/t25" (2 is exactly linear). Timing the two sizes in pairs, close
// together, and taking the median over many pairs keeps a burst of load
// from other processes, which slows one read of tens of milliseconds by
// half, from looking like the reader got slower; scripts/bench.sh runs it
// with enough ops to have a stable median.
func BenchmarkReadScaling(b *testing.B) {
	for _, shape := range logShapes {
		small, large := shape.make(25<<20), shape.make(50<<20)
		b.Run(shape.name, func(b *testing.B) {
			timed := func(data []byte) time.Duration {
				// The previous read's garbage is collected first, so each
				// read is measured alone.
				runtime.GC()
				start := time.Now()
				readChecked(b, shape.name, data)
				return time.Since(start)
			}
			ratios := make([]float64, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				var ts, tl time.Duration
				if i%2 == 0 {
					ts = timed(small)
					tl = timed(large)
				} else {
					tl = timed(large)
					ts = timed(small)
				}
				ratios = append(ratios, tl.Seconds()/ts.Seconds())
			}
			slices.Sort(ratios)
			b.ReportMetric(ratios[len(ratios)/2], "t50/t25")
		})
	}
}

// readChecked reads data as the reader does for every log, checking that
// a log of many lines still yields the crash at its end.
func readChecked(b *testing.B, shape string, data []byte) {
	r := Read(data)
	if shape == "lines" && len(r.Crashes) != 1 {
		b.Fatalf("the crash at the end was not found: %d crashes", len(r.Crashes))
	}
}

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
// as "t50/t25" (2 is exactly linear). The time is the process's CPU time
// (every thread: the reader and the collector's workers), not wall time:
// a read of tens of milliseconds loses the CPU to other processes for
// half its wall time on a busy machine, which says nothing about the
// reader, while its CPU time stays what the read costs. Each sample is at
// least scalingSampleFloor of CPU time, the log read again as often as it
// takes, and before every read the CPU caches are flushed by walking a
// buffer larger than them (untimed): a 25 MB log read again stays in a
// large L3 cache where a 50 MB one does not, which made the ratio read
// 2.8 on a quiet machine for a reader that is linear. The wall-time ratio
// is reported too ("wall-t50/t25"), for information. scripts/bench.sh runs
// it with enough ops to have a stable median.
func BenchmarkReadScaling(b *testing.B) {
	flush := cacheFlusher()
	for _, shape := range logShapes {
		small, large := shape.make(25<<20), shape.make(50<<20)
		b.Run(shape.name, func(b *testing.B) {
			reps := scalingReps(b, shape.name, small)
			timed := func(data []byte) (cpu, wall time.Duration) {
				// The previous read's garbage is collected first, so each
				// read is measured alone.
				runtime.GC()
				for range reps {
					flush()
					cpu0, cpuOK := processCPUTime()
					start := time.Now()
					readChecked(b, shape.name, data)
					w := time.Since(start)
					wall += w
					if cpu1, ok := processCPUTime(); ok && cpuOK {
						cpu += cpu1 - cpu0
					} else {
						cpu += w
					}
				}
				return cpu, wall
			}
			ratios := make([]float64, 0, b.N)
			wallRatios := make([]float64, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				var cs, ws, cl, wl time.Duration
				if i%2 == 0 {
					cs, ws = timed(small)
					cl, wl = timed(large)
				} else {
					cl, wl = timed(large)
					cs, ws = timed(small)
				}
				ratios = append(ratios, cl.Seconds()/cs.Seconds())
				wallRatios = append(wallRatios, wl.Seconds()/ws.Seconds())
			}
			b.ReportMetric(median(ratios), "t50/t25")
			b.ReportMetric(median(wallRatios), "wall-t50/t25")
			b.ReportMetric(float64(reps), "reads/sample")
		})
	}
}

// cacheFlusher returns a function that evicts the CPU caches by writing a
// byte in every cache line of a 512 MB buffer, larger than the last-level
// cache of any machine this runs on.
func cacheFlusher() func() {
	buf := make([]byte, 512<<20)
	return func() {
		for i := 0; i < len(buf); i += 64 {
			buf[i]++
		}
	}
}

// scalingSampleFloor is the least CPU time of one timed sample of
// BenchmarkReadScaling.
const scalingSampleFloor = 250 * time.Millisecond

// scalingReps returns how many reads of the 25 MB log make a sample of at
// least scalingSampleFloor, from one read timed first.
func scalingReps(b *testing.B, shape string, small []byte) int {
	runtime.GC()
	cpu0, ok := processCPUTime()
	start := time.Now()
	readChecked(b, shape, small)
	one := time.Since(start)
	if cpu1, ok1 := processCPUTime(); ok && ok1 {
		one = cpu1 - cpu0
	}
	return max(1, int(scalingSampleFloor/max(one, time.Millisecond))+1)
}

// median returns the middle value of xs (sorted in place).
func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}

// readChecked reads data as the reader does for every log, checking that
// a log of many lines still yields the crash at its end.
func readChecked(b *testing.B, shape string, data []byte) {
	r := Read(data)
	if shape == "lines" && len(r.Crashes) != 1 {
		b.Fatalf("the crash at the end was not found: %d crashes", len(r.Crashes))
	}
}

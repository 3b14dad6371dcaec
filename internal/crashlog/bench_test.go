package crashlog

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
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

// BenchmarkReadLarge reads 5, 25 and 50 MB logs, of many lines and of a
// single line; scripts/bench.sh compares the sizes to check that reading
// stays linear in time and memory.
func BenchmarkReadLarge(b *testing.B) {
	for _, shape := range []struct {
		name string
		make func(int) []byte
	}{{"lines", largeLog}, {"oneline", longLine}} {
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
					r := Read(data)
					if shape.name == "lines" && len(r.Crashes) != 1 {
						b.Fatalf("the crash at the end was not found: %d crashes", len(r.Crashes))
					}
				}
			})
		}
	}
}

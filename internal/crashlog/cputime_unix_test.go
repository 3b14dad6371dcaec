//go:build unix

package crashlog

import (
	"time"

	"golang.org/x/sys/unix"
)

// processCPUTime returns the CPU time the test process has used so far,
// in every thread (the reader and the garbage collector's workers), from
// CLOCK_PROCESS_CPUTIME_ID. Unlike wall time it does not grow while other
// processes hold the CPUs, so a ratio of two reads' CPU times measures the
// reader, not the machine's load.
func processCPUTime() (time.Duration, bool) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts); err != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}

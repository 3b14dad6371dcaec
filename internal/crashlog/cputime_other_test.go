//go:build !unix

package crashlog

import "time"

// processCPUTime is not measured on this system: the scaling benchmark
// falls back to wall time.
func processCPUTime() (time.Duration, bool) { return 0, false }

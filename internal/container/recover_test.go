package container

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gorepro/gorepro/internal/proc"
)

// TestRecoverOutput: the output of a failed run whose container is still
// there is read again from the engine's log when the log holds more (an
// attach that lost a crash's last lines); otherwise the run's own output
// stays.
func TestRecoverOutput(t *testing.T) {
	const short, full = "starting\n", "starting\nfatal error: taggedPointerPack\n"
	tests := []struct {
		name     string
		res      proc.Result
		removals bool
		logs     string
		logsExit int
		want     string
		asked    bool
	}{
		{name: "crash message lost by the attach", res: proc.Result{ExitCode: 2, Output: []byte(short)}, removals: true, logs: full, want: full, asked: true},
		{name: "log holds no more", res: proc.Result{ExitCode: 2, Output: []byte(full)}, removals: true, logs: full, want: full, asked: true},
		{name: "log unreadable", res: proc.Result{ExitCode: 2, Output: []byte(short)}, removals: true, logs: "Error: no logs\n", logsExit: 125, want: short, asked: true},
		{name: "passed", res: proc.Result{ExitCode: 0, Output: []byte(short)}, removals: true, logs: full, want: short},
		{name: "stopped at the deadline", res: proc.Result{ExitCode: 2, TimedOut: true, Output: []byte(short)}, removals: true, logs: full, want: short},
		{name: "cut at Cap", res: proc.Result{ExitCode: 2, Truncated: true, Output: []byte(short)}, removals: true, logs: full, want: short},
		{name: "removed by the engine (--rm)", res: proc.Result{ExitCode: 2, Output: []byte(short)}, logs: full, want: short},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked := false
			e := &Engine{Name: Podman, Cmd: "podman", Exec: func(_ context.Context, c proc.Cmd) (*proc.Result, error) {
				asked = true
				assert.Equal(t, []string{"podman", "logs", "gorepro-0123456789ab"}, c.Argv)
				assert.Equal(t, 4096, c.Cap)
				return &proc.Result{ExitCode: tt.logsExit, Output: []byte(tt.logs), OutputBytes: int64(len(tt.logs))}, nil
			}}
			s := RunSpec{Name: "gorepro-0123456789ab", Cap: 4096}
			if tt.removals {
				s.Removals = &Removals{}
			}
			res := tt.res
			e.recoverOutput(context.Background(), s, &res)
			assert.Equal(t, tt.want, string(res.Output))
			assert.Equal(t, tt.asked, asked)
		})
	}
}

package container

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/proc"
)

// TestEndMarkers reads runwait's end markers out of both streams however
// the engine client's writes cut them, and passes every other byte on
// exactly once.
func TestEndMarkers(t *testing.T) {
	const nonce = "0123456789abcdef"
	marker := func(status string) string { return endMarkerPrefix + nonce + ":" + status + "\x00" }
	tests := []struct {
		name, stream string
		// want is what is passed on; status the marker's, -1 for none.
		want   string
		status int
	}{
		{"output then marker", "panic: boom\ngoroutine 1\n" + marker("2"), "panic: boom\ngoroutine 1\n", 2},
		{"no newline at the end", "END" + marker("134"), "END", 134},
		{"marker alone", marker("0"), "", 0},
		{"another nonce is output", endMarkerPrefix + "ffffffffffffffff:1\x00" + "x" + marker("1"), endMarkerPrefix + "ffffffffffffffff:1\x00x", 1},
		{"prefix without a status is output", endMarkerPrefix + nonce + ":zz\x00" + marker("3"), endMarkerPrefix + nonce + ":zz\x00", 3},
		{"a NUL-laden program's output", "\x00\x00gorepro\x00" + marker("0"), "\x00\x00gorepro\x00", 0},
		{"output after the marker is passed on", "a" + marker("0") + "late", "alate", 0},
		{"no marker (the client ended)", "only output\x00gorepro-runwait-e", "only output\x00gorepro-runwait-e", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Every cut of the stream into three writes.
			for i := 0; i <= len(tt.stream); i++ {
				for j := i; j <= len(tt.stream); j++ {
					capture := proc.NewCapture(0)
					var tee bytes.Buffer
					m := newEndMarkers(nonce, capture, &tee)
					for _, part := range []string{tt.stream[:i], tt.stream[i:j], tt.stream[j:]} {
						n, err := m.out.Write([]byte(part))
						require.NoError(t, err)
						require.Equal(t, len(part), n)
					}
					found := m.out.ended
					m.flush()
					got, total, _ := m.output()
					require.Equal(t, tt.want, string(got), "cut at %d and %d", i, j)
					require.Equal(t, int64(len(tt.want)), total)
					require.Equal(t, tt.want, tee.String(), "the tee sees what the capture keeps")
					require.Equal(t, tt.status >= 0, found, "cut at %d and %d", i, j)
				}
			}
		})
	}

	t.Run("done once both streams have ended", func(t *testing.T) {
		m := newEndMarkers(nonce, proc.NewCapture(0), nil)
		_, _ = m.out.Write([]byte("out" + marker("7")))
		select {
		case <-m.done:
			t.Fatal("done after one stream's marker")
		default:
		}
		_, _ = m.errs.Write([]byte("err" + marker("7")))
		<-m.done
		assert.Equal(t, 7, m.status)
		got, _, _ := m.output()
		assert.Equal(t, "outerr", string(got))
	})
}

// TestStripEndMarkers takes runwait's markers out of output read again
// from the engine's log, and nothing else.
func TestStripEndMarkers(t *testing.T) {
	const nonce = "0123456789abcdef"
	m := newEndMarkers(nonce, proc.NewCapture(0), nil)
	marker := endMarkerPrefix + nonce + ":2\x00"
	for _, tt := range []struct{ in, want string }{
		{"panic: boom\n" + marker + marker, "panic: boom\n"},
		{"out" + marker + "err" + marker, "outerr"},
		{"no markers \x00 at all", "no markers \x00 at all"},
		{endMarkerPrefix + nonce + ":x\x00" + marker, endMarkerPrefix + nonce + ":x\x00"},
		{endMarkerPrefix + "ffffffffffffffff:2\x00", endMarkerPrefix + "ffffffffffffffff:2\x00"},
		{"before " + endMarkerPrefix + nonce + ":x\x00 after", "before " + endMarkerPrefix + nonce + ":x\x00 after"},
	} {
		got, removed := m.strip([]byte(tt.in))
		assert.Equal(t, tt.want, string(got))
		assert.Equal(t, len(tt.in)-len(tt.want), removed)
	}
}

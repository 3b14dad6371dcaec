package container

import (
	"bytes"
	"io"
	"strconv"
	"sync"
)

// endMarkerPrefix starts the marker runwait, as a run container's init,
// writes on each stream once its program has ended (runwait/main.go):
// endMarkerPrefix NONCE ":" STATUS "\x00".
const endMarkerPrefix = "\x00gorepro-runwait-end:"

// maxStatusDigits bounds the STATUS of an end marker.
const maxStatusDigits = 4

// endMarkers reads the two streams of a prestarted run's engine client
// (stdout and stderr, each through its own endStream) for runwait's end
// markers, and passes everything else on to one sink: the run's capture
// and its Tee. Once both streams have shown their marker, everything the
// program wrote is in the capture, and done is closed with the status.
type endMarkers struct {
	// nonce is the run's, which runwait is given; prefix starts its
	// markers.
	nonce  string
	prefix []byte
	// sinkMu serialises the two streams' writes to sink.
	sinkMu  sync.Mutex
	sink    io.Writer
	capture interface {
		Bytes() ([]byte, int64, bool)
	}

	mu     sync.Mutex
	seen   int
	status int
	done   chan struct{}
	out    *endStream
	errs   *endStream
}

// newEndMarkers reads for the markers of nonce, passing output on to
// capture and tee (when not nil).
func newEndMarkers(nonce string, capture interface {
	io.Writer
	Bytes() ([]byte, int64, bool)
}, tee io.Writer) *endMarkers {
	m := &endMarkers{nonce: nonce, prefix: []byte(endMarkerPrefix + nonce + ":"), sink: capture, capture: capture, done: make(chan struct{})}
	if tee != nil {
		m.sink = io.MultiWriter(capture, tee)
	}
	m.out, m.errs = &endStream{m: m}, &endStream{m: m}
	return m
}

// write passes p on to the sink.
func (m *endMarkers) write(p []byte) {
	if len(p) == 0 {
		return
	}
	m.sinkMu.Lock()
	defer m.sinkMu.Unlock()
	_, _ = m.sink.Write(p)
}

// found records one stream's marker; the second closes done.
func (m *endMarkers) found(status int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seen++
	m.status = status
	if m.seen == 2 {
		close(m.done)
	}
}

// flush passes on what each stream still holds back (the client has
// ended: no marker will complete it).
func (m *endMarkers) flush() {
	m.out.flush()
	m.errs.flush()
}

// output returns the capture's Output, OutputBytes and Truncated.
func (m *endMarkers) output() ([]byte, int64, bool) {
	m.sinkMu.Lock()
	defer m.sinkMu.Unlock()
	return m.capture.Bytes()
}

// endStream is one stream of endMarkers: it holds back the bytes that
// may begin a marker until it knows, drops the marker and passes the rest
// on.
type endStream struct {
	m       *endMarkers
	mu      sync.Mutex
	pending []byte
	ended   bool
}

// Write scans p for the stream's marker.
func (s *endStream) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		s.m.write(p)
		return len(p), nil
	}
	s.pending = append(s.pending, p...)
	prefix := s.m.prefix
	for {
		i := bytes.Index(s.pending, prefix)
		if i < 0 {
			// Pass on all but what could be the start of the prefix.
			keep := min(len(s.pending), len(prefix)-1)
			s.m.write(s.pending[:len(s.pending)-keep])
			s.pending = append(s.pending[:0], s.pending[len(s.pending)-keep:]...)
			return len(p), nil
		}
		status, n, how := parseStatus(s.pending[i+len(prefix):])
		switch how {
		case statusComing:
			s.m.write(s.pending[:i])
			s.pending = append(s.pending[:0], s.pending[i:]...)
			return len(p), nil
		case statusInvalid:
			// Not a marker after all: pass its first byte on, look again.
			s.m.write(s.pending[:i+1])
			s.pending = append(s.pending[:0], s.pending[i+1:]...)
			continue
		}
		s.m.write(s.pending[:i])
		after := s.pending[i+len(prefix)+n:]
		s.ended = true
		s.m.write(after)
		s.pending = nil
		s.m.found(status)
		return len(p), nil
	}
}

// How parseStatus read what follows a marker's prefix.
const (
	statusRead    = iota // a status and the closing NUL
	statusComing         // digits so far, the rest may follow
	statusInvalid        // not a marker's status
)

// parseStatus reads the "STATUS\x00" that follows a marker's prefix in
// rest: the status, the bytes it takes, and how it went.
func parseStatus(rest []byte) (status, n, how int) {
	j := bytes.IndexByte(rest, 0)
	if j < 0 {
		if len(rest) <= maxStatusDigits {
			return 0, 0, statusComing
		}
		return 0, 0, statusInvalid
	}
	status, err := strconv.Atoi(string(rest[:j]))
	if j > maxStatusDigits || err != nil || status < 0 {
		return 0, 0, statusInvalid
	}
	return status, j + 1, statusRead
}

// flush passes on what s holds back.
func (s *endStream) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m.write(s.pending)
	s.pending = nil
}

// strip returns out without the end markers of m's nonce, and how many
// bytes it took out: for output read again from the engine's log, which
// holds the markers too (recoverOutput).
func (m *endMarkers) strip(out []byte) ([]byte, int) {
	all := out
	var kept []byte
	removed := 0
	for {
		i := bytes.Index(out, m.prefix)
		if i < 0 {
			break
		}
		if _, n, how := parseStatus(out[i+len(m.prefix):]); how == statusRead {
			kept = append(kept, out[:i]...)
			removed += len(m.prefix) + n
			out = out[i+len(m.prefix)+n:]
			continue
		}
		kept = append(kept, out[:i+1]...)
		out = out[i+1:]
	}
	if removed == 0 {
		return all, 0
	}
	return append(kept, out...), removed
}

package crashlog

import (
	"strings"
	"testing"

	"github.com/gorepro/gorepro/internal/runfixture"
)

// FuzzRead reads arbitrary logs, starting from the real logs of the
// diagnose corpus and this package's testdata. Read must never panic, and
// what it returns must hold together: one source at least, the chosen
// source among them, every crash with a signature and its lines.
func FuzzRead(f *testing.F) {
	runfixture.AddFuzzSeeds(f, "../diagnose/testdata/corpus/*.log", "testdata/*.txt")
	f.Add([]byte(""))
	f.Add([]byte("```\n`panic: x\n\ngoroutine 1 [running]:\nmain.main(\n)`\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := Read(data)
		if len(r.Sources) == 0 || len(r.Formats) == 0 {
			t.Fatalf("no source or no format: %+v", r)
		}
		found := false
		for _, s := range r.Sources {
			found = found || s.Name == r.Source.Name
		}
		if !found {
			t.Fatalf("the chosen source %q is not among the sources", r.Source.Name)
		}
		for _, c := range r.Crashes {
			if strings.TrimSpace(c.Signature()) == "" || len(c.Lines) == 0 {
				t.Fatalf("a crash without a signature or lines: %+v", c)
			}
			if c.Truncated && c.TruncatedReason == "" {
				t.Fatalf("truncated without a reason: %+v", c)
			}
		}
		if (r.Prefix == "") != (r.PrefixLines == 0) {
			t.Fatalf("prefix %q on %d lines", r.Prefix, r.PrefixLines)
		}
	})
}

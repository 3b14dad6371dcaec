package diagnose

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gorepro/gorepro/internal/crashlog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden diagnoses every testdata/*.log and compares the JSON report,
// and the text report, with testdata/<name>.golden.json and .golden.txt.
func TestGolden(t *testing.T) {
	logs, err := filepath.Glob(filepath.Join("testdata", "*.log"))
	require.NoError(t, err)
	require.NotEmpty(t, logs)
	for _, path := range logs {
		name := strings.TrimSuffix(filepath.Base(path), ".log")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			report := Log(data)
			var js, text bytes.Buffer
			require.NoError(t, report.WriteJSON(&js))
			require.NoError(t, report.WriteText(&text))
			for ext, content := range map[string][]byte{".golden.json": js.Bytes(), ".golden.txt": text.Bytes()} {
				golden := filepath.Join("testdata", name+ext)
				if *update {
					require.NoError(t, os.WriteFile(golden, content, 0o644))
					continue
				}
				want, err := os.ReadFile(golden)
				require.NoError(t, err, "run go test ./diagnose -update to create it")
				assert.Equal(t, string(want), string(content), "%s differs; run go test ./diagnose -update and review the diff", golden)
			}
		})
	}
}

// readLog returns a testdata log.
func readLog(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(data)
}

// lines splits text into lines without the final empty one.
func lines(text string) []string {
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

// criWrap wraps every line as the CRI writes container output: time,
// stream, F. The line at splitAt (if >= 0) is written as two partial
// chunks.
func criWrap(text string, splitAt int) string {
	var b strings.Builder
	for i, l := range lines(text) {
		ts := fmt.Sprintf("2026-01-09T14:16:27.%09dZ", 123456789+i)
		if i == splitAt && len(l) > 10 {
			fmt.Fprintf(&b, "%s stderr P %s\n", ts, l[:10])
			fmt.Fprintf(&b, "%s stderr F %s\n", ts, l[10:])
			continue
		}
		fmt.Fprintf(&b, "%s stderr F %s\n", ts, l)
	}
	return b.String()
}

// dockerWrap wraps every line as docker's json-file log driver does.
func dockerWrap(text string) string {
	var b strings.Builder
	for i, l := range lines(text) {
		doc, _ := json.Marshal(map[string]string{"log": l + "\n", "stream": "stderr", "time": fmt.Sprintf("2026-01-09T14:16:27.%09dZ", i)})
		b.Write(doc)
		b.WriteByte('\n')
	}
	return b.String()
}

// TestWrappedForms checks that the seed's crash reads the same however
// the log reached us.
func TestWrappedForms(t *testing.T) {
	extended := readLog(t, "seed_extended.log")
	const signature = "fatal error: taggedPointerPack in runtime.netpollopen"
	half := lines(extended)[:len(lines(extended))/2]
	sigquitDump := "SIGQUIT: quit\nPC=0x4733a1 m=0 sigcode=0\n\ngoroutine 1 [chan receive]:\nmain.main()\n\t/src/main.go:9 +0x25\n\ngoroutine 5 [running]:\nmain.worker()\n\t/src/main.go:20 +0x1d\ncreated by main.main in goroutine 1\n\t/src/main.go:8 +0x1a\n"
	zap := `{"level":"info","ts":1767968187.1,"msg":"Starting workers","worker count":1}` + "\n" +
		`{"level":"error","ts":1767968187.2,"msg":"Reconciler error","error":"panic: boom","stacktrace":"goroutine 1 [running]:\nmain.main()\n\t/src/main.go:12 +0x1d\n"}` + "\n"

	tests := []struct {
		name    string
		log     string
		formats []string
		// truncated and frames: what the report must say beyond the
		// signature.
		truncated bool
		signature string
		others    []string
		source    string
		notes     []string
	}{
		{name: "plain", log: extended, formats: []string{crashlog.FormatPlain}},
		{name: "CRI", log: criWrap(extended, 2), formats: []string{crashlog.FormatCRI}},
		{name: "docker json-file", log: dockerWrap(extended), formats: []string{crashlog.FormatDockerJSON}},
		{name: "CRLF", log: strings.ReplaceAll(extended, "\n", "\r\n"), formats: []string{crashlog.FormatPlain}},
		{
			name: "ANSI colours",
			log: strings.NewReplacer("fatal error: taggedPointerPack", "\x1b[31;1mfatal error: taggedPointerPack\x1b[0m",
				"runtime.netpollopen(", "\x1b[33mruntime.netpollopen\x1b[0m(").Replace(extended),
			formats: []string{crashlog.FormatPlain},
		},
		{
			name: "kubectl logs --timestamps",
			log: func() string {
				var b strings.Builder
				for _, l := range lines(extended) {
					b.WriteString("2026-01-09T14:16:27.123456789Z " + l + "\n")
				}
				return b.String()
			}(),
			formats: []string{crashlog.FormatPrefix},
		},
		{
			name: "compose, two services interleaved",
			log: func() string {
				var b strings.Builder
				for i, l := range lines(extended) {
					if i%3 == 0 {
						b.WriteString("postgres-1    | LOG:  checkpoint starting: time\n")
					}
					b.WriteString("controller-1  | " + l + "\n")
				}
				return b.String()
			}(),
			formats: []string{crashlog.FormatPrefix},
			source:  "controller-1",
		},
		{
			name:      "indented, as pasted into a document",
			log:       "    " + strings.ReplaceAll(strings.TrimSuffix(extended, "\n"), "\n", "\n    ") + "\n",
			formats:   []string{crashlog.FormatPlain},
			signature: signature,
		},
		{
			name: "truncated halfway", log: strings.Join(half, "\n") + "\n", formats: []string{crashlog.FormatPlain},
			truncated: true,
		},
		{
			name: "truncated halfway, CRI", log: criWrap(strings.Join(half, "\n")+"\n", -1), formats: []string{crashlog.FormatCRI},
			truncated: true,
		},
		{
			name: "cut in the middle of a line, docker json-file",
			log: func() string {
				// The last entry has no newline: docker wrote part of a line.
				last := half[len(half)-1]
				partial, _ := json.Marshal(map[string]string{"log": last[:len(last)/2], "stream": "stderr"})
				return dockerWrap(strings.Join(half[:len(half)-1], "\n")+"\n") + string(partial) + "\n"
			}(),
			formats: []string{crashlog.FormatDockerJSON}, truncated: true,
		},
		{
			name: "a SIGQUIT dump before the crash", log: sigquitDump + "\n" + extended, formats: []string{crashlog.FormatPlain},
			notes: []string{"1 goroutine dump (SIGQUIT: quit) in the log: a dump someone asked for, not a crash"},
		},
		{
			name: "the crash twice (two restarts)", log: extended + extended, formats: []string{crashlog.FormatPlain},
			others: []string{signature},
		},
		{
			name: "zap JSON lines around the crash", log: zap + extended, formats: []string{crashlog.FormatPlain},
			notes: []string{"2 structured (JSON) log lines read as log entries: a stack trace in a log field is not a crash"},
		},
		{
			name: "zap JSON lines in a CRI log", log: criWrap(zap+extended, -1), formats: []string{crashlog.FormatCRI},
			notes: []string{"2 structured (JSON) log lines read as log entries: a stack trace in a log field is not a crash"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Log([]byte(tt.log))
			assert.Equal(t, OutcomeCrash, r.Outcome)
			assert.Equal(t, signature, r.Signature)
			assert.Equal(t, tt.formats, r.Formats)
			assert.Equal(t, "runtime.netpollopen", r.Frames[0])
			assert.Equal(t, tt.truncated, r.Truncated, r.TruncatedReason)
			if !tt.truncated {
				assert.Equal(t, "runtime: taggedPointerPack invalid packing: ptr=0x? tag=0x? packed=0x? -> ptr=0x? tag=0x?", r.RuntimeDetail)
			}
			assert.Equal(t, tt.others, r.OtherCrashes)
			assert.Equal(t, tt.source, r.Source)
			assert.Equal(t, "amd64", r.ArchHint.Arch)
			assert.Contains(t, r.ArchHint.Reason, "frame offset +0x12a is not a multiple of 4, which arm64 code offsets always are")
			assert.True(t, r.DistroBuild)
			assert.Contains(t, r.DistroBuildReason, "/usr/lib/golang")
			assert.Empty(t, r.GoVersion)
			for _, n := range tt.notes {
				assert.Contains(t, r.Notes, n)
			}
			require.Len(t, r.KnownIssues, 1)
			assert.Equal(t, "golang/go#69255", r.KnownIssues[0].ID)
			assert.False(t, r.KnownIssues[0].ConditionsHold)
		})
	}
}

func TestSuppliedFacts(t *testing.T) {
	extended := []byte(readLog(t, "seed_extended.log"))
	excerpt := []byte(readLog(t, "seed_excerpt.log"))
	tests := []struct {
		name     string
		log      []byte
		supplied Facts
		hold     bool
		verdict  string
		// next is part of a proposed command, notNext part of none.
		next, notNext string
	}{
		{name: "nothing supplied", log: extended, verdict: "similar", next: "gorepro matrix --arch native,amd64 --toolchain go1.25.4,go1.25.5 "},
		{name: "host arm64 only", log: extended, supplied: Facts{HostArch: "arm64"}, verdict: "similar", next: "gorepro matrix --arch native,amd64 --toolchain go1.25.4,go1.25.5 "},
		{
			name: "host arm64 and go1.25.3", log: extended, supplied: Facts{HostArch: "arm64", GoVersion: "go1.25.3"}, hold: true, verdict: "cause",
			next: "gorepro bisect --axis go --versions go1.25.3,go1.25.4,go1.25.5 --target repro --arch amd64",
		},
		{
			name: "the excerpt, host arm64 and go1.25.3", log: excerpt, supplied: Facts{HostArch: "arm64", GoVersion: "go1.25.3"}, hold: true, verdict: "cause",
			next: "gorepro matrix --arch native,amd64 --toolchain go1.25.3,go1.25.4,go1.25.5 ",
		},
		{
			name: "host arm64 and go1.25.5: the fix is in", log: extended, supplied: Facts{HostArch: "arm64", GoVersion: "go1.25.5"}, verdict: "similar",
			next: "gorepro matrix --arch native,amd64 --toolchain yours,go1.25.5 ", notNext: "go1.25.4",
		},
		{
			name: "host arm64, go1.25.3, native arm64 binary", log: extended, supplied: Facts{HostArch: "arm64", GoVersion: "go1.25.3", BinaryArch: "arm64"}, verdict: "similar",
			next: "gorepro matrix --arch native --toolchain yours,go1.25.3 ", notNext: "go1.25.4",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := LogWith(tt.log, tt.supplied)
			require.Len(t, r.KnownIssues, 1)
			ki := r.KnownIssues[0]
			assert.Equal(t, tt.hold, ki.ConditionsHold, "why: %v", ki.Why)
			assert.Equal(t, tt.verdict, ki.Verdict)
			if tt.supplied.GoVersion != "" {
				assert.Equal(t, tt.supplied.GoVersion, r.GoVersion)
				assert.Equal(t, "supplied", r.GoVersionReason)
			}
			commands := ""
			for _, s := range r.Next {
				commands += s.Command + "\n"
			}
			assert.Contains(t, commands, tt.next)
			if tt.notNext != "" {
				assert.NotContains(t, commands, tt.notNext)
			}
		})
	}
}

func TestGoVersionFromLog(t *testing.T) {
	frame := "runtime.throw({0x239740d?, 0x0?})\n\t%s/src/runtime/panic.go:1094 +0x48\n"
	tests := []struct {
		name, log, want, reason string
	}{
		{"distribution GOROOT says nothing", "fatal error: x\n" + fmt.Sprintf(frame, "/usr/lib/golang"), "", ""},
		{"versioned GOROOT", "fatal error: x\n" + fmt.Sprintf(frame, "/usr/local/go-1.25.3"), "go1.25.3", "GOROOT /usr/local/go-1.25.3 in the trace's file paths"},
		{"golang.org/dl SDK", "fatal error: x\n" + fmt.Sprintf(frame, "/root/sdk/go1.25.3"), "go1.25.3", "GOROOT /root/sdk/go1.25.3"},
		{"CI tool cache", "fatal error: x\n" + fmt.Sprintf(frame, "/opt/hostedtoolcache/go/1.25.0/x64"), "go1.25.0", "GOROOT /opt/hostedtoolcache/go/1.25.0/x64"},
		{"GOTOOLCHAIN module", "fatal error: x\n" + fmt.Sprintf(frame, "/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.24.6.linux-amd64"), "go1.24.6", "golang.org/toolchain@v0.0.1-go1.24.6"},
		{"Debian package: major.minor only", "fatal error: x\n" + fmt.Sprintf(frame, "/usr/lib/go-1.22"), "", ""},
		{"go version line", "go version go1.25.3 linux/amd64\nfatal error: x\n" + fmt.Sprintf(frame, "/usr/lib/golang"), "go1.25.3", `the log line "go version go1.25.3 linux/amd64"`},
		{"GoVersion in a version banner", `I0109 version.go:20] Version: version.Info{GitVersion:"v1.2.3", GoVersion:"go1.25.3", Platform:"linux/amd64"}` + "\n", "go1.25.3", "the log line"},
		{"goVersion in a JSON log", `{"level":"info","msg":"starting","goVersion":"go1.24.6"}` + "\n", "go1.24.6", "the log line"},
		{"runtime.Version printed", "runtime.Version()=go1.25.5\n", "go1.25.5", "the log line"},
		{"a word that is not a version", "go version unknown\n", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Log([]byte(tt.log))
			assert.Equal(t, tt.want, r.GoVersion)
			assert.Contains(t, r.GoVersionReason, tt.reason)
		})
	}
}

func TestArchHint(t *testing.T) {
	tests := []struct {
		name, log, arch, reason string
	}{
		{
			name:   "an assembly file names the architecture",
			log:    "panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:9 +0x24\nruntime.goexit({})\n\t/usr/local/go/src/runtime/asm_arm64.s:1223 +0x4\n",
			arch:   "arm64",
			reason: "/usr/local/go/src/runtime/asm_arm64.s",
		},
		{
			name:   "offsets all multiples of 4",
			log:    "panic: boom\n\ngoroutine 1 [running]:\nmain.f(0x4000012345)\n\t/src/main.go:9 +0x24\nmain.main()\n\t/src/main.go:12 +0x1c\n",
			arch:   "unknown (consistent with arm64)",
			reason: "all 2 code offsets are multiples of 4",
		},
		{
			name:   "an odd offset and 32-bit addresses only",
			log:    "panic: boom\n\ngoroutine 1 [running]:\nmain.f(0x8012345)\n\t/src/main.go:9 +0x23\nmain.main()\n\t/src/main.go:12 +0x1c\n",
			arch:   "amd64 or 386",
			reason: "frame offset +0x23 is not a multiple of 4",
		},
		{
			name:   "no offsets",
			log:    "panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:9\n",
			arch:   "unknown",
			reason: "no code offsets",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Log([]byte(tt.log))
			assert.Equal(t, tt.arch, r.ArchHint.Arch)
			assert.Contains(t, r.ArchHint.Reason, tt.reason)
		})
	}
}

func TestNotCrashes(t *testing.T) {
	tests := []struct {
		name    string
		log     string
		outcome LogOutcome
		summary string
	}{
		{
			name:    "zap lines with a stacktrace field",
			log:     `{"level":"error","ts":1,"msg":"panic: reconcile failed","stacktrace":"goroutine 1 [running]:\nmain.main()\n\t/src/main.go:12 +0x1d\n"}` + "\n",
			outcome: OutcomeFail, summary: `structured log entry at error level: "panic: reconcile failed"`,
		},
		{name: "zap info lines", log: `{"level":"info","msg":"Starting workers"}` + "\n", outcome: OutcomeNoCrash, summary: "no crash found"},
		{name: "klog error line", log: "E0109 14:16:27.123456       1 controller.go:42] failed to sync\n", outcome: OutcomeFail, summary: "failed to sync"},
		{name: "go run exit status", log: "error: config file missing\nexit status 3\n", outcome: OutcomeFail, summary: "error: config file missing; exit status 3"},
		{name: "only a SIGQUIT dump", log: "SIGQUIT: quit\nPC=0x4733a1 m=0 sigcode=0\n\ngoroutine 1 [chan receive]:\nmain.main()\n\t/src/main.go:9 +0x25\n", outcome: OutcomeNoCrash, summary: "no crash found"},
		{name: "a panic mentioned in a log line", log: "I0109 main.go:1] recovered: panic: boom\n", outcome: OutcomeNoCrash, summary: "no crash found"},
		{name: "empty", log: "", outcome: OutcomeNoCrash, summary: "no crash found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Log([]byte(tt.log))
			assert.Equal(t, tt.outcome, r.Outcome)
			assert.Contains(t, r.Summary, tt.summary)
			assert.Empty(t, r.Signature)
			assert.Empty(t, r.KnownIssues)
			assert.NotEmpty(t, r.Next)
		})
	}
}

func TestHeadingAtTheEnd(t *testing.T) {
	r := Log([]byte("starting\nruntime: failed to create new OS thread (have 2 already; errno=22)\nfatal error: newosproc\n\nruntime stack:\n"))
	assert.Equal(t, OutcomeCrash, r.Outcome)
	assert.Equal(t, "fatal error: newosproc", r.Signature)
	assert.True(t, r.Truncated)
	assert.Contains(t, r.TruncatedReason, `the log ends at "runtime stack:", before any frame`)
	assert.Equal(t, "runtime: failed to create new OS thread (have 2 already; errno=22)", r.RuntimeDetail)

	r = LogWith([]byte("fatal error: newosproc\n"), Facts{BinaryArch: "arm64", HostArch: "amd64"})
	assert.Equal(t, "fatal error: newosproc", r.Signature)
	assert.True(t, r.Truncated)
	assert.Contains(t, r.TruncatedReason, "right after the crash heading")
	require.Len(t, r.KnownIssues, 1)
	assert.Equal(t, "golang/go#20763", r.KnownIssues[0].ID)
	assert.Equal(t, "similar", r.KnownIssues[0].Verdict, "without the runtime: line errno=22 is unknown")

	// A heading followed by ordinary output is a log message, not a crash.
	r = Log([]byte("fatal error: could not load config\nretrying in 5s\n"))
	assert.Equal(t, OutcomeNoCrash, r.Outcome)
}

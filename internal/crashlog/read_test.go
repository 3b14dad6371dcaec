package crashlog

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// crashText is a nil dereference as the runtime prints it.
const crashText = `panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x47a1c5]

goroutine 1 [running]:
main.deref(...)
	/src/main.go:9
main.main()
	/src/main.go:14 +0x25
`

const crashSignature = "panic: runtime error: invalid memory address or nil pointer dereference [signal SIGSEGV: segmentation violation] in main.deref"

// eachLine prefixes every line of text with prefix(i).
func eachLine(text string, prefix func(i int) string) string {
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		b.WriteString(prefix(i) + l + "\n")
	}
	return b.String()
}

// TestReadWrappings reads the same crash in the wrappings people paste it
// in, and checks that each is removed and the crash read the same.
func TestReadWrappings(t *testing.T) {
	gha := eachLine(crashText, func(i int) string { return fmt.Sprintf("2024-10-09T09:16:43.%07dZ ", 6370024+i) })
	tests := []struct {
		name    string
		log     string
		formats []string
		prefix  string
		source  string
	}{
		{name: "plain", log: crashText, formats: []string{FormatPlain}},
		{name: "fenced", log: "```go\n" + crashText + "```\n", formats: []string{FormatMarkdown}},
		{name: "stray backticks", log: "`" + strings.TrimSuffix(crashText, "\n") + "`\n", formats: []string{FormatMarkdown}},
		{name: "fence glued to the last line", log: "```\n" + strings.TrimSuffix(crashText, "\n") + "```\n", formats: []string{FormatMarkdown}},
		{name: "GitHub Actions timestamps", log: gha, formats: []string{FormatPrefix}, prefix: "2024-10-09T09:16:43.6370024Z "},
		{name: "GitHub Actions, first line cut in the timestamp", log: gha[20:], formats: []string{FormatPrefix}, prefix: "2024-10-09T09:16:43.6370025Z "},
		{
			name: "BuildKit step", log: "#6 [2/3] RUN ./app\n" + eachLine(crashText, func(i int) string { return fmt.Sprintf("#6 0.%03d ", 88+i) }),
			formats: []string{FormatPrefix}, prefix: "#6 0.088 ",
		},
		{
			name: "logcat threadtime, Go and GoLog interleaved",
			log: eachLine(crashText, func(i int) string {
				return fmt.Sprintf("04-22 20:42:32.%03d 11258 11351 E Go      : ", 700+i)
			}) + "04-22 20:42:33.001 11258 11352 I GoLog   : shutting down\n04-22 20:42:33.002 11258 11352 I GoLog   : bye\n",
			formats: []string{FormatPrefix}, prefix: "04-22 20:42:32.700 11258 11351 E Go      : ", source: "Go",
		},
		{
			name:    "journald",
			log:     eachLine(crashText, func(int) string { return "Apr 29 00:57:11 node-1 controller[1738]: " }),
			formats: []string{FormatPrefix}, prefix: "Apr 29 00:57:11 node-1 controller[1738]: ",
		},
		{
			name:    "compose, two services",
			log:     "db-1   | ready\n" + eachLine(crashText, func(int) string { return "app-1  | " }) + "db-1   | checkpoint\n",
			formats: []string{FormatPrefix}, prefix: "db-1   | ", source: "app-1",
		},
		{
			name:    "kubectl logs --prefix",
			log:     eachLine(crashText, func(int) string { return "[pod/controller-7d9f8/manager] " }),
			formats: []string{FormatPrefix}, prefix: "[pod/controller-7d9f8/manager] ",
		},
		{
			name: "timestamps inside a CRI log",
			log: eachLine(eachLine(crashText, func(i int) string { return fmt.Sprintf("#6 0.%03d ", 88+i) }),
				func(i int) string { return fmt.Sprintf("2026-01-09T14:16:27.%09dZ stderr F ", i) }),
			formats: []string{FormatCRI, FormatPrefix}, prefix: "#6 0.088 ",
		},
		{
			name: "a quote block in a Markdown fence", log: "```\n" + eachLine(crashText, func(int) string { return "> " }) + "```\n",
			formats: []string{FormatMarkdown, FormatPrefix}, prefix: "> ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Read([]byte(tt.log))
			assert.Equal(t, tt.formats, r.Formats)
			assert.Equal(t, tt.prefix, r.Prefix)
			require.Len(t, r.Crashes, 1, "lines: %q", r.Source.Lines)
			assert.Equal(t, crashSignature, r.Crashes[0].Signature())
			assert.Equal(t, []string{"main.deref", "main.main"}, r.Crashes[0].Frames)
			assert.False(t, r.Crashes[0].Truncated, r.Crashes[0].TruncatedReason)
			assert.Equal(t, tt.source, r.Source.Name)
		})
	}
}

// TestReadKeepsProgramPrefixes checks that the prefixes a program writes
// itself stay: they are the program's messages, not the transport's, and
// removing them would turn a logged "panic: " into a crash heading.
func TestReadKeepsProgramPrefixes(t *testing.T) {
	tests := []struct{ name, log string }{
		{"klog line mentioning a panic", "I0109 14:16:27.123456       1 main.go:1] recovered: panic: boom\n"},
		{"two klog lines", "I0109 main.go:1] recovered: panic: boom\nI0109 main.go:2] recovered: panic: boom\n"},
		{"log package prefix", "2024/01/02 15:04:05 panic: boom\n2024/01/02 15:04:06 fatal error: config missing\n"},
		{
			"log package prefix next to a recovered panic's printed stack",
			"2024/01/02 15:04:05 http: panic serving 10.0.0.1:1234: boom\ngoroutine 7 [running]:\nnet/http.(*conn).serve.func1()\n\t/usr/local/go/src/net/http/server.go:1947 +0xbe\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Read([]byte(tt.log))
			assert.Empty(t, r.Prefix)
			assert.Empty(t, r.Crashes, "lines: %q", r.Source.Lines)
		})
	}
	// The log package's prefix stays on the program's lines and the
	// runtime's crash next to them is read as printed.
	r := Read([]byte("2024/01/02 15:04:05 starting\n2024/01/02 15:04:06 serving\n" + crashText))
	assert.Empty(t, r.Prefix)
	require.Len(t, r.Crashes, 1)
	assert.Equal(t, crashSignature, r.Crashes[0].Signature())
}

func TestReadHardWrappedFrames(t *testing.T) {
	log := "fatal error: concurrent map iteration and map write\n\ngoroutine 821 [running]:\n" +
		"runtime.throw(0x19dce6f, 0x26)\n/usr/local/go/src/runtime/panic.go:617 +0x72 fp=0xc0014018f0 sp=0xc0014018c0 pc\n=0x42ce72\n" +
		"example.com/app/logs.publishLogMetrics(0xc00165d680, 0xc001\n401e18)\n/app/logs/logs.go:785 +0x13e fp=0xc001401a38 sp=0xc001401978\n" +
		"created by example.com/app/logs.Run\n/app/logs/logs.go:348 +0x182a\n"
	r := Read([]byte(log))
	require.Len(t, r.Crashes, 1)
	assert.Equal(t, "fatal error: concurrent map iteration and map write in example.com/app/logs.publishLogMetrics", r.Crashes[0].Signature())
	assert.False(t, r.Crashes[0].Truncated, r.Crashes[0].TruncatedReason)
}

func TestReadDeathLines(t *testing.T) {
	t.Run("qemu alone", func(t *testing.T) {
		r := Read([]byte("$ go mod download\nqemu: Unsupported syscall: 403\nqemu: uncaught target signal 11 (Segmentation fault) - core dumped\nSegmentation fault\n"))
		require.Len(t, r.Crashes, 1)
		assert.Equal(t, "qemu: uncaught target signal 11 (Segmentation fault)", r.Crashes[0].Signature())
		assert.Equal(t, "qemu-user", r.Crashes[0].Emulator)
		assert.Equal(t, "qemu-user", r.Emulator)
		assert.Equal(t, "qemu: Unsupported syscall: 403", r.EmulatorLine)
		assert.False(t, r.Crashes[0].Truncated)
	})
	t.Run("qemu after a Go crash", func(t *testing.T) {
		r := Read([]byte(crashText + "SIGABRT: abort\nPC=0x47a1c5 m=0 sigcode=0\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:14 +0x25\nqemu: uncaught target signal 6 (Aborted) - core dumped\n"))
		require.Len(t, r.Crashes, 1, "the death line belongs to the crash")
		assert.Equal(t, crashSignature, r.Crashes[0].Signature())
		assert.Equal(t, "qemu-user", r.Crashes[0].Emulator)
	})
	t.Run("Android libc", func(t *testing.T) {
		r := Read([]byte("F libc    : Fatal signal 6 (SIGABRT), code -6 (SI_TKILL) in tid 16282 (Thread-14), pid 16246 (app)\n"))
		// One line, one delimiter-ended prefix: removed.
		require.Len(t, r.Crashes, 1, "lines: %q", r.Source.Lines)
		assert.Equal(t, "Fatal signal 6 (SIGABRT)", r.Crashes[0].Signature())
		assert.Empty(t, r.Crashes[0].Emulator)
	})
}

func TestReadTestTimeout(t *testing.T) {
	log := "=== RUN   TestHang\npanic: test timed out after 2s\n\trunning tests:\n\t\tTestHang (2s)\n\n" +
		"goroutine 17 [running]:\ntesting.(*M).startAlarm.func1()\n\t/usr/local/go/src/testing/testing.go:2484 +0x394\ncreated by time.goFunc\n\t/usr/local/go/src/time/sleep.go:215 +0x2d\n\n" +
		"goroutine 1 [chan receive]:\ntesting.(*T).Run(0xc000003a40, {0x5b1b7e?, 0x0?}, 0x5c3a10)\n\t/usr/local/go/src/testing/testing.go:1859 +0x431\nmain.main()\n\t_testmain.go:45 +0x9b\n\n" +
		"goroutine 6 [sleep]:\ntime.Sleep(0x34630b8a000)\n\t/usr/local/go/src/runtime/time.go:338 +0x165\nexample.com/hang.TestHang(0xc000003c00?)\n\t/src/hang_test.go:9 +0x1a\ntesting.tRunner(0xc000003c00, 0x5c3a10)\n\t/usr/local/go/src/testing/testing.go:1792 +0xf4\ncreated by testing.(*T).Run in goroutine 1\n\t/usr/local/go/src/testing/testing.go:1851 +0x413\n"
	r := Read([]byte(log))
	require.Len(t, r.Crashes, 1)
	c := r.Crashes[0]
	assert.Equal(t, "2s", c.TestTimeout)
	assert.Equal(t, []string{"TestHang (2s)"}, c.RunningTests)
	assert.Equal(t, []string{"time.Sleep", "example.com/hang.TestHang"}, c.Frames)
}

func TestReadHeadingMissing(t *testing.T) {
	log := "[signal SIGSEGV: segmentation violation code=0x1 addr=0x28 pc=0x113e0c5]\n\ngoroutine 1 [running]:\nmain.deref(0x0)\n\t/src/main.go:9 +0x25\nmain.main()\n\t/src/main.go:14 +0x25\n"
	r := Read([]byte(log))
	require.Len(t, r.Crashes, 1)
	assert.Equal(t, "[signal SIGSEGV: segmentation violation] in main.deref", r.Crashes[0].Signature())
}

func TestReadHeadingsAtTheEnd(t *testing.T) {
	// A second fatal error while the first was being reported: the first
	// is the crash.
	r := Read([]byte("acquirep: p->m=859539461120(126) p->status=1\nfatal error: acquirep: invalid p state\nruntime: nonempty check fails\nfatal error: workbuf is empty\n"))
	require.Len(t, r.Crashes, 1)
	assert.Equal(t, "fatal error: acquirep: invalid p state", r.Crashes[0].Signature())
	assert.True(t, r.Crashes[0].Truncated)
}

func TestStripMarkdown(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"```", "a", "```"}, []string{"a"}},
		{[]string{"```bash", "a", "  ```"}, []string{"a"}},
		{[]string{"`a", "b`"}, []string{"a", "b"}},
		{[]string{"`a`"}, []string{"a"}},
		{[]string{"a```"}, []string{"a"}},
		// A backtick ending a line in the middle stays: it may be part
		// of a panic value.
		{[]string{"panic: `x`", "b"}, []string{"panic: `x`", "b"}},
		{[]string{"~~~", "a", "~~~"}, []string{"a"}},
	}
	for _, tt := range tests {
		got, _ := stripMarkdown(tt.in)
		assert.Equal(t, tt.want, got, "%q", tt.in)
	}
}

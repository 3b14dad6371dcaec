package crashlog

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goldenSignature is what Signature returns for one testdata/*.txt trace.
type goldenSignature struct {
	OK        bool     `json:"ok"`
	Signature string   `json:"signature,omitempty"`
	Frames    []string `json:"frames,omitempty"`
}

func TestSignatureGolden(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, paths)

	got := map[string]goldenSignature{}
	for _, p := range paths {
		output, err := os.ReadFile(p)
		require.NoError(t, err)
		sig, frames, ok := Signature(output)
		got[filepath.Base(p)] = goldenSignature{OK: ok, Signature: sig, Frames: frames}
	}
	// One file for all traces: go test -update rewrites it.
	data, err := json.MarshalIndent(got, "", "  ")
	require.NoError(t, err)
	runfixture.CheckGolden(t, "signatures.golden.json", append(data, '\n'))
}

// TestSignatureKeyCases spells out the signatures the rest of gorepro relies
// on, independent of the golden file.
func TestSignatureKeyCases(t *testing.T) {
	tests := []struct {
		file      string
		signature string
		frames    []string
	}{
		{"tagged_pointer_pack.txt", "fatal error: taggedPointerPack in runtime.netpollopen",
			[]string{"runtime.netpollopen", "internal/poll.runtime_pollOpen", "internal/poll.(*pollDesc).init", "internal/poll.(*FD).Init", "os.newFile"}},
		{"tagged_pointer_pack_excerpt.txt", "fatal error: taggedPointerPack in runtime.netpollopen",
			[]string{"runtime.netpollopen", "internal/poll.runtime_pollOpen", "internal/poll.(*pollDesc).init", "os.newFile", "os.openFileNolog"}},
		{"deadlock.txt", "fatal error: all goroutines are asleep - deadlock! in main.main", []string{"main.main"}},
		{"deadlock_system.txt", "fatal error: all goroutines are asleep - deadlock! in main.main", []string{"main.main"}},
		{"panic.txt", "panic: boom in main.explode", []string{"main.explode", "main.main"}},
		{"nil_pointer.txt", "panic: runtime error: invalid memory address or nil pointer dereference [signal SIGSEGV: segmentation violation] in main.deref",
			[]string{"main.deref", "main.main"}},
		{"nil_pointer_system.txt", "panic: runtime error: invalid memory address or nil pointer dereference [signal SIGSEGV: segmentation violation] in main.deref",
			[]string{"main.deref", "main.main"}},
		{"stack_overflow.txt", "fatal error: stack overflow in main.recurse", []string{"main.recurse", "main.main"}},
		{"concurrent_map_writes.txt", "fatal error: concurrent map writes in main.main.func1", []string{"main.main.func1"}},
		{"concurrent_map_writes_system.txt", "fatal error: concurrent map writes in main.main.func1", []string{"main.main.func1"}},
		{"gotraceback_crash.txt", "panic: abort crash in main.explode", []string{"main.explode", "main.main"}},
		{"panic_value_address.txt", "panic: main.T{p:0x?, n:3} [recovered] in main.(*Server).handle.func1",
			[]string{"main.(*Server).handle.func1", "main.(*Server).handle", "main.(*Server).Run.gowrap1"}},
		{"method_frames.txt", "panic: runtime error: index out of range [5] with length 3 in example.com/app/store.(*Table[...]).Get",
			[]string{"example.com/app/store.(*Table[...]).Get", "example.com/app/store.(*Cache).Lookup", "main.main.func2"}},
		{"sigsegv_cgo.txt", "SIGSEGV: segmentation violation in main._Cfunc_crash", []string{"main._Cfunc_crash", "main.main"}},
		{"unexpected_signal.txt", "fatal error: unexpected signal during runtime execution [signal SIGSEGV: segmentation violation] in runtime.(*mspan).typePointersOfUnchecked",
			[]string{"runtime.(*mspan).typePointersOfUnchecked", "runtime.scanobject", "runtime.gcDrain", "runtime.gcBgMarkWorker.func2"}},
		{"morestack_on_g0.txt", "fatal: morestack on g0 in main.hook", []string{"main.hook", "main.main"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			output, err := os.ReadFile(filepath.Join("testdata", tt.file))
			require.NoError(t, err)
			sig, frames, ok := Signature(output)
			require.True(t, ok)
			assert.Equal(t, tt.signature, sig)
			assert.Equal(t, tt.frames, frames)
		})
	}
}

// TestSignatureNotCrashes lists outputs that must not parse as crashes.
func TestSignatureNotCrashes(t *testing.T) {
	for _, file := range []string{
		"recovered_printstack.txt", // debug.PrintStack after recover
		"zap_json_log.txt",         // JSON log line with a stacktrace field
		"zap_console_log.txt",      // console log with a trace below it
		"indented_heading.txt",     // heading not at column 0
		"log_line_fatal_error.txt", // "fatal error:" text without a trace
		"gotraceback_none.txt",     // heading alone: only Classify may accept it
		"sigquit_dump.txt",         // a goroutine dump someone asked for
	} {
		t.Run(file, func(t *testing.T) {
			output, err := os.ReadFile(filepath.Join("testdata", file))
			require.NoError(t, err)
			sig, frames, ok := Signature(output)
			assert.False(t, ok, "parsed as %q", sig)
			assert.Empty(t, sig)
			assert.Empty(t, frames)
		})
	}
}

func TestFrameFunc(t *testing.T) {
	tests := []struct {
		line string
		name string
		ok   bool
	}{
		{"main.main()", "main.main", true},
		{"main.explode(...)", "main.explode", true},
		{"main.(*T).Run(0xc000010000, {0x4c611c?, 0x0?})", "main.(*T).Run", true},
		{"runtime.throw({0x239740d?, 0x0?})", "runtime.throw", true},
		{"panic({0x4ab5e0?, 0x4d1508?})", "panic", true},
		{"example.com/m.Map[...](...)", "example.com/m.Map[...]", true},
		{"main.main.func1.2()", "main.main.func1.2", true},
		{"\t/src/main.go:5 +0x25", "", false},
		{"created by main.main in goroutine 1", "", false},
		{"hello (world)", "", false},
		{"goroutine 1 [running]:", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		name, ok := FrameFunc(tt.line)
		assert.Equal(t, tt.ok, ok, tt.line)
		assert.Equal(t, tt.name, name, tt.line)
	}
}

// protobuf randomises a space in its error messages between U+0020 and
// U+00A0 (internal/detrand) so that nobody matches them as strings; the
// signature of the same panic must not depend on the draw.
func TestSignatureFoldsNoBreakSpaces(t *testing.T) {
	trace := "panic: proto:%sinvalid type: json.Number\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:14 +0x8d\nexit status 2\n"
	plain, _, ok := Signature([]byte(fmt.Sprintf(trace, " ")))
	require.True(t, ok)
	nbsp, _, ok := Signature([]byte(fmt.Sprintf(trace, "\u00a0")))
	require.True(t, ok)
	assert.Equal(t, "panic: proto: invalid type: json.Number in main.main", plain)
	assert.Equal(t, plain, nbsp)
}

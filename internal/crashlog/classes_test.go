package crashlog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// corpusLog returns a real log of the diagnose corpus.
func corpusLog(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "diagnose", "testdata", "corpus", name))
	require.NoError(t, err)
	return data
}

// TestReadIssue25Classes reads real logs of each class of issue #25 and
// checks the crash, its signature and the details of the reading.
func TestReadIssue25Classes(t *testing.T) {
	tests := []struct {
		log       string
		signature string
		race      bool
		details   string // a detail that must be among Crash.Details
		format    string // a format Read must name
	}{
		// Race reports, current and old format, and go test's line alone.
		{log: "73-race-write-previous-read-finished.log", signature: "WARNING: DATA RACE in github.com/dgraph-io/dgraph/algo.Difference", race: true,
			details: "the other access: previous read by goroutine 76 in github.com/dgraph-io/dgraph/posting.(*List).intersectingPostings"},
		{log: "74-race-old-format-func-dot.log", signature: "WARNING: DATA RACE in github.com/jonstout/ogo/openflow/ofp10.func·001", race: true,
			details: "the other access: previous write by goroutine 8 in github.com/jonstout/ogo/openflow/ofp10.func·001"},
		{log: "71-race-nix-store-go1.17-dwrap-failed-restore.log", signature: "WARNING: DATA RACE in popstellar/cli.TestOrganizerAndWitnessWithoutPK", race: true,
			details: "the other access: previous read by goroutine 41 (its stack was not restored)"},
		{log: "78-race-gvm-go1.6.2-klog-before-runtime-first.log", race: true,
			signature: "WARNING: DATA RACE in github.com/openshift/origin/pkg/service/controller/servingcert.(*ServiceServingCertController).syncService"},
		{log: "80-race-test-form-line-only.log", signature: "WARNING: DATA RACE", race: true, details: "go test reported a race during a test"},
		// Headings glued after other output, or indented in a test's output.
		{log: "89-panic-glued-after-spinner-status.log", signature: "panic: runtime error: index out of range in github.com/slok/gospinner.(*Spinner).Render"},
		{log: "104-deadlock-windows-386-inside-test-output.log", signature: "fatal error: all goroutines are asleep - deadlock! in internal/poll.(*ioSrv).ProcessRemoteIO"},
		// The caller behind the sync package.
		{log: "82-deadlock-rwmutex-lockslow-powershell-prompt.log", signature: "fatal error: all goroutines are asleep - deadlock! in oh-my-posh/platform.(*Shell).Pwd",
			details: "skipped the sync frames sync.(*Mutex).lockSlow, sync.(*Mutex).Lock, sync.(*RWMutex).Lock to reach their caller"},
		{log: "87-sync-fatal-swallows-panic-go-run-prompt.log", signature: "fatal error: sync: unlock of unlocked mutex [signal SIGSEGV: segmentation violation] in main.main",
			details: "skipped the sync frames sync.(*Mutex).unlockSlow, sync.(*Mutex).Unlock to reach their caller"},
		// HTML wrappers.
		{log: "96-taggedPointerPack-details-summary-full-trace.log", signature: "fatal error: taggedPointerPack", format: FormatHTML},
		{log: "97-details-pre-go-env-then-unexpected-signal-unindented.log", format: FormatHTML,
			signature: "fatal error: unexpected signal during runtime execution [signal SIGSEGV: segmentation violation] in runtime.(*lfstack).pop"},
		// Go 1.4's C frames are the runtime's.
		{log: "99-arm-leftover-defers-runtime-diagnostic-asm-arm.log", signature: "fatal error: traceback has leftover defers in gopkg.in/stack%2ev1.func·001"},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.log, ".log"), func(t *testing.T) {
			r := Read(corpusLog(t, tt.log))
			require.NotEmpty(t, r.Crashes)
			c := r.Crashes[0]
			assert.Equal(t, tt.signature, c.Signature())
			assert.Equal(t, tt.race, c.Race)
			if tt.details != "" {
				assert.True(t, containsPrefix(c.Details, tt.details), "details %q", c.Details)
			}
			if tt.format != "" {
				assert.Contains(t, r.Formats, tt.format)
			}
			assert.Len(t, r.Crashes, 1, "one crash, no second one from the same report")
		})
	}
}

// containsPrefix reports whether some string of list starts with prefix.
func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// TestReadAbridgedThrow reads a throw the paste kept only the runtime's
// diagnostic and fatal error of, with the issue's prose after it
// (wandb/server#159, verbatim): still a crash with its signature.
func TestReadAbridgedThrow(t *testing.T) {
	log := "```\nruntime: taggedPointerPack invalid packing: ptr=0xffffa7a42a00 tag=0x1 packed=0xffffa7a42a000001 -> ptr=0xffffffffa7a42a00 tag=0x1\nfatal error: taggedPointerPack\n```\n\n" +
		"This is a known Go runtime bug affecting linux/amd64 binaries under QEMU on arm64: https://github.com/golang/go/issues/69255\n\n" +
		"The image is built with Go 1.25.3. Rebuilding with Go 1.25.4+ fixes it: https://github.com/golang/go/commit/bf95b767394eb5643265f44c7b98bdbb85b897ce\n"
	r := Read([]byte(log))
	require.Len(t, r.Crashes, 1)
	c := r.Crashes[0]
	assert.Equal(t, "fatal error: taggedPointerPack", c.Signature())
	assert.Equal(t, "runtime: taggedPointerPack invalid packing: ptr=0x? tag=0x? packed=0x? -> ptr=0x? tag=0x?", c.RuntimeDetail)
	assert.True(t, c.Truncated)

	// A fatal error alone in prose, without the runtime's diagnostic, is
	// a log message, not a crash.
	assert.Empty(t, Read([]byte("we saw fatal error: taggedPointerPack\nand then it went on\n")).Crashes)
}

// TestGluedHeadingNeedsCrashStructure checks that a heading inside a line
// counts only when the structure of a Go crash follows it.
func TestGluedHeadingNeedsCrashStructure(t *testing.T) {
	tests := []struct {
		name, log string
		crash     bool
	}{
		{"a prompt, then a trace", "$ ./app panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:5 +0x25\n", true},
		{"a status line, then a signal line", "Working 42%fatal error: unexpected signal during runtime execution\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x0]\n", true},
		{"a log message quoting a panic", "2024/01/02 15:04:05 recovered: panic: boom\nserving requests again\nall good\n", false},
		{"a heading inside a line of a dump someone asked for", "kill -QUIT: SIGQUIT: quit\nPC=0x46bd10 m=0 sigcode=0\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.crash, len(Read([]byte(tt.log)).Crashes) > 0)
		})
	}
}

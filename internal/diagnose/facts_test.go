package diagnose

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFactsFromRealPaths reads the Go version and the architecture from
// the file paths of real corpus logs: installers' versioned GOROOTs and
// the ports' assembly files.
func TestFactsFromRealPaths(t *testing.T) {
	tests := []struct {
		log, goVersion, reason, arch string
	}{
		{"91-homebrew-go1.10-go-version-panics.log", "go1.10", "GOROOT /usr/local/Cellar/go/1.10/libexec", "amd64"},
		{"71-race-nix-store-go1.17-dwrap-failed-restore.log", "go1.17.10", "GOROOT /nix/store/vwkz5x8x1k82s6y7br5i5lf2x9adjrr9-go-1.17.10/share/go", "amd64"},
		{"77-race-gimme-go1.12.9-no-blank-lines.log", "go1.12.9", "GOROOT /home/travis/.gimme/versions/go1.12.9.linux.amd64", "amd64"},
		{"78-race-gvm-go1.6.2-klog-before-runtime-first.log", "go1.6.2", "GOROOT /home/skuznets/.gvm/gos/go1.6.2", "unknown (consistent with arm64)"},
		{"99-arm-leftover-defers-runtime-diagnostic-asm-arm.log", "", "", "arm"},
		{"105-linux-386-asm-386-goexit-boltdb.log", "", "", "386"},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.log, ".log"), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, tt.log))
			require.NoError(t, err)
			r := Log(data)
			assert.Equal(t, tt.goVersion, r.GoVersion)
			assert.Contains(t, r.GoVersionReason, tt.reason)
			assert.Equal(t, tt.arch, r.ArchHint.Arch)
		})
	}
}

// TestNotesSayHowTheSignatureWasRead checks that a race's other access and
// the sync frames skipped are in the report's notes.
func TestNotesSayHowTheSignatureWasRead(t *testing.T) {
	tests := []struct{ log, signature, note string }{
		{"73-race-write-previous-read-finished.log", "WARNING: DATA RACE in github.com/dgraph-io/dgraph/algo.Difference",
			"the other access: previous read by goroutine 76 in github.com/dgraph-io/dgraph/posting.(*List).intersectingPostings"},
		{"83-deadlock-waitgroup-windows-elided.log", "fatal error: all goroutines are asleep - deadlock! in github.com/visualfc/gotools/finddoc.searchDocsInPaths",
			"skipped the sync frames sync.(*WaitGroup).Wait to reach their caller"},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.log, ".log"), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, tt.log))
			require.NoError(t, err)
			r := Log(data)
			assert.Equal(t, OutcomeCrash, r.Outcome)
			assert.Equal(t, tt.signature, r.Signature)
			assert.Contains(t, r.Notes, tt.note)
		})
	}
}

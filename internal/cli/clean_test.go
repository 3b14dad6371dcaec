package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/cleanup"
	"github.com/gorepro/gorepro/internal/container"
)

// TestRunClean runs gorepro clean's run function on a cache directory laid
// out as runs leave it, without a container engine (the engine's part is
// the script clean.txtar, with real Podman).
func TestRunClean(t *testing.T) {
	old := time.Now().Add(-3 * time.Hour)
	entries := map[string]bool{ // path → made long ago
		"work/bin/local_v1.36.10_nocover_repro_amd64/repro": true,
		"work/repro/abc/main.go":                            false,
		"cells/ab/abcdef/cell.json":                         true,
		"cells/fingerprints/0123":                           false,
		"harness/feed":                                      true,
	}
	locks := []string{"cells/locks/ab.lock", "work/locks/bin-x.lock"}
	layout := func(t *testing.T) string {
		root := t.TempDir()
		for path, isOld := range entries {
			file := filepath.Join(root, path)
			require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
			require.NoError(t, os.WriteFile(file, []byte("0123456789"), 0o644))
			if isOld {
				// The entry is two levels under its directory.
				parts := strings.Split(path, "/")
				entry := filepath.Join(root, filepath.Join(parts[:min(3, len(parts))]...))
				require.NoError(t, os.Chtimes(entry, old, old))
			}
		}
		for _, l := range locks {
			require.NoError(t, os.MkdirAll(filepath.Join(root, filepath.Dir(l)), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(root, l), nil, 0o644))
		}
		return root
	}
	noEngine := func(string) (*container.Engine, error) {
		return nil, &container.Error{Kind: container.ErrEngineMissing, Op: "detect", Msg: "podman or docker not found on PATH"}
	}
	tests := []struct {
		name       string
		opts       CleanOptions
		busy       bool
		wantCode   int
		wantStdout []string // regular expressions
		wantStderr string
		wantGone   []string
		wantKept   []string
	}{
		{
			name: "dry run lists and removes nothing", opts: CleanOptions{DryRun: true},
			wantStdout: []string{`(?m)^cache +work/bin/local_v1\.36\.10_nocover_repro_amd64 +10 B +3h`, `(?m)^cache +harness/feed `, `(?m)^would free 50 B \(5 cache entries\)$`},
			wantStderr: "no container engine here: cleaning the cache directory only",
			wantKept:   append([]string{"work/bin/local_v1.36.10_nocover_repro_amd64/repro", "cells/ab/abcdef", "harness/feed"}, locks...),
		},
		{
			name:       "clean removes every entry but the locks",
			wantStdout: []string{`(?m)^cache +cells/ab/abcdef +10 B`, `(?m)^freed 50 B \(5 cache entries\)$`},
			wantGone:   []string{"work/bin/local_v1.36.10_nocover_repro_amd64", "work/repro/abc", "cells/ab/abcdef", "cells/fingerprints/0123", "harness/feed"},
			wantKept:   append([]string{"work/bin", "cells/ab"}, locks...),
		},
		{
			name: "older than keeps what is younger", opts: CleanOptions{OlderThan: "2h"},
			wantStdout: []string{`(?m)^freed 30 B \(3 cache entries\)$`},
			wantGone:   []string{"work/bin/local_v1.36.10_nocover_repro_amd64", "cells/ab/abcdef", "harness/feed"},
			wantKept:   []string{"work/repro/abc/main.go", "cells/fingerprints/0123"},
		},
		{
			name: "days", opts: CleanOptions{OlderThan: "1d"},
			wantStdout: []string{`^freed 0 B \(nothing to remove\)\n$`},
			wantKept:   []string{"work/bin/local_v1.36.10_nocover_repro_amd64", "harness/feed"},
		},
		{
			name: "a run holds the cache", busy: true, wantCode: ExitInfra,
			wantKept: []string{"work/bin/local_v1.36.10_nocover_repro_amd64", "harness/feed"},
		},
		{
			name: "a run holds the cache: the dry run says so", opts: CleanOptions{DryRun: true}, busy: true,
			wantStdout: []string{`(?m)^would free 50 B \(5 cache entries\)$`},
			wantStderr: "a gorepro run is using the cache",
		},
		{name: "bad duration", opts: CleanOptions{OlderThan: "soon"}, wantCode: ExitUsage},
		{name: "negative duration", opts: CleanOptions{OlderThan: "-3d"}, wantCode: ExitUsage},
		{name: "bad engine", opts: CleanOptions{Engine: "lxc"}, wantCode: ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := layout(t)
			if tt.busy {
				release, err := cleanup.Use(context.Background(), root)
				require.NoError(t, err)
				defer release()
			}
			var stdout, stderr bytes.Buffer
			opts := tt.opts
			opts.CacheDir, opts.detect = root, noEngine
			err := runClean(context.Background(), Deps{Stdout: &stdout, Stderr: &stderr}, &opts)
			assert.Equal(t, tt.wantCode, ExitCode(err), "%v", err)
			for _, want := range tt.wantStdout {
				assert.Regexp(t, want, stdout.String())
			}
			assert.Contains(t, stderr.String(), tt.wantStderr)
			for _, path := range tt.wantGone {
				assert.NoFileExists(t, filepath.Join(root, path))
				assert.NoDirExists(t, filepath.Join(root, path))
			}
			for _, path := range tt.wantKept {
				_, err := os.Stat(filepath.Join(root, path))
				assert.NoError(t, err, "%s must stay", path)
			}
		})
	}
}

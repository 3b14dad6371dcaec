package diagnose

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNextStepsFollowFromTheFacts checks that the steps proposed for a
// crash follow from the facts given and found: arm64-host and emulation
// steps only when the binary may have run emulated, and a bisection over
// the releases around a fix only when the Go version may lack it.
func TestNextStepsFollowFromTheFacts(t *testing.T) {
	yes := true
	const tpp = "fatal error: taggedPointerPack in runtime.netpollopen"
	tests := []struct {
		name  string
		facts Facts
		// emulator is an emulator line's verdict (Report.Emulator);
		// distro a distribution's GOROOT in the trace.
		emulator string
		distro   bool
		// want are substrings of the steps' commands, in order; never
		// are substrings no command or reason may contain.
		want, never []string
	}{
		{
			name:  "native amd64 with a Go that has the fix: another cause, no arm64, no go1.25",
			facts: Facts{Signature: tpp, BinaryArch: "amd64", HostArch: "amd64", GoVersion: "go1.26.8"},
			want: []string{
				"gorepro matrix --arch native --toolchain yours,go1.26.8 --fail-on none",
				"gorepro matrix --arch native --fail-on none",
				"git bisect run gorepro check --bad-if 'signature~fatal error: (taggedPointerPack|lfstack\\.push)\\b'",
			},
			never: []string{"on an arm64 host", "ran on an arm64 host", "go1.25.4", "bisect --axis go", "native,amd64", "emulated as it ran"},
		},
		{
			name:  "the postmortem: amd64 emulated on arm64 with go1.25.3",
			facts: Facts{Signature: tpp, BinaryArch: "amd64", HostArch: "arm64", GoVersion: "go1.25.3"},
			want: []string{
				"gorepro matrix --arch native,amd64 --toolchain go1.25.3,go1.25.4,go1.25.5 --target repro --fail-on none",
				"gorepro bisect --axis go --versions go1.25.3,go1.25.4,go1.25.5 --target repro --arch amd64 ",
			},
			never: []string{"yours", "git bisect", "another cause"},
		},
		{
			name:  "nothing known but the trace: the issue's steps, conditional on the host",
			facts: Facts{Signature: tpp, BinaryArch: "amd64"},
			want: []string{
				"gorepro matrix --arch native,amd64 --toolchain go1.25.4,go1.25.5 --target repro --fail-on none",
				"gorepro bisect --axis go --versions go1.25.4,go1.25.5 ",
			},
			never: []string{"yours", "another cause"},
		},
		{
			name:   "emulated on arm64 but with the fix: builds compared, emulated next to native, no release bisection",
			facts:  Facts{Signature: tpp, BinaryArch: "amd64", HostArch: "arm64", GoVersion: "go1.26.0"},
			distro: true,
			want: []string{
				"gorepro matrix --arch native,amd64 --toolchain yours,go1.26.0 --fail-on none",
				"gorepro matrix --arch native,amd64 --fail-on none",
				"git bisect run gorepro check ",
			},
			never: []string{"go1.25.4", "bisect --axis go"},
		},
		{
			name:  "the fixed release itself, host unknown: no bisection towards it",
			facts: Facts{Signature: tpp, BinaryArch: "amd64", GoVersion: "go1.25.5"},
			want:  []string{"--toolchain yours,go1.25.5 ", "gorepro matrix --arch native --fail-on none"},
			never: []string{"go1.25.4", "bisect --axis go"},
		},
		{
			name:  "native amd64 with an affected Go: not the issue, the same build of the same version compared",
			facts: Facts{Signature: tpp, BinaryArch: "amd64", HostArch: "amd64", GoVersion: "go1.25.3"},
			want:  []string{"gorepro matrix --arch native --toolchain yours,go1.25.3 --fail-on none", "gorepro matrix --arch native --fail-on none"},
			never: []string{"on an arm64 host", "ran on an arm64 host", "go1.25.4", "bisect --axis go"},
		},
		{
			name:  "native arm64, Go version unknown: not the issue, no build to compare with",
			facts: Facts{Signature: tpp, BinaryArch: "arm64", HostArch: "arm64"},
			want:  []string{"gorepro matrix --arch native --fail-on none", "git bisect run gorepro check "},
			never: []string{"yours", "go1.25", "bisect --axis go", "native,"},
		},
		{
			name:     "an emulator's line in the log: emulated cells next to native ones",
			facts:    Facts{Signature: "fatal error: rt_sigaction failure in runtime.setsig", BinaryArch: "arm64", Emulated: &yes},
			emulator: "qemu-user",
			want:     []string{"gorepro matrix --arch native,arm64 --fail-on none"},
			never:    []string{"git bisect", "yours"},
		},
		{
			name:  "an emulator's issue on a native binary: not the cause",
			facts: Facts{Signature: "fatal error: rt_sigaction failure in runtime.setsig", BinaryArch: "amd64", HostArch: "amd64", GoVersion: "go1.26.8"},
			want:  []string{"--toolchain yours,go1.26.8", "gorepro matrix --arch native --fail-on none", "git bisect run gorepro check --bad-if 'signature~fatal error: rt_sigaction failure\\b'"},
			never: []string{"native,", "emulated as it ran"},
		},
		{
			name:  "an unknown crash on an emulated binary",
			facts: Facts{Signature: "panic: boom in main.explode", BinaryArch: "amd64", HostArch: "arm64"},
			want:  []string{"gorepro matrix --arch native,amd64 --fail-on none", "git bisect run gorepro check --bad-if 'signature~panic: boom'"},
			never: []string{"yours", "another cause"},
		},
		{
			name:  "an unknown crash, native",
			facts: Facts{Signature: "panic: boom in main.explode", BinaryArch: "amd64", HostArch: "amd64"},
			want:  []string{"gorepro matrix --arch native --fail-on none", "git bisect run gorepro check "},
			never: []string{"native,", "yours", "another cause"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Report{
				Outcome: OutcomeCrash, Signature: tt.facts.Signature,
				GoVersion: tt.facts.GoVersion, BinaryArch: tt.facts.BinaryArch, HostArch: tt.facts.HostArch,
				Emulator: tt.emulator, DistroBuild: tt.distro,
			}
			steps := nextSteps(r, MatchIssues(tt.facts), tt.facts)
			var all []string
			for _, s := range steps {
				all = append(all, s.Command+"\n  # "+s.Why)
			}
			text := strings.Join(all, "\n")
			require.GreaterOrEqual(t, len(steps), len(tt.want), text)
			for i, w := range tt.want {
				assert.Contains(t, steps[i].Command, w, "step %d of:\n%s", i, text)
			}
			for _, n := range tt.never {
				assert.NotContains(t, text, n)
			}
			seen := map[string]bool{}
			for _, s := range steps {
				assert.False(t, seen[s.Command], "step proposed twice: %s", s.Command)
				seen[s.Command] = true
				assert.NotEmpty(t, s.Why)
			}
		})
	}
}

// TestNextStepsForARace: a data race report (a real one from the corpus)
// leads with the build the race detector needs, not only a plain matrix.
func TestNextStepsForARace(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "corpus", "71-race-nix-store-go1.17-dwrap-failed-restore.log"))
	require.NoError(t, err)
	r := Log(data)
	require.True(t, strings.HasPrefix(r.Signature, "WARNING: DATA RACE"), r.Signature)
	require.NotEmpty(t, r.Next)
	assert.Equal(t, "gorepro matrix --fail-on crash", r.Next[0].Command)
	assert.Contains(t, r.Next[0].Why, `"buildFlags": ["-race"]`)
	assert.Contains(t, r.Next[0].Why, `"cgo": true`)
}

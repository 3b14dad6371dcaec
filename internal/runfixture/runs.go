package runfixture

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/stretchr/testify/require"
)

// SampleRun returns a run with one cell of each kind the renderers treat
// differently: pass, crash, flaky crash with a protobuf upgrade, fail,
// timeout, build error with a long reason, unavailable and cached.
func SampleRun() *record.Run {
	started := time.Date(2026, 11, 27, 11, 30, 0, 0, time.UTC)
	return &record.Run{
		SchemaVersion:  record.SchemaVersion,
		ID:             "20261127T113000Z-3f2a",
		GoreproVersion: "v0.1.0",
		Started:        started,
		Finished:       started.Add(2*time.Minute + 5*time.Second),
		Config:         "testdata/toolchains.json",
		ConfigSHA256:   "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Host:           record.Host{GOOS: "linux", GOARCH: "arm64", Hostname: "mac-podman", NumCPU: 8, Kernel: "6.8.5-301.fc40.aarch64"},
		Cells: []record.Cell{
			{
				ID: "local_v1.36.10_cover_repro_amd64", Toolchain: "local", ToolchainKind: "local", GoVersion: "go1.26.8",
				Protobuf: "v1.36.10", ProtobufLinked: "v1.36.10", Cover: true, Target: "repro", TargetKind: "repro",
				BinaryArch: "amd64", HostArch: "amd64", GOOS: "linux", Outcome: record.Pass, Runs: 3,
				OutcomeCounts: map[record.Outcome]int{record.Pass: 3}, BuildSeconds: 1.5, RunSeconds: 0.25,
				Logs: record.Logs{Build: "cells/local_v1.36.10_cover_repro_amd64/build.log"},
			},
			{
				ID: "ubi9-go1.25_v1.36.10_cover_controller_amd64", Toolchain: "ubi9-go1.25", ToolchainKind: "image", GoVersion: "go1.25.3",
				Protobuf: "v1.36.10", ProtobufLinked: "v1.36.10", Cover: true, Target: "controller", TargetKind: "dockerfile",
				BinaryArch: "amd64", HostArch: "arm64", GOOS: "linux", Emulated: true, Emulator: "rosetta", Outcome: record.Crash, Runs: 3, Crashes: 3,
				OutcomeCounts: map[record.Outcome]int{record.Crash: 3},
				Signature:     "fatal error: taggedPointerPack in runtime.netpollopen",
				Frames:        []string{"runtime.taggedPointerPack", "runtime.netpollopen", "internal/poll.(*FD).Init", "google.golang.org/protobuf/internal/detrand.binaryHash"},
				BuildSeconds:  42.125, RunSeconds: 1.875,
				Logs: record.Logs{
					Build: "cells/ubi9-go1.25_v1.36.10_cover_controller_amd64/build.log",
					Runs:  []string{"cells/ubi9-go1.25_v1.36.10_cover_controller_amd64/run-1.log"},
				},
				Reproduce: record.Reproduce{
					Dir:    "/src/controller",
					Build:  []string{"podman", "build", "--arch", "amd64", "."},
					Script: "cd /src/controller\npodman build --arch amd64 -t gorepro-cell .\npodman run --rm gorepro-cell\n",
				},
			},
			{
				ID: "go1.25.3_v1.33.0_nocover_repro_amd64", Toolchain: "go1.25.3", ToolchainKind: "gotoolchain", GoVersion: "go1.25.3",
				Protobuf: "v1.33.0", ProtobufLinked: "v1.36.10",
				ProtobufNote: "asked v1.33.0 but MVS selected v1.36.10 (required by k8s.io/apimachinery v0.31.0)",
				Target:       "repro", TargetKind: "repro", BinaryArch: "amd64", HostArch: "arm64", GOOS: "linux",
				Outcome: record.Crash, Flaky: true, Runs: 3, Crashes: 1,
				OutcomeCounts: map[record.Outcome]int{record.Crash: 1, record.Pass: 2},
				Signature:     "fatal error: taggedPointerPack in runtime.netpollopen",
				Frames:        []string{"runtime.netpollopen"},
				BuildSeconds:  2, RunSeconds: 0.5,
				Reproduce: record.Reproduce{Script: "GOTOOLCHAIN=go1.25.3 GOARCH=amd64 go build -o repro . && ./repro # uses ``` fences\n"},
			},
			{
				ID: "local_v1.36.10_nocover_app_amd64", Toolchain: "local", GoVersion: "go1.26.8", Protobuf: "v1.36.10",
				ProtobufLinked: "v1.36.10", Target: "app", BinaryArch: "amd64", HostArch: "amd64", Outcome: record.Fail, Runs: 3,
				OutcomeCounts: map[record.Outcome]int{record.Fail: 3}, Reason: "exit status 2: flag provided but not defined: -x | see usage",
				Tail: []string{"flag provided but not defined: -x", "Usage of app:", "  -v\tverbose | ```"},
				Hint: `the target has no pass rule, so only exit status 0 passes: if exit status 2 is how it ends here, give the target "pass": {"exitCodes": [0, 2]}`,
			},
			{
				ID: "local_v1.36.10_nocover_server_amd64", Toolchain: "local", GoVersion: "go1.26.8", Protobuf: "v1.36.10",
				ProtobufLinked: "v1.36.10", Target: "server", BinaryArch: "amd64", HostArch: "amd64", Outcome: record.Timeout, Runs: 1,
				RunResults: []record.RunResult{{Index: 1, Outcome: record.Timeout, ExitCode: -1, Signal: "killed", Seconds: 30}},
				Reason:     "no exit within 30s",
			},
			{
				ID: "go1.27.3_v1.36.10_cover_repro_amd64", Toolchain: "go1.27.3", GoVersion: "go1.27.3", Protobuf: "v1.36.10",
				Cover: true, Target: "repro", HostArch: "amd64", Outcome: record.BuildError,
				Reason:    "go build: main.go:12:2: undefined: proto.Marshal <generic> [in module example.com/repro] and then a lot more text\nsecond line",
				Reproduce: record.Reproduce{Script: "GOTOOLCHAIN=go1.27.3 go build -cover ."},
			},
			{
				ID: "podman-go1.24_v1.36.10_cover_repro_amd64", Toolchain: "podman-go1.24", Protobuf: "v1.36.10", Cover: true,
				Target: "repro", Outcome: record.Unavailable, Reason: "podman: executable file not found in $PATH",
			},
			{
				ID: "goroot-1.26_v1.36.10_cover_repro_amd64", Toolchain: "goroot-1.26", GoVersion: "go1.26.8", Protobuf: "v1.36.10",
				ProtobufLinked: "v1.36.10", Cover: true, Target: "repro", BinaryArch: "amd64", HostArch: "amd64",
				Outcome: record.Pass, Runs: 3, Cached: true, CacheKey: "c0ffee",
			},
		},
	}
}

// Recorded reads the recorded run testdata/<name> (see
// testdata/recorded-src/README.md) and returns it with its directory, to
// read its logs from.
func Recorded(t testing.TB, name string) (*record.Run, string) {
	t.Helper()
	_, self, _, ok := runtime.Caller(0)
	require.True(t, ok, "locating the recorded runs")
	dir := filepath.Join(filepath.Dir(self), "testdata", name)
	run, err := record.ReadFile(filepath.Join(dir, "results.json"))
	require.NoError(t, err)
	return run, dir
}

// RecordedPair returns the two real recorded runs, testdata/recorded and
// testdata/recorded-next (see testdata/recorded-next-src/README.md), to
// compare.
func RecordedPair(t testing.TB) (base, next *record.Run) {
	t.Helper()
	base, _ = Recorded(t, "recorded")
	next, _ = Recorded(t, "recorded-next")
	return base, next
}

// DiffCell is a cell of ID "c" with an outcome, flakiness and signature.
func DiffCell(outcome record.Outcome, flaky bool, signature string) record.Cell {
	c := record.Cell{ID: "c", Toolchain: "local", GoVersion: "go1.26.8", Protobuf: "v1.36.10", Target: "app",
		BinaryArch: "amd64", HostArch: "amd64", Outcome: outcome, Flaky: flaky, Runs: 3, Signature: signature}
	switch {
	case outcome == record.BuildError || outcome == record.Unavailable:
		c.Runs, c.BinaryArch = 0, ""
	case flaky:
		c.OutcomeCounts = map[record.Outcome]int{outcome: 1, record.Pass: 2}
	default:
		c.OutcomeCounts = map[record.Outcome]int{outcome: 3}
	}
	return c
}

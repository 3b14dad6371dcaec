package matrix

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/emulation"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runlife"
	"github.com/gorepro/gorepro/internal/runstore"
	"github.com/gorepro/gorepro/internal/testneed"
	"github.com/gorepro/gorepro/internal/toolchain"
)

// qemuX86 is Debian's qemu-user-static handler for amd64 binaries.
var qemuX86 = emulation.ParseHandler("qemu-x86_64", []byte("enabled\ninterpreter /usr/libexec/qemu-binfmt/x86_64-binfmt-P\nflags: POCF\noffset 0\nmagic 7f454c4602010100000000000000000002003e00\nmask fffffffffffefe00fffffffffffffffffeffffff\n"))

// TestRecordEmulation covers what is recorded once a cell's binary ran:
// emulated or not, the warning for emulation nobody asked for, and a probe
// target's report.
func TestRecordEmulation(t *testing.T) {
	vm := &toolchain.Resolved{Name: "ubi9", Kind: config.KindImage,
		Container: &toolchain.Container{EngineName: "podman", EngineHostOS: "linux", EngineHostArch: "arm64", Platform: "linux/arm64"}}
	if toolchain.HostArch() == "arm64" {
		vm.Container.EngineHostArch, vm.Container.Platform = "ppc64le", "linux/ppc64le" // not this machine
	}
	vmArch := vm.Container.EngineHostArch
	foreign := "amd64"
	if vmArch == "amd64" {
		foreign = "arm64"
	}
	tests := []struct {
		name         string
		plan         plan
		binaryArch   string
		wantEmulated bool
		wantHow      string
		wantWarning  string
		view         *emulation.EngineView
		viewErr      error
	}{
		{
			name:       "native binary in the engine VM",
			plan:       plan{tc: vm, target: config.Target{Name: "app", Kind: config.TargetPackage}, goarch: vmArch, native: true},
			binaryArch: vmArch,
		},
		{
			name:         "a Dockerfile's default GOARCH on the VM: emulated by an emulator gorepro cannot see",
			plan:         plan{tc: vm, target: config.Target{Name: "img", Kind: config.TargetDockerfile}, goarch: vmArch, native: true},
			binaryArch:   foreign,
			wantEmulated: true, wantHow: emulation.Unknown,
			wantWarning: "binary is " + foreign + " but the host is " + vmArch + ": it ran under emulation (unknown) — a Dockerfile default GOARCH?",
		},
		{
			name:         "asked for: no warning",
			plan:         plan{tc: vm, target: config.Target{Name: "app", Kind: config.TargetPackage}, goarch: foreign},
			binaryArch:   foreign,
			wantEmulated: true, wantHow: emulation.Unknown,
		},
		{
			name:         "the engine probe saw the VM's qemu handler",
			plan:         plan{tc: vm, target: config.Target{Name: "app", Kind: config.TargetPackage}, goarch: foreign},
			binaryArch:   foreign,
			view:         &emulation.EngineView{Mounted: true, Handlers: []emulation.Handler{qemuX86}},
			wantEmulated: true, wantHow: emulation.QemuUser,
		},
		{
			name:       "the engine probe saw Rosetta registered (Podman machine on applehv)",
			plan:       plan{tc: vm, target: config.Target{Name: "app", Kind: config.TargetPackage}, goarch: foreign},
			binaryArch: foreign,
			view: &emulation.EngineView{Mounted: true, Handlers: []emulation.Handler{
				emulation.ParseHandler("rosetta", []byte("enabled\ninterpreter /mnt/rosetta\nflags: OCF\noffset 0\nmagic "+qemuX86.Magic+"\nmask "+qemuX86.Mask+"\n")),
			}},
			wantEmulated: true, wantHow: emulation.Rosetta,
		},
		{
			name:         "both registered, Rosetta mapped into the probe: Rosetta ran it",
			plan:         plan{tc: vm, target: config.Target{Name: "app", Kind: config.TargetPackage}, goarch: foreign},
			binaryArch:   foreign,
			view:         &emulation.EngineView{Mounted: true, Handlers: []emulation.Handler{qemuX86}, TranslatorSeen: "/run/rosetta/rosetta"},
			wantEmulated: true, wantHow: emulation.Rosetta,
		},
		{
			name:         "the probe failed: unknown, saying why",
			plan:         plan{tc: vm, target: config.Target{Name: "app", Kind: config.TargetPackage}, goarch: foreign},
			binaryArch:   foreign,
			viewErr:      errors.New("engine emulation probe: exec format error"),
			wantEmulated: true, wantHow: emulation.Unknown,
			wantWarning: "which emulator ran the binary is unknown: engine emulation probe: exec format error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cell := baseCell(tt.plan, toolchain.HostArch())
			cell.BinaryArch = tt.binaryArch
			recordEmulation(tt.plan, &cell, nil, tt.view, tt.viewErr)
			assert.Equal(t, tt.wantEmulated, cell.Emulated)
			assert.Equal(t, tt.wantHow, cell.Emulator)
			if tt.wantWarning == "" {
				assert.Empty(t, cell.Warnings)
			} else {
				assert.Equal(t, []string{tt.wantWarning}, cell.Warnings)
			}
			assert.Nil(t, cell.EnvProbe)
		})
	}

	t.Run("probe report", func(t *testing.T) {
		local := &toolchain.Resolved{Name: "local", Kind: config.KindLocal}
		p := plan{tc: local, target: config.Target{Name: "probe", Kind: config.TargetEnvProbe}, goarch: toolchain.HostArch(), native: true}
		cell := baseCell(p, toolchain.HostArch())
		cell.BinaryArch = toolchain.HostArch()
		cell.RunResults = []record.RunResult{{Index: 1}, {Index: 2}}
		logs := map[string][]byte{
			"run-1.log": []byte("$ probe\nkilled\n"),
			"run-2.log": []byte("$ probe\n{\"gorepro\":\"probe\",\"goarch\":\"" + toolchain.HostArch() + "\",\"unameMachine\":\"x\"}\n"),
		}
		recordEmulation(p, &cell, logs, nil, nil)
		require.NotNil(t, cell.EnvProbe)
		assert.Equal(t, "x", cell.EnvProbe.UnameMachine)
		assert.False(t, cell.Emulated)

		cell = baseCell(p, toolchain.HostArch())
		cell.RunResults = []record.RunResult{{Index: 1}}
		cell.Reason = "exit status 2"
		recordEmulation(p, &cell, map[string][]byte{"run-1.log": []byte("boom\n")}, nil, nil)
		assert.Nil(t, cell.EnvProbe)
		assert.Equal(t, []string{"the probe printed no report: exit status 2"}, cell.Warnings)
	})
}

// TestEmulatedCells runs a real matrix with the local toolchain: the
// reproducer and the probe, natively and for arm64, which runs under
// qemu-user through binfmt_misc (scripts/setup-binfmt.sh).
func TestEmulatedCells(t *testing.T) {
	if testing.Short() {
		t.Skip("builds real binaries")
	}
	if toolchain.HostArch() != "amd64" {
		t.Skip("needs an amd64 host, for which arm64 is foreign")
	}
	if !qemuAarch64Registered(t) {
		testneed.Engine(t, "no arm64 emulator is registered with binfmt_misc (run scripts/setup-binfmt.sh as root)")
	}
	cfg := &config.Config{
		Toolchains:   []config.Toolchain{{Name: "local", Kind: config.KindLocal}},
		Protobuf:     []string{"v1.36.10", "v1.33.0"},
		Cover:        []bool{false},
		Arch:         []string{config.ArchNative, "arm64"},
		Targets:      []config.Target{{Name: "repro", Kind: config.TargetRepro}, {Name: "probe", Kind: config.TargetEnvProbe}},
		Runs:         1,
		Timeout:      config.Duration(time.Minute),
		BuildTimeout: config.Duration(5 * time.Minute),
	}
	var progress bytes.Buffer
	e := &Runner{Config: cfg, WorkDir: t.TempDir(), CacheDir: t.TempDir(), Jobs: 2, Progress: &progress, Version: "v0.0.0-test"}
	store := runstore.Store{Root: t.TempDir()}
	w, err := store.Begin("emulated")
	require.NoError(t, err)
	run, err := e.Run(context.Background(), "emulated", w)
	require.NoError(t, err)
	_, err = runlife.Commit(w, run)
	require.NoError(t, err)

	cells := map[string]record.Cell{}
	for _, c := range run.Cells {
		require.Equal(t, record.Pass, c.Outcome, "%s: %s\n%s", c.ID, c.Reason, progress.String())
		cells[c.ID] = c
	}
	// The protobuf axis does not apply to the probe: once per arch.
	require.Len(t, cells, 6, "%v", progress.String())

	for _, id := range []string{"local_v1.36.10_nocover_repro_amd64", "local_noprotobuf_nocover_probe_amd64"} {
		c := cells[id]
		assert.Equal(t, "amd64", c.BinaryArch, id)
		assert.Equal(t, "amd64", c.HostArch, id)
		assert.False(t, c.Emulated, id)
		assert.Empty(t, c.Emulator, id)
		assert.Empty(t, c.Warnings, id)
	}
	for _, id := range []string{"local_v1.36.10_nocover_repro_arm64", "local_v1.33.0_nocover_repro_arm64", "local_noprotobuf_nocover_probe_arm64"} {
		c := cells[id]
		assert.Equal(t, "arm64", c.BinaryArch, id)
		assert.Equal(t, "amd64", c.HostArch, id)
		assert.True(t, c.Emulated, id)
		assert.Equal(t, emulation.QemuUser, c.Emulator, id)
		assert.Empty(t, c.Warnings, id, "arm64 was asked for")
		assert.Equal(t, "arm64/amd64 (emulated)", record.ArchColumn(c))
	}

	native, emulated := cells["local_noprotobuf_nocover_probe_amd64"], cells["local_noprotobuf_nocover_probe_arm64"]
	assert.Empty(t, native.Protobuf)
	require.NotNil(t, native.EnvProbe)
	require.NotNil(t, emulated.EnvProbe)
	assert.Equal(t, "amd64", native.EnvProbe.GOARCH)
	assert.Equal(t, "x86_64", native.EnvProbe.UnameMachine)
	assert.Equal(t, "arm64", emulated.EnvProbe.GOARCH)
	assert.Equal(t, "aarch64", emulated.EnvProbe.UnameMachine)
	assert.Equal(t, native.EnvProbe.CPUVendor, emulated.EnvProbe.CPUVendor)
	assert.Contains(t, emulated.EnvProbe.Binfmt, "qemu-aarch64 enabled")
	assert.FileExists(t, native.Reproduce.Dir+"/main.go")
}

// qemuAarch64Registered reports whether this host runs arm64 binaries
// through an enabled binfmt_misc handler.
func qemuAarch64Registered(t *testing.T) bool {
	t.Helper()
	handlers, err := emulation.Handlers("")
	require.NoError(t, err)
	for _, h := range handlers {
		if h.Enabled && h.Matches("arm64") {
			return true
		}
	}
	return false
}

// A crash cell names the known upstream issue its signature matches, and
// the cell's own facts decide whether it is the cause or only similar.
func TestKnownIssuesOfCrashCells(t *testing.T) {
	cell := record.Cell{
		Signature: "fatal error: taggedPointerPack in runtime.netpollopen",
		GoVersion: "go1.25.3", BinaryArch: "amd64", HostArch: "arm64", Emulated: true, Emulator: "qemu-user",
	}
	knownIssues(&cell)
	require.Len(t, cell.KnownIssues, 1)
	assert.Equal(t, "golang/go#69255", cell.KnownIssues[0].ID)
	assert.Equal(t, "cause", cell.KnownIssues[0].Verdict)

	fixed := cell
	fixed.KnownIssues = nil
	fixed.GoVersion = "go1.25.5"
	knownIssues(&fixed)
	require.Len(t, fixed.KnownIssues, 1)
	assert.Equal(t, "similar", fixed.KnownIssues[0].Verdict)

	native := cell
	native.KnownIssues = nil
	native.BinaryArch, native.Emulated = "arm64", false
	knownIssues(&native)
	require.Len(t, native.KnownIssues, 1)
	assert.Equal(t, "similar", native.KnownIssues[0].Verdict)

	pass := record.Cell{Outcome: record.Pass}
	knownIssues(&pass)
	assert.Empty(t, pass.KnownIssues)
}

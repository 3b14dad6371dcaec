package report

import (
	"strings"
	"testing"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/stretchr/testify/assert"
)

func TestWriteMarkdownProbes(t *testing.T) {
	native := &record.EnvFacts{GoVersion: "go1.26.8", GOOS: "linux", GOARCH: "amd64", UnameSysname: "Linux", UnameMachine: "x86_64",
		UnameRelease: "6.18.44", PageSize: 4096, MmapLowest: "0x7f589be00000", MmapHighest: "0x7f58f3a30fff", AddrBits: 47,
		CPUVendor: "AuthenticAMD", CPUModel: "AMD EPYC", BinfmtMounted: true, Binfmt: []string{"qemu-aarch64 enabled"}}
	emulated := &record.EnvFacts{GoVersion: "go1.26.8", GOOS: "linux", GOARCH: "arm64", UnameSysname: "Linux", UnameMachine: "aarch64",
		UnameRelease: "6.18.44", PageSize: 4096, MmapHighest: "0x5558584fff", AddrBits: 39,
		CPUVendor: "AuthenticAMD", CPUModel: "AMD EPYC", BinfmtMounted: true, Binfmt: []string{"qemu-aarch64 enabled"}}
	rosetta := &record.EnvFacts{GOOS: "linux", GOARCH: "amd64", UnameMachine: "x86_64", PageSize: 16384,
		MmapHighest: "0xffff61508fff", MmapBit47: true, AddrBits: 48, Problems: []string{"/proc/cpuinfo: permission denied"}}
	cells := []record.Cell{
		{ID: "local_noprotobuf_nocover_probe_amd64", BinaryArch: "amd64", HostArch: "amd64", EnvProbe: native},
		{ID: "local_v1.36.10_nocover_repro_amd64", BinaryArch: "amd64", HostArch: "amd64"},
		{ID: "local_noprotobuf_nocover_probe_arm64", BinaryArch: "arm64", HostArch: "amd64", Emulated: true, Emulator: "qemu-user", EnvProbe: emulated},
		{ID: "ubi9_noprotobuf_nocover_probe_amd64", BinaryArch: "amd64", HostArch: "arm64", Emulated: true, Emulator: "unknown", EnvProbe: rosetta},
	}
	var b strings.Builder
	writeMarkdownProbes(&b, cells)
	runfixture.CheckGolden(t, "probe.md.golden", []byte(b.String()))

	b.Reset()
	writeMarkdownProbes(&b, cells[1:2])
	assert.Empty(t, b.String(), "no probe, no section")
}

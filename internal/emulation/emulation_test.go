package emulation

import (
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// elfHeader is a minimal ELF file header (no sections, no segments) for
// the given class, byte order and machine.
func elfHeader(class elf.Class, data elf.Data, machine elf.Machine) []byte {
	var order binary.ByteOrder = binary.LittleEndian
	if data == elf.ELFDATA2MSB {
		order = binary.BigEndian
	}
	size := 64
	if class == elf.ELFCLASS32 {
		size = 52
	}
	h := make([]byte, size)
	copy(h, "\x7fELF")
	h[4], h[5], h[6] = byte(class), byte(data), 1
	order.PutUint16(h[16:], uint16(elf.ET_EXEC))
	order.PutUint16(h[18:], uint16(machine))
	order.PutUint32(h[20:], 1)
	if class == elf.ELFCLASS64 {
		order.PutUint16(h[52:], 64) // ehsize
	} else {
		order.PutUint16(h[40:], 52)
	}
	return h
}

func TestELFArch(t *testing.T) {
	c64, c32, le, be := elf.ELFCLASS64, elf.ELFCLASS32, elf.ELFDATA2LSB, elf.ELFDATA2MSB
	tests := []struct {
		class   elf.Class
		data    elf.Data
		machine elf.Machine
		want    string
	}{
		{c64, le, elf.EM_X86_64, "amd64"},
		{c64, le, elf.EM_AARCH64, "arm64"},
		{c32, le, elf.EM_386, "386"},
		{c32, le, elf.EM_ARM, "arm"},
		{c64, le, elf.EM_RISCV, "riscv64"},
		{c64, le, elf.EM_PPC64, "ppc64le"},
		{c64, be, elf.EM_PPC64, "ppc64"},
		{c64, be, elf.EM_S390, "s390x"},
		{c64, le, elf.EM_LOONGARCH, "loong64"},
		{c32, be, elf.EM_MIPS, "mips"},
		{c64, le, elf.EM_MIPS, "mips64le"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			path := filepath.Join(dir, tt.want)
			require.NoError(t, os.WriteFile(path, elfHeader(tt.class, tt.data, tt.machine), 0o644))
			got, err := ELFArch(path)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			// The header Handler.Matches builds agrees with the real one.
			class, data, machine, ok := elfMachine(tt.want)
			require.True(t, ok)
			assert.Equal(t, []any{tt.class, tt.data, tt.machine}, []any{class, data, machine})
		})
	}

	t.Run("unknown machine", func(t *testing.T) {
		path := filepath.Join(dir, "sparc")
		require.NoError(t, os.WriteFile(path, elfHeader(c64, be, elf.EM_SPARCV9), 0o644))
		_, err := ELFArch(path)
		assert.ErrorContains(t, err, "no GOARCH for machine EM_SPARCV9")
	})
	t.Run("not ELF", func(t *testing.T) {
		path := filepath.Join(dir, "script")
		require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\necho hi\n"), 0o755))
		_, err := ELFArch(path)
		assert.ErrorContains(t, err, "reading ELF header")
	})
	t.Run("missing", func(t *testing.T) {
		_, err := ELFArch(filepath.Join(dir, "nothing"))
		assert.ErrorIs(t, err, os.ErrNotExist)
	})
}

func TestHandlers(t *testing.T) {
	handlers, err := Handlers("testdata/binfmt_misc")
	require.NoError(t, err)
	require.Len(t, handlers, 4)
	assert.Equal(t, Handler{
		Name: "qemu-aarch64", Interpreter: "/usr/libexec/qemu-binfmt/aarch64-binfmt-P", Enabled: true,
		Magic: "7f454c460201010000000000000000000200b700", Mask: "ffffffffffffff00fffffffffffffffffeffffff", Flags: "POF",
	}, handlers[1])
	names := map[string]bool{}
	for _, h := range handlers {
		names[h.Name] = h.Enabled
	}
	assert.Equal(t, map[string]bool{"jar": true, "qemu-aarch64": true, "qemu-riscv64": false, "rosetta": true}, names)
	assert.True(t, handlers[1].Matches("arm64"))
	assert.False(t, handlers[1].Matches("amd64"))
	assert.True(t, handlers[3].Matches("amd64"), "rosetta claims amd64")
	assert.False(t, handlers[0].Matches("amd64"), "an extension handler claims no architecture")

	t.Run("binfmt_misc disabled as a whole", func(t *testing.T) {
		dir := t.TempDir()
		for _, name := range []string{"register", "qemu-aarch64"} {
			data, err := os.ReadFile(filepath.Join("testdata/binfmt_misc", name))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, "status"), []byte("disabled\n"), 0o644))
		handlers, err := Handlers(dir)
		require.NoError(t, err)
		require.Len(t, handlers, 1)
		assert.False(t, handlers[0].Enabled)
	})
	t.Run("not mounted", func(t *testing.T) {
		handlers, err := Handlers(t.TempDir())
		require.NoError(t, err)
		assert.Empty(t, handlers)
	})
}

func TestEmulator(t *testing.T) {
	all, err := Handlers("testdata/binfmt_misc")
	require.NoError(t, err)
	qemuOnly := []Handler{{Name: "qemu-aarch64", Interpreter: "/usr/bin/qemu-aarch64-static", Enabled: true}} // no magic: matched by name
	other := []Handler{{Name: "FEX-x86_64", Interpreter: "/usr/bin/FEXInterpreter", Enabled: true,
		Magic: "7f454c4602010100000000000000000002003e00", Mask: "fffffffffffefe00fffffffffffffffffeffffff"}}
	tests := []struct {
		name              string
		binArch, hostArch string
		handlers          []Handler
		wantEmulated      bool
		wantHow           string
	}{
		{"native", "amd64", "amd64", all, false, ""},
		{"arm64 on amd64 under qemu-user", "arm64", "amd64", all, true, QemuUser},
		{"qemu handler matched by name", "arm64", "amd64", qemuOnly, true, QemuUser},
		{"amd64 on arm64 under rosetta", "amd64", "arm64", all, true, Rosetta},
		{"another emulator is named", "amd64", "arm64", other, true, "FEX-x86_64"},
		{"amd64 on a podman machine whose handlers are unseen", "amd64", "arm64", nil, true, Unknown},
		{"a disabled handler does not count", "riscv64", "amd64", all, true, Unknown},
		{"386 on amd64 is native", "386", "amd64", nil, false, ""},
		{"arm on arm64 is native", "arm", "arm64", nil, false, ""},
		{"unknown binary arch", "", "amd64", all, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emulated, how := Emulator(tt.binArch, tt.hostArch, tt.handlers)
			assert.Equal(t, tt.wantEmulated, emulated)
			assert.Equal(t, tt.wantHow, how)
		})
	}
}

func TestParseProbe(t *testing.T) {
	out := []byte("some noise\n" +
		`{"gorepro":"probe","goVersion":"go1.26.8","goos":"linux","goarch":"arm64","unameMachine":"aarch64","pageSize":4096,` +
		`"mmapHighest":"0x5558584fff","mmapBit47":false,"addrBits":39,"cpuVendor":"AuthenticAMD","binfmtMounted":true,"binfmt":["qemu-aarch64 enabled"]}` +
		"\n[gorepro: exit status 0 after 0.1s]\n")
	facts, ok := ParseProbe(out)
	require.True(t, ok)
	assert.Equal(t, "arm64", facts.GOARCH)
	assert.Equal(t, "aarch64", facts.UnameMachine)
	assert.Equal(t, 4096, facts.PageSize)
	assert.Equal(t, 39, facts.AddrBits)
	assert.Equal(t, []string{"qemu-aarch64 enabled"}, facts.Binfmt)

	for name, out := range map[string]string{
		"none":      "fatal error: taggedPointerPack\n",
		"malformed": `{"gorepro":"probe","goarch":` + "\n",
		"repro":     `{"gorepro":"repro","goarch":"amd64"}` + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, ok := ParseProbe([]byte(out))
			assert.False(t, ok)
		})
	}
}

func TestGenerateProbe(t *testing.T) {
	workDir := t.TempDir()
	dir, err := GenerateProbe(workDir)
	require.NoError(t, err)
	assert.Equal(t, ProbeDir(workDir), dir)
	mainGo, err := os.ReadFile(filepath.Join(dir, "main.go"))
	require.NoError(t, err)
	assert.Equal(t, probeSource, mainGo)
	goMod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	require.NoError(t, err)
	assert.Equal(t, "module gorepro.local/probe\n\ngo 1.18\n", string(goMod))
	again, err := GenerateProbe(workDir)
	require.NoError(t, err)
	assert.Equal(t, dir, again)
	assert.Len(t, ProbeHash(), 12)
}

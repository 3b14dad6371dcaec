package emulation

import (
	"debug/elf"
	"fmt"
)

// ELFArch returns the GOARCH of the ELF binary at path, from its header:
// the architecture its machine code is for, whatever its build info says.
func ELFArch(path string) (string, error) {
	f, err := elf.Open(path)
	if err != nil {
		return "", fmt.Errorf("reading ELF header: %w", err)
	}
	defer f.Close()
	arch := goarch(f.Machine, f.Class, f.Data)
	if arch == "" {
		return "", fmt.Errorf("reading ELF header of %s: no GOARCH for machine %v (%v, %v)", path, f.Machine, f.Class, f.Data)
	}
	return arch, nil
}

// goarch maps an ELF machine, class and byte order to GOARCH, or "".
func goarch(m elf.Machine, class elf.Class, data elf.Data) string {
	le := data == elf.ELFDATA2LSB
	is64 := class == elf.ELFCLASS64
	switch m {
	case elf.EM_X86_64:
		return "amd64"
	case elf.EM_AARCH64:
		return "arm64"
	case elf.EM_386:
		return "386"
	case elf.EM_ARM:
		return "arm"
	case elf.EM_RISCV:
		if is64 {
			return "riscv64"
		}
	case elf.EM_PPC64:
		if le {
			return "ppc64le"
		}
		return "ppc64"
	case elf.EM_S390:
		return "s390x"
	case elf.EM_LOONGARCH:
		return "loong64"
	case elf.EM_MIPS, elf.EM_MIPS_RS3_LE:
		switch {
		case is64 && le:
			return "mips64le"
		case is64:
			return "mips64"
		case le:
			return "mipsle"
		}
		return "mips"
	}
	return ""
}

// elfMachine is the ELF identity (class, byte order, e_machine) of binaries
// for goarch, for matching binfmt_misc magic; ok is false for an unknown
// GOARCH.
func elfMachine(goarch string) (class elf.Class, data elf.Data, machine elf.Machine, ok bool) {
	c64, c32, le, be := elf.ELFCLASS64, elf.ELFCLASS32, elf.ELFDATA2LSB, elf.ELFDATA2MSB
	switch goarch {
	case "amd64":
		return c64, le, elf.EM_X86_64, true
	case "arm64":
		return c64, le, elf.EM_AARCH64, true
	case "386":
		return c32, le, elf.EM_386, true
	case "arm":
		return c32, le, elf.EM_ARM, true
	case "riscv64":
		return c64, le, elf.EM_RISCV, true
	case "ppc64le":
		return c64, le, elf.EM_PPC64, true
	case "ppc64":
		return c64, be, elf.EM_PPC64, true
	case "s390x":
		return c64, be, elf.EM_S390, true
	case "loong64":
		return c64, le, elf.EM_LOONGARCH, true
	case "mips64le":
		return c64, le, elf.EM_MIPS, true
	case "mips64":
		return c64, be, elf.EM_MIPS, true
	case "mipsle":
		return c32, le, elf.EM_MIPS, true
	case "mips":
		return c32, be, elf.EM_MIPS, true
	}
	return 0, 0, 0, false
}

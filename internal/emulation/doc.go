// Package emulation tells whether a binary runs natively or under an
// emulator, and builds gorepro's environment probe.
//
// The taggedPointerPack crash of the postmortem was an amd64 binary emulated
// on an arm64 host; nothing in the binary's build info says where it ran.
// So every cell records the binary's real architecture, read from its ELF
// header (ELFArch; build info only says what the go command was asked
// for), next to the architecture of the machine that ran it, and whether
// an emulator sat in between (Emulator): qemu-user or Rosetta registered
// with the kernel's binfmt_misc (Handlers reads
// /proc/sys/fs/binfmt_misc), or "unknown" when the architectures differ
// and the handlers cannot be seen (the VM of a Podman machine).
// scripts/setup-binfmt.sh registers qemu-aarch64 on a Debian host.
//
// The probe (GenerateProbe, ParseProbe) is a dependency-free Go program,
// embedded from probe/main.go.tmpl, that reports from inside a cell what
// the binary itself sees: the architecture it was compiled for, uname, the
// page size, the addresses anonymous mmaps return and whether bit 47 is
// set, the CPU vendor and the binfmt_misc handlers. It uses raw system
// calls only: a file opened with os.Open is registered with the network
// poller, the very path that crashed.
package emulation

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
// The binaries of image toolchains run on the engine's machine — on a Mac,
// the Linux VM of a Podman machine or Docker Desktop, whose binfmt_misc
// this host cannot read. There the engine probe (GenerateBinfmtProbe,
// ParseBinfmtProbe, EngineView) asks from inside: a small program built
// for the binary's architecture runs in a container of the cell's runtime
// image and platform, with the engine host's /proc/sys/fs/binfmt_misc
// bind-mounted read-only, and reports its handlers and whether its own
// process sees Rosetta (its /proc/self/cmdline or /proc/self/maps naming
// rosetta; qemu-user answers both files itself with the guest's view).
// What it relies on, from the projects' documentation and issues: a
// Podman machine on applehv registers Rosetta as the handler "rosetta"
// with the interpreter /mnt/rosetta (and falls back to QEMU silently when
// its rosetta-activation service is skipped, or under libkrun); Lima
// registers "rosetta" with /mnt/lima-rosetta/rosetta; other VMs mount it
// at /run/rosetta or /var/run/rosetta. A handler whose name or
// interpreter says rosetta is Rosetta, qemu is qemu-user. The matrix runs
// the probe once per engine × platform × architecture in a run.
//
// The probe (GenerateProbe, ParseProbe) is a dependency-free Go program,
// embedded from probe/main.go.tmpl, that reports from inside a cell what
// the binary itself sees: the architecture it was compiled for, uname, the
// page size, the addresses anonymous mmaps return and whether bit 47 is
// set, the CPU vendor and the binfmt_misc handlers. It uses raw system
// calls only: a file opened with os.Open is registered with the network
// poller, the very path that crashed.
package emulation

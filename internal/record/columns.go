package record

// ArchColumn returns the binary's and the host's architecture as
// "binary/host", e.g. "amd64/arm64", followed by " (emulated)" when the
// binary ran under an emulator; an unknown side is "-".
func ArchColumn(c Cell) string {
	if c.BinaryArch == "" && c.HostArch == "" {
		return "-"
	}
	arch := orDash(c.BinaryArch) + "/" + orDash(c.HostArch)
	if c.Emulated {
		arch += " (emulated)"
	}
	return arch
}

// CoverColumn returns "on" when the cell was built with -cover, else "off".
func CoverColumn(c Cell) string {
	if c.Cover {
		return "on"
	}
	return "off"
}

// orDash returns s, or "-" when s is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

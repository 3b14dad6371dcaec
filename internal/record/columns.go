package record

import "strings"

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

// ProtobufOverruled reports whether c's binary linked another protobuf
// version than the one c asked for (the build list overruled it), and
// why, briefly: "required by example.com/dep v0.0.0" when minimal version
// selection chose a higher version that a dependency requires, else
// ProtobufNote, else "the build list selected it".
func ProtobufOverruled(c Cell) (why string, ok bool) {
	if c.Protobuf == "" || c.ProtobufLinked == "" || c.ProtobufLinked == c.Protobuf {
		return "", false
	}
	if _, by, found := strings.Cut(c.ProtobufNote, "(required by "); found {
		return "required by " + strings.TrimSuffix(by, ")"), true
	}
	if c.ProtobufNote != "" {
		return c.ProtobufNote, true
	}
	return "the build list selected it", true
}

package diagnose

import "strings"

// NormaliseArch maps an architecture name as a person gives it for a
// fact the log does not contain (--host-arch, --binary-arch), as GOARCH or
// as uname -m or a container platform prints it (x86_64, aarch64,
// arm64/v8, armv7l), to GOARCH; false when it names no architecture Go
// supports on linux.
func NormaliseArch(name string) (string, bool) {
	switch n := strings.ToLower(strings.TrimSpace(name)); n {
	case "x86_64", "x86-64", "x64":
		return "amd64", true
	case "aarch64", "arm64/v8":
		return "arm64", true
	case "i386", "i686", "x86":
		return "386", true
	case "armv7l", "armv6l", "arm/v7", "arm/v6":
		return "arm", true
	case "386", "amd64", "arm", "arm64", "loong64", "mips", "mips64", "mips64le", "mipsle", "ppc64", "ppc64le", "riscv64", "s390x":
		return n, true
	}
	return "", false
}

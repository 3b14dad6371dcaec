package emulation

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// BinfmtDir is where the kernel's binfmt_misc handlers are listed when it
// is mounted.
const BinfmtDir = "/proc/sys/fs/binfmt_misc"

// How a binary ran, as Emulator reports it.
const (
	// QemuUser is qemu's user-mode emulation (qemu-aarch64-static and
	// friends) registered with binfmt_misc.
	QemuUser = "qemu-user"
	// Rosetta is Apple's Rosetta 2 registered with binfmt_misc in a Linux
	// VM on Apple Silicon (Podman machine, Lima, Docker Desktop).
	Rosetta = "rosetta"
	// Unknown means the architectures differ but no handler is known: the
	// binary ran on a machine whose binfmt_misc gorepro cannot see (the
	// VM of a Podman machine), or could not run at all.
	Unknown = "unknown"
)

// Handler is one binfmt_misc entry: a file in /proc/sys/fs/binfmt_misc
// other than register and status.
type Handler struct {
	// Name is the entry's name, such as "qemu-aarch64".
	Name string
	// Interpreter is the program the kernel runs the binary with.
	Interpreter string
	// Enabled is false when the entry, or binfmt_misc as a whole, is
	// disabled.
	Enabled bool
	// Magic and Mask are the hex bytes an executable's header must match
	// at Offset (empty for a handler that matches file name extensions).
	Magic  string
	Mask   string
	Offset int
	// Flags are the entry's flags, such as "POF".
	Flags string
}

// Handlers lists the binfmt_misc handlers under root (BinfmtDir when
// empty), sorted by name. binfmt_misc not mounted (no register file) is no
// handlers and no error.
func Handlers(root string) ([]Handler, error) {
	if root == "" {
		root = BinfmtDir
	}
	if _, err := os.Stat(filepath.Join(root, "register")); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("listing binfmt_misc handlers: %w", err)
	}
	allEnabled := true
	if status, err := os.ReadFile(filepath.Join(root, "status")); err == nil {
		allEnabled = strings.TrimSpace(string(status)) != "disabled"
	}
	var handlers []Handler
	for _, e := range entries {
		if e.IsDir() || e.Name() == "register" || e.Name() == "status" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(root, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("reading binfmt_misc handler %s: %w", e.Name(), err)
		}
		h := ParseHandler(e.Name(), data)
		h.Enabled = h.Enabled && allEnabled
		handlers = append(handlers, h)
	}
	sortHandlers(handlers)
	return handlers, nil
}

// sortHandlers sorts handlers by name.
func sortHandlers(handlers []Handler) {
	slices.SortFunc(handlers, func(a, b Handler) int { return strings.Compare(a.Name, b.Name) })
}

// ParseHandler parses the content of a binfmt_misc entry file:
//
//	enabled
//	interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
//	flags: POF
//	offset 0
//	magic 7f454c460201010000000000000000000200b700
//	mask ffffffffffffff00fffffffffffffffffeffffff
func ParseHandler(name string, data []byte) Handler {
	h := Handler{Name: name}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		key, value, _ := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		value = strings.TrimSpace(value)
		switch key {
		case "enabled":
			h.Enabled = true
		case "interpreter":
			h.Interpreter = value
		case "flags:":
			h.Flags = value
		case "offset":
			h.Offset, _ = strconv.Atoi(value)
		case "magic":
			h.Magic = value
		case "mask":
			h.Mask = value
		}
	}
	return h
}

// Matches reports whether the kernel would hand an executable for goarch
// to h: its magic matches the ELF header of such a binary, or, when h has
// no usable magic, its name is qemu's for that architecture.
func (h Handler) Matches(goarch string) bool {
	class, data, machine, ok := elfMachine(goarch)
	if !ok {
		return false
	}
	magic, err := hex.DecodeString(h.Magic)
	if err != nil || len(magic) == 0 {
		return h.Name == "qemu-"+qemuArch(goarch)
	}
	mask, err := hex.DecodeString(h.Mask)
	if err != nil || len(mask) != len(magic) {
		mask = bytes.Repeat([]byte{0xff}, len(magic))
	}
	// The first 20 bytes of an ELF executable for goarch: ident (magic,
	// class, data, version), type EXEC and machine.
	header := make([]byte, 20)
	copy(header, "\x7fELF")
	header[4], header[5], header[6] = byte(class), byte(data), 1
	header[16], header[18] = 2, byte(machine)
	header[19] = byte(machine >> 8)
	if data == 2 { // big-endian e_type and e_machine
		header[16], header[17] = 0, 2
		header[18], header[19] = byte(machine>>8), byte(machine)
	}
	if h.Offset < 0 || h.Offset+len(magic) > len(header) {
		return false
	}
	for i := range magic {
		if header[h.Offset+i]&mask[i] != magic[i]&mask[i] {
			return false
		}
	}
	return true
}

// kind says which emulator h is: QemuUser, Rosetta or its name.
func (h Handler) kind() string {
	s := strings.ToLower(h.Name + " " + h.Interpreter)
	switch {
	case strings.Contains(s, "qemu"):
		return QemuUser
	case strings.Contains(s, "rosetta"):
		return Rosetta
	}
	return h.Name
}

// Emulator says whether a binary for binArch runs emulated on a hostArch
// machine whose binfmt_misc handlers are handlers, and how: QemuUser,
// Rosetta, another handler's name, or Unknown when the architectures
// differ and no enabled handler matches (the handlers of a Podman machine's
// VM cannot be seen from here). A binary of the host's architecture, or of
// its 32-bit companion (386 on amd64, arm on arm64), runs natively unless
// a handler claims it. Either architecture empty is "not emulated".
func Emulator(binArch, hostArch string, handlers []Handler) (emulated bool, how string) {
	if binArch == "" || hostArch == "" || binArch == hostArch {
		return false, ""
	}
	var match *Handler
	for i := range handlers {
		if handlers[i].Enabled && handlers[i].Matches(binArch) {
			match = &handlers[i]
			break
		}
	}
	if match != nil {
		return true, match.kind()
	}
	if compatible(binArch, hostArch) {
		return false, ""
	}
	return true, Unknown
}

// compatible reports whether hostArch machines run binArch code natively.
func compatible(binArch, hostArch string) bool {
	switch hostArch + "/" + binArch {
	case "amd64/386", "arm64/arm":
		return true
	}
	return false
}

// qemuArch is qemu's name for goarch ("arm64" → "aarch64").
func qemuArch(goarch string) string {
	switch goarch {
	case "amd64":
		return "x86_64"
	case "arm64":
		return "aarch64"
	case "386":
		return "i386"
	case "loong64":
		return "loongarch64"
	case "mipsle":
		return "mipsel"
	case "mips64le":
		return "mips64el"
	}
	return goarch
}

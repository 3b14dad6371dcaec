package crashfixture

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gorepro/gorepro/internal/modtree"
)

// The injected GOROOT causes golang/go#69255's crash natively on an amd64
// host. The fix of that issue made the runtime pack pointers with one
// address bit more than amd64's 48 ("defaultAddrBits = 48 + 1" in
// runtime/tagptr_64bit.go), because Rosetta and qemu-user hand amd64
// binaries addresses with bit 47 set. A runtime built with 47 bits is wrong
// the other way round: the kernel's ordinary mmap addresses (0x7f…, bit 46
// set) do not survive taggedPointerPack's round trip, and the first file a
// program opens through package os dies with "fatal error:
// taggedPointerPack" in runtime.netpollopen — the postmortem's crash, down
// to the +0x12a offset, with go1.26.8 still in `go version`: the same Go
// version, a different build.

// tagptrFile is the runtime source the injection replaces, relative to
// GOROOT, and fixedAddrBits / injectedAddrBits the line before and after.
const (
	tagptrFile       = "src/runtime/tagptr_64bit.go"
	fixedAddrBits    = "defaultAddrBits = 48 + 1"
	injectedAddrBits = "defaultAddrBits = 47"
)

// MakeInjectedGOROOT makes dir a copy of goroot whose runtime packs pointers
// with 47 address bits. Files are hard links where goroot and dir share a
// file system (a second, no disk), else copies; the one changed file,
// runtime/tagptr_64bit.go, is a new file, never an edit of a shared inode.
// dir must not exist. It fails when goroot's runtime does not have the line
// it replaces (a Go release before the fix, or a changed source).
func MakeInjectedGOROOT(goroot, dir string) error {
	src, err := os.ReadFile(filepath.Join(goroot, filepath.FromSlash(tagptrFile)))
	if err != nil {
		return fmt.Errorf("injecting %s: %w", goroot, err)
	}
	if bytes.Count(src, []byte(fixedAddrBits)) != 1 {
		return fmt.Errorf("injecting %s: %s does not hold %q exactly once (a Go release older than go1.25.5, or one whose runtime changed)", goroot, tagptrFile, fixedAddrBits)
	}
	if _, err := os.Lstat(dir); err == nil {
		return fmt.Errorf("injecting %s: %s already exists", goroot, dir)
	}
	if err := modtree.Copy(goroot, dir, modtree.CopyOptions{Link: true, KeepHidden: true}); err != nil {
		_ = os.RemoveAll(dir)
		return fmt.Errorf("injecting %s: copying it to %s: %w", goroot, dir, err)
	}
	dst := filepath.Join(dir, filepath.FromSlash(tagptrFile))
	if err := os.Remove(dst); err != nil { // the hard link: never write through it
		_ = os.RemoveAll(dir)
		return fmt.Errorf("injecting %s: %w", goroot, err)
	}
	if err := os.WriteFile(dst, bytes.Replace(src, []byte(fixedAddrBits), []byte(injectedAddrBits), 1), 0o644); err != nil {
		_ = os.RemoveAll(dir)
		return fmt.Errorf("injecting %s: %w", goroot, err)
	}
	return nil
}

// SharedInjectedGOROOT returns an injected copy of the local GOROOT (`go
// env GOROOT`), making it when it does not exist yet (see
// SharedInjectedGOROOTOf).
//
// It returns an error on hosts that are not amd64, where 47 address bits
// are not the wrong side of anything a test can show.
func SharedInjectedGOROOT() (string, error) {
	if runtime.GOARCH != "amd64" {
		return "", fmt.Errorf("the injected GOROOT causes taggedPointerPack only on amd64 hosts; this one is %s", runtime.GOARCH)
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %w", err)
	}
	return SharedInjectedGOROOTOf(strings.TrimSpace(string(out)))
}

// SharedInjectedGOROOTOf returns an injected copy of goroot, making it
// when it does not exist yet. The copy is kept under the system's
// temporary directory, named after a hash of goroot's path, VERSION file
// and runtime source, so that later test runs find it again and the go
// build cache keeps its compiled runtime: building against it costs one
// compile of the standard library, once. Concurrent test processes each
// make their own copy and rename it into place; the first one wins.
func SharedInjectedGOROOTOf(goroot string) (string, error) {
	h := sha256.New()
	h.Write([]byte(goroot + "\x00"))
	for _, name := range []string{"VERSION", tagptrFile} {
		b, err := os.ReadFile(filepath.Join(goroot, filepath.FromSlash(name)))
		if err != nil {
			return "", err
		}
		h.Write(b)
	}
	dir := filepath.Join(os.TempDir(), "gorepro-injected-goroot-"+hex.EncodeToString(h.Sum(nil)[:6]))
	if injectedComplete(dir) {
		return dir, nil
	}
	tmp, err := os.MkdirTemp(os.TempDir(), ".gorepro-injected-goroot-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := MakeInjectedGOROOT(goroot, filepath.Join(tmp, "go")); err != nil {
		return "", err
	}
	if err := os.Rename(filepath.Join(tmp, "go"), dir); err != nil && !injectedComplete(dir) {
		_ = os.RemoveAll(dir) // not an injected GOROOT: replace it
		if err := os.Rename(filepath.Join(tmp, "go"), dir); err != nil && !injectedComplete(dir) {
			return "", fmt.Errorf("placing the injected GOROOT: %w", err)
		}
	}
	return dir, nil
}

// injectedComplete reports whether dir is a finished injected GOROOT.
func injectedComplete(dir string) bool {
	src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(tagptrFile)))
	if err != nil || !bytes.Contains(src, []byte(injectedAddrBits)) {
		return false
	}
	_, err = os.Stat(filepath.Join(dir, "bin", "go"))
	return err == nil
}

// InjectedGOROOT returns the shared injected GOROOT (SharedInjectedGOROOT),
// skipping t with the reason on hosts that are not amd64.
func InjectedGOROOT(t testing.TB) string {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skipf("needs an amd64 host for the injected taggedPointerPack crash (golang/go#69255); this one is %s", runtime.GOARCH)
	}
	dir, err := SharedInjectedGOROOT()
	if err != nil {
		t.Fatalf("making the injected GOROOT: %v", err)
	}
	return dir
}

// LocalGOROOT is the GOROOT of the go command on PATH.
func LocalGOROOT(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	return strings.TrimSpace(string(out))
}
